"""Home's cards drawn once per state and reused (``base.drawn``): home gathers eight features'
news, and drawing each card cost more than reading what it shows (issue #14).

Each key names everything its template (``core/_<card>.html``) reads, the reader's language,
time zone and mount path included (``reader_key``); the form token and the page's address are
the request's own, put in by ``base.drawn``.
"""

from markupsafe import Markup

from base.drawn import frozen, part, reader_key
from blueprints.challenges.cards import challenge_fields
from blueprints.challenges.services import HomeChallenges, title_of
from blueprints.content.feed import Preview
from blueprints.core.services import HomeProgress, MentoringPointer
from blueprints.notifications.models import Notification
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.quiz.services import Profile


def persona_card(profile: Profile | None, in_progress) -> Markup:
    """The person's ambassador profile (their latest result, the personae they also are) or an
    invitation to the quiz, with their unfinished attempt."""
    key = (profile, _attempt(in_progress), *reader_key())
    return part("core/_persona.html", key, profile=profile, in_progress=in_progress, personae=PERSONA_BY_KEY)


def steps_card(
    quiz_profile: Profile | None,
    in_progress,
    profile_complete: bool,
    mentoring: MentoringPointer,
    unread: int,
    is_comms: bool,
) -> Markup:
    """The person's next steps: the quiz, their profile, mentoring, notifications, the console."""
    key = (
        quiz_profile is not None,
        _attempt(in_progress),
        profile_complete,
        mentoring,
        unread,
        is_comms,
        *reader_key(),
    )
    context = {
        "quiz_done": quiz_profile is not None,
        "in_progress": in_progress,
        "profile_complete": profile_complete,
    }
    return part("core/_steps.html", key, mentoring=mentoring, unread=unread, is_comms=is_comms, **context)


def _attempt(in_progress) -> tuple[int, int] | None:
    return in_progress and (in_progress.number, in_progress.total)


def feed_preview_card(previews: list[Preview]) -> Markup:
    """The top of the person's feed: each item's title, language and why it is shown."""
    return part("core/_feed_preview.html", (*previews, *reader_key()), feed_preview=previews)


def events_card(events: tuple[list, bool]) -> Markup:
    """The person's next events (or the next ones they may join): each one's title, language
    and start."""
    upcoming, registered = events
    shown = tuple((event.id, event.title, event.language, event.starts_at) for event in upcoming)
    return part(
        "core/_events.html", (registered, shown, *reader_key()), upcoming=upcoming, registered=registered
    )


def progress_card(progress: HomeProgress) -> Markup:
    """The person's own progress: the counts, and each recent action as it shows (its name,
    what it was about and where, when, in which language)."""
    steps = tuple(
        (
            str(step.name),
            step.about,
            step.link and (step.link[0], frozen(step.link[1])),
            step.when,
            step.language,
        )
        for step in progress.recent
    )
    return part(
        "core/_progress.html", (progress.this_week, progress.total, steps, *reader_key()), progress=progress
    )


def recognition_card(recognition, reward) -> Markup:
    """The person's points, streak, latest badge and the reward within reach."""
    balance, streak = recognition.balance, recognition.streak
    latest_badge = recognition.badges[0].badge.key if recognition.badges else None
    within_reach = reward and (reward.title.text, reward.title.lang, reward.missing)
    key = (balance, streak.weeks, streak.at_risk, latest_badge, within_reach, *reader_key())
    return part("core/_recognition.html", key, recognition=recognition, reward=reward)


def welcome_card(first_name: str) -> Markup:
    """Home's greeting and what being an ambassador means."""
    return part("core/_welcome.html", (first_name, *reader_key()), first_name=first_name)


def challenges_card(challenges: HomeChallenges) -> Markup:
    """The person's running challenges with their standing, or how many are open to them."""
    mine = tuple((challenge_fields(entry.challenge), entry.standing) for entry in challenges.mine)
    key = (mine, challenges.open_to_join, *reader_key())
    return part("core/_challenges.html", key, challenges=challenges, challenge_title=title_of)


def notifications_card(notifications: list[Notification]) -> Markup:
    """The person's newest unread notifications: each one's text (its kind and parameters), when
    it came and whether it opens a page."""
    shown = tuple(
        (
            notification.id,
            notification.kind,
            frozen(notification.params),
            notification.has_link,
            notification.created_at,
        )
        for notification in notifications
    )
    return part("core/_notifications.html", (shown, *reader_key()), notifications=notifications)


def why_card() -> Markup:
    """Why be an ambassador: the same for every reader of a language."""
    return part("core/_why.html", reader_key())


HOME_CARDS = (
    welcome_card,
    persona_card,
    steps_card,
    feed_preview_card,
    events_card,
    challenges_card,
    progress_card,
    recognition_card,
    notifications_card,
    why_card,
)
