"""Home, language switch, health check, vendored front-end files and error pages."""

from pathlib import Path

import flask_babel
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from htmx_flask import make_response
from jinja2 import pass_context

from base.assets import ONE_YEAR, fingerprint
from base.database import utcnow
from base.drawn import request_token
from base.i18n import format_day, format_when
from base.i18n import gettext as _
from base.urls import local_or
from base.web import public
from blueprints.core import services
from blueprints.core.cards import HOME_CARDS
from blueprints.core.header import body_start, page_end, page_start, site_header
from blueprints.core.navigation import drawn_menu
from blueprints.notifications.services import latest_notifications, message_text
from blueprints.profile.services import profile_complete
from blueprints.profile.services import set_language as remember_language

bp = Blueprint("core", __name__)

HOME_FEED_ITEMS = 3

# Front-end packages installed by npm (package.json), served from our own origin.
VENDOR_FILES = {"htmx.min.js": Path("node_modules/htmx.org/dist")}


bp.add_app_template_filter(format_when, "when")
bp.add_app_template_global(message_text, "notification_text")


def per_reader(formatter):
    """A Babel formatting filter that Jinja never computes at compile time: on a constant
    (``0.1|percentformat``) it would keep the language of the first page rendered ("10 %" in
    English). Marked as taking the context, it runs on every render, in the reader's language."""

    @pass_context
    def apply(context, value, *args, **kwargs):
        return formatter(value, *args, **kwargs)

    return apply


def format_count(number) -> str:
    """A number in the reader's language; a whole number under a thousand is written the same in
    every language we serve (no grouping, Latin digits: a test checks each), so it skips Babel —
    pages print dozens of counts."""
    if type(number) is int and 0 <= number < 1000:
        return str(number)
    return flask_babel.format_number(number)


LOCALE_FILTERS = {
    "numberformat": format_count,
    "decimalformat": flask_babel.format_decimal,
    "percentformat": flask_babel.format_percent,
    "currencyformat": flask_babel.format_currency,
    "scientificformat": flask_babel.format_scientific,
    "dateformat": format_day,
    "datetimeformat": flask_babel.format_datetime,
    "timeformat": flask_babel.format_time,
    "timedeltaformat": flask_babel.format_timedelta,
}
for filter_name, formatter in LOCALE_FILTERS.items():
    bp.add_app_template_filter(per_reader(formatter), filter_name)


@bp.app_context_processor
def layout_helpers():
    return {
        "unread_notifications": lambda: services.header_figures(current_user.id).unread,
        "csrf_token": request_token,  # in place of Flask-WTF's: a token signed a moment ago is reused
    }


# The page's frame, header and menus, and home's cards: drawn parts (``base.drawn``).
for drawn in (page_start, body_start, page_end, site_header, drawn_menu, *HOME_CARDS):
    bp.add_app_template_global(drawn)


@bp.route("/")
def home():
    now = utcnow()
    facts = services.personal_facts(current_user, now, HOME_FEED_ITEMS)
    # Only unread notifications show: with none (the header's count, read with the person), none to read.
    unread = services.header_figures(current_user.id).unread
    return render_template(
        "core/home.html",
        progress=facts.progress,
        notifications=latest_notifications(current_user, unread_only=True) if unread else [],
        profile_complete=profile_complete(current_user),
        quiz_profile=facts.quiz_profile,
        mentoring_step=facts.mentoring,
        feed_preview=facts.feed_preview,
        events=facts.events,
        challenges=facts.challenges,
        recognition=facts.recognition,
        reward=facts.reward,
    )


@bp.post("/language")
@public
def set_language():
    """Switch language: remembered on the account, or in the session for a visitor."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            remember_language(current_user, language)
        session["language"] = language
    return redirect(local_or(request.form.get("next"), url_for("core.home")))


@bp.route("/healthz")
@public
def healthz():
    if not services.database_reachable():
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/static/vendor/<name>")
@public
def vendor(name: str):
    folder = VENDOR_FILES.get(name)
    if folder is None:
        return render_error(404)
    return send_from_directory(Path(current_app.root_path) / folder, name, max_age=ONE_YEAR)


@bp.app_url_defaults
def version_vendor_files(endpoint: str, values: dict) -> None:
    """Vendored files' addresses carry their fingerprint, like static files: cached for good."""
    if endpoint == "core.vendor" and values.get("name") in VENDOR_FILES and "v" not in values:
        name = values["name"]
        values["v"] = fingerprint(Path(current_app.root_path) / VENDOR_FILES[name] / name)


ERROR_TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("This page is not for your role"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
}
ERROR_EXPLANATIONS = {
    400: lambda: _("Please go back, reload the page and try again."),
    403: lambda: _(
        "You are signed in, but this part of the site is for another role. Ask your comms team if you need it."
    ),
    404: lambda: _("The address may be mistyped, or the page has moved."),
    405: lambda: _("Please use the buttons of the page."),
    429: lambda: _("For your safety, wait a minute before trying again."),
    500: lambda: _("The team has been told. Please try again in a moment."),
}


def render_error(status: int, explanation: str | None = None):
    """A translated error page, or a short fragment for htmx requests."""
    title = ERROR_TITLES[status]()
    explanation = explanation or ERROR_EXPLANATIONS[status]()
    template = "errors/_message.html" if request.htmx else "errors/error.html"
    body = render_template(template, status=status, title=title, explanation=explanation)
    return make_response(body, status)


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return render_error(400, _("Your form expired or came from another site. Reload the page and try again."))


def register_error_pages(app):
    for status in ERROR_TITLES:
        app.register_error_handler(status, lambda error, status=status: on_error(status))


def on_error(status: int):
    if status == 500:
        services.discard_unfinished_work()
    return render_error(status)
