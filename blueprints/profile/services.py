"""A person's own profile."""

from base.database import db
from base.i18n import reading_languages
from blueprints.accounts.models import User
from blueprints.activity.services import record
from blueprints.notifications.services import settle
from blueprints.profile import verbs
from blueprints.quiz.services import forget_distribution


def profile_complete(user: User) -> bool:
    """What the welcome notification asks for and the home page checks: a department and a time zone."""
    return bool(user.department_id and user.timezone)


def update_profile(
    user: User,
    *,
    display_name: str,
    department_id: int,
    site_id: int,
    language: str,
    timezone: str,
    directory_opt_in: bool,
    content_languages: list[str] | None = None,
    anonymous_on_boards: bool = False,
):
    """Save the profile; 0 for department or site means none, no content language means the
    interface language."""
    user.display_name = display_name.strip()
    if (user.department_id, user.site_id) != (department_id or None, site_id or None):
        forget_distribution()  # counted by department (and challenges' audiences by site)
    user.department_id = department_id or None
    user.site_id = site_id or None
    user.language = language
    user.timezone = timezone
    user.directory_opt_in = directory_opt_in
    user.anonymous_on_boards = anonymous_on_boards
    user.content_languages = sorted(content_languages or [])
    record(user, verbs.PROFILE_UPDATED, "user", user.id)
    if profile_complete(user):  # what the welcome notification asked for is done
        settle(user, "welcome")
    db.session.commit()


def set_language(user: User, language: str) -> None:
    """Remember the interface language on the account (one of the site's LANGUAGES).

    The languages the person reads content in stay as they were: someone who never chose
    them read the feed in their interface language, so that language is kept for the feed.
    """
    if not user.content_languages:
        user.content_languages = reading_languages(user)
    user.language = language
    db.session.commit()


def change_password(user: User, current: str, new: str) -> bool:
    """False when the current password is wrong (nothing changes). Changed, it ends every
    session of the person: the caller renews the one it serves."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    user.end_sessions()
    db.session.commit()
    return True
