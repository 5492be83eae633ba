"""What mentoring can be about: the topics comms manage, then the content themes.

A theme's key is ``theme:<theme>``; its complementary personae are those whose favourite
themes include it. Archived topics are no longer offered, but keep their name wherever
people chose them.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import get_locale

from base.cache import cache
from base.database import db
from base.memo import per_request
from base.vocabularies import THEMES
from blueprints.mentoring.models import MentoringTopic
from blueprints.quiz.personae import PERSONAE

THEME_PREFIX = "theme:"
TOPICS = "mentoring-topics"  # the cache subject of the topics as pages name them
TOPICS_KEPT = 3600  # seconds: the longest a topic changed around the ORM takes to show


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    personae: frozenset[str]  # who complements someone who wants it
    theme: str | None  # the content theme that fits it
    archived: bool = False


def theme_topics() -> list[Topic]:
    return [
        Topic(
            THEME_PREFIX + theme,
            str(label),
            frozenset(persona.key for persona in PERSONAE if theme in persona.themes),
            theme,
        )
        for theme, label in THEMES.items()
    ]


@per_request
def all_topics() -> list[Topic]:
    """Every topic, archived ones included (the managed ones first, in their order), named in
    the reader's language. Kept in the shared cache until a topic changes (pages of pairs,
    offers and wishes name them; comms rarely change them); one changed around the ORM shows
    within ``TOPICS_KEPT`` seconds."""
    kept = cache.remember(TOPICS, str(get_locale()), _topics_to_keep, ttl=TOPICS_KEPT)
    return [
        Topic(key, label, frozenset(personae), theme, archived)
        for key, label, personae, theme, archived in kept
    ]


def _topics_to_keep() -> list[list]:
    rows = db.session.scalars(sa.select(MentoringTopic).order_by(MentoringTopic.position, MentoringTopic.id))
    managed = [
        Topic(row.key, row.label, frozenset(row.personae or ()), row.theme, row.archived) for row in rows
    ]
    return [
        [topic.key, topic.label, sorted(topic.personae), topic.theme, topic.archived]
        for topic in managed + theme_topics()
    ]


def _topics_changed(*_args) -> None:
    cache.bump_after_commit(TOPICS)


for change in ("after_insert", "after_update", "after_delete"):
    sa.event.listen(MentoringTopic, change, _topics_changed)


def offered_topics() -> list[Topic]:
    """The topics people can choose from now."""
    return [topic for topic in all_topics() if not topic.archived]


def topics_by_key() -> dict[str, Topic]:
    return {topic.key: topic for topic in all_topics()}


def complements() -> dict[str, frozenset[str]]:
    """Topic key -> the personae that complement it, for the compatibility score."""
    return {topic.key: topic.personae for topic in all_topics()}


def labels_of(keys) -> list[str]:
    """The names of these topics, in the reader's language (an unknown key is skipped)."""
    known = topics_by_key()
    return [known[key].label for key in keys if key in known]


def themes_of(keys) -> set[str]:
    """The content themes that fit these topics."""
    known = topics_by_key()
    return {known[key].theme for key in keys if key in known and known[key].theme}
