"""Home's cards drawn once per state and reused (``base.drawn``): home gathers eight features'
news, and drawing each card cost more than reading what it shows (issue #14).

Each key names everything its template (``core/_<card>.html``) reads, the reader's language,
time zone and mount path included (``reader_key``); the form token and the page's address are
the request's own, put in by ``base.drawn``.
"""

from markupsafe import Markup

from base.drawn import frozen, part, reader_key
from blueprints.content.feed import Preview
from blueprints.core.services import HomeProgress, MentoringPointer
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


HOME_CARDS = (persona_card, steps_card, feed_preview_card, events_card, progress_card, recognition_card)
