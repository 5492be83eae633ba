"""Parts of the mentoring console drawn once per state and reused (``base.drawn``): a row of the
pairs list is the same for every organiser until the pair, its people or its sessions change;
the blank form to add a topic and the themes' table are the same in each language.

``pair_key`` must name everything ``mentoring_console/_pair_row.html`` shows, the reader's
language, zone and mount path included.
"""

from flask_login import current_user
from markupsafe import Markup

from base.drawn import part, reader_key
from base.vocabularies import THEMES
from blueprints.accounts.models import User
from blueprints.mentoring import topics
from blueprints.mentoring.catalogue import ORIGIN_LABELS, STATUS_LABELS
from blueprints.mentoring.models import MentoringSession
from blueprints.mentoring.reports import PairRow
from blueprints.mentoring.services import Fitting
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

PAIR_TEMPLATE = "mentoring_console/_pair_row.html"


def _shown(person: User) -> tuple:
    department = person.department
    return person.display_name, department and (department.name, department.name_en)


def pair_key(row: PairRow) -> tuple:
    pair = row.pair
    return (
        pair.id,
        _shown(pair.mentee),
        _shown(pair.mentor),
        pair.status,
        pair.origin,
        pair.expires_at,
        pair.requested_at,
        pair.started_at,
        pair.ended_at,
        row.sessions,
        *reader_key(),
    )


def console_pair_row(row: PairRow) -> Markup:
    """A pair of the console's list (templates: ``console_pair_row``)."""
    return part(
        PAIR_TEMPLATE, pair_key(row), row=row, status_labels=STATUS_LABELS, origin_labels=ORIGIN_LABELS
    )


BLANK_TOPIC_TEMPLATE = "mentoring_console/_new_topic_and_themes.html"


def blank_topic_form_and_themes(form) -> Markup:
    """The blank form to add a topic and the content themes' table, as
    ``mentoring_console/_new_topic_and_themes.html`` draws them: the same in each language
    (templates: ``blank_topic_form_and_themes``)."""
    return part(
        BLANK_TOPIC_TEMPLATE,
        reader_key(),
        form=form,
        theme_topics=topics.theme_topics(),
        personae=PERSONA_BY_KEY,
        themes=THEMES,
    )


def fitting_card(fitting: Fitting) -> Markup:
    """What an active pair may learn from together (templates: ``fitting_card``), drawn once per
    state: each item's and event's id, title, language and moment, in the reader's language,
    zone and mount path."""
    key = (tuple(map(tuple, fitting.content)), tuple(map(tuple, fitting.events)), *reader_key())
    return part("mentoring/_fitting.html", key, fitting=fitting)


def session_lines(sessions: list[MentoringSession]) -> Markup:
    """A pair's sessions as its page lists them (templates: ``session_lines``), drawn once per
    state: each one's day, notes and who logged it (the reader, or another by first name)."""
    reader_id = current_user.id
    shown = tuple(
        (session.held_on, session.notes, session.logged_by_id == reader_id or session.logged_by.first_name)
        for session in sessions
    )
    return part("mentoring/_sessions.html", (shown, *reader_key()), sessions=sessions, reader_id=reader_id)
