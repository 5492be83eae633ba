from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user
from markupsafe import Markup

from base.drawn import frozen, part, reader_key
from base.extensions import limiter
from base.i18n import gettext as _
from base.i18n import reading_languages
from base.web import wants_fragment
from blueprints.accounts.labels import ROLE_LABELS
from blueprints.accounts.organisation import organisation
from blueprints.auth.sessions import renew_session
from blueprints.contributions.catalogue import STATUS_LABELS as CONTRIBUTION_STATUSES
from blueprints.contributions.services import contributions_of
from blueprints.kudos.services import kudos_received
from blueprints.profile import services
from blueprints.profile.forms import NOT_SET, PasswordForm, ProfileForm
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.quiz.services import history as quiz_history
from blueprints.recognition.services import EarnedBadge, HistoryPage, points_history, recognition_summary

bp = Blueprint("profile", __name__)

HISTORY_TEMPLATE = "profile/_points_history.html"


@bp.app_template_global()
def points_history_rows(history: HistoryPage) -> Markup:
    """A page of the person's points history drawn once per state (``base.drawn``): each line as
    it shows, whether older points follow, and the reader's language, zone and mount path."""
    key = (
        tuple(
            (line.entry_id, line.label, line.points, line.reason, line.at, line.about, _link_key(line.link))
            for line in history.lines
        ),
        history.next_before,
        *reader_key(),
    )
    return part(HISTORY_TEMPLATE, key, history=history)


@bp.app_template_global()
def earned_badges(badges: list[EarnedBadge]) -> Markup:
    """The person's badges drawn once per state (``base.drawn``): which badges, when each was
    earned, and the reader's language, zone and mount path."""
    key = (tuple((earned.badge.key, earned.earned_at) for earned in badges), *reader_key())
    return part("profile/_badges.html", key, badges=badges)


def _link_key(link: tuple[str, dict] | None) -> tuple | None:
    return (link[0], frozen(link[1])) if link else None


def profile_form() -> ProfileForm:
    """The profile form, filled with the person's values where the request does not give any."""
    defaults = {
        "display_name": current_user.display_name,
        "department_id": current_user.department_id or NOT_SET,
        "site_id": current_user.site_id or NOT_SET,
        "language": current_user.language or current_app.config["DEFAULT_LANGUAGE"],
        "timezone": current_user.timezone or current_app.config["DEFAULT_TIMEZONE"],
        "directory_opt_in": current_user.directory_opt_in,
        "anonymous_on_boards": current_user.anonymous_on_boards,
        "content_languages": reading_languages(current_user),
    }
    known = organisation()
    return ProfileForm(known.departments, known.sites, prefix="profile", data=defaults)


def render_profile(form: ProfileForm, password_form: PasswordForm, status: int = 200):
    page = render_template(
        "profile/me.html",
        form=form,
        password_form=password_form,
        role_label=ROLE_LABELS[current_user.role],
        quiz_history=quiz_history(current_user.id),
        personae=PERSONA_BY_KEY,
        recognition=recognition_summary(current_user.id),
        history=points_history(current_user.id),
        contributions=contributions_of(current_user.id),
        contribution_statuses=CONTRIBUTION_STATUSES,
        received_kudos=kudos_received(current_user.id),
    )
    return page, status


@bp.route("/me/points")
def points_page():
    """More of the person's points history (htmx appends it; without JavaScript, a page)."""
    history = points_history(current_user.id, before=request.args.get("before", type=int))
    if wants_fragment():
        return points_history_rows(history)
    return render_template("profile/points.html", history=history)


@bp.route("/me", methods=["GET", "POST"])
def me():
    form = profile_form()
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            display_name=form.display_name.data,
            department_id=form.department_id.data,
            site_id=form.site_id.data,
            language=form.language.data,
            timezone=form.timezone.data,
            directory_opt_in=form.directory_opt_in.data,
            content_languages=form.content_languages.data,
            anonymous_on_boards=form.anonymous_on_boards.data,
        )
        refresh()  # the page's language was settled before the save (the lists' names): say it in the new one
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("profile.me"))
    return render_profile(form, PasswordForm(prefix="password"), 422 if form.errors else 200)


@bp.post("/me/password")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def change_password():
    password_form = PasswordForm(prefix="password")
    if password_form.validate_on_submit():
        if services.change_password(
            current_user, password_form.current_password.data, password_form.new_password.data
        ):
            renew_session(current_user._get_current_object())  # this browser stays signed in, no other
            flash(_("Your password is changed."), "success")
            return redirect(url_for("profile.me"))
        password_form.current_password.errors.append(_("This is not your current password."))
    return render_profile(profile_form(), password_form, 422)
