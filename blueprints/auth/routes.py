from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from htmx_flask import make_response

from base.database import utcnow
from base.extensions import limiter, login_manager
from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.urls import local_or
from base.web import is_public_endpoint, public
from blueprints.auth import services
from blueprints.auth.forms import LoginForm, SignupForm
from blueprints.auth.sessions import end_session, start_session

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():
    """Send a signed-out person to sign-in; an htmx request gets HX-Redirect, not a page swap."""
    if request.htmx:
        # Come back to the page the fragment belongs to, not to the fragment itself.
        page = urlsplit(request.htmx.current_url or "").path
        return make_response("", 401, redirect=url_for("auth.login", next=local_or(page, None)))
    login_url = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    flash(login_manager.login_message, "info")
    return redirect(login_url)


@bp.before_app_request
def trusted_header_sign_in():
    """Single sign-on: trust the reverse proxy's header naming the person, when configured."""
    header = current_app.config["TRUSTED_USER_HEADER"]
    email = request.headers.get(header, "").strip().lower() if header else ""
    if not email or (current_user.is_authenticated and current_user.email == email):
        return
    try:
        user = services.trusted_sign_in(email)
    except services.AccountError:
        abort(403)
    start_session(user)


@bp.before_app_request
def require_sign_in():
    """Every page needs a signed-in person, except the endpoints marked public."""
    if not current_user.is_authenticated and not is_public_endpoint(request.endpoint):
        return login_manager.unauthorized()
    return None


@bp.before_app_request
def note_last_seen():
    """Remember when a signed-in person was last here."""
    if current_user.is_authenticated:
        services.note_last_seen(current_user, utcnow())


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    next_page = local_or(request.args.get("next"), url_for("core.home"))
    if current_user.is_authenticated:
        return redirect(next_page)
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data)
        except services.SignInDelayed as refusal:
            form.password.errors.append(str(refusal))
            status, headers = 429, {"Retry-After": str(refusal.seconds)}
        except services.AccountError as refusal:
            form.password.errors.append(str(refusal))
        else:
            start_session(user, remember=form.remember.data)
            return redirect(next_page)
    signup_open = bool(current_app.config["ALLOWED_SIGNUP_DOMAINS"])
    return render_template("auth/login.html", form=form, signup_open=signup_open), status, headers


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        return render_template("auth/logout.html")
    services.sign_out(current_user)
    end_session()
    flash(_("You are signed out. See you soon!"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def signup():
    domains = current_app.config["ALLOWED_SIGNUP_DOMAINS"]
    if not domains:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                form.email.data, form.display_name.data, form.password.data, language=str(get_locale())
            )
        except services.AccountError as refusal:
            form.email.errors.append(str(refusal))
        else:
            start_session(user)
            flash(_("Welcome aboard, %(name)s!", name=user.first_name), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/signup.html", form=form, domains=domains)
