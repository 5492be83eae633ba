"""A reward's texts in the reader's language, and the names of the kinds of rewards.

Comms write a reward in French, in English or in both. A reader sees their own language when
it is there, else the other one, marked (``lang``) so that it is read with the right voice.
Notifications, the wall of fame and the audit trail keep both titles in their parameters and
are written in the reader's language when they are shown.
"""

from dataclasses import dataclass

from flask_babel import get_locale

from base.i18n import lazy_gettext as _l
from blueprints.rewards.models import Reward, RewardKind

KINDS = {
    RewardKind.CONSUMABLE: _l("Consumable"),
    RewardKind.SYMBOLIC: _l("Symbolic"),
}
KIND_HINTS = {
    RewardKind.CONSUMABLE: _l("Something to receive (a gift, an experience, a training), while stock lasts."),
    RewardKind.SYMBOLIC: _l(
        "A gesture without stock: featured on the wall of fame, a donation to a cause in the programme's name…"
    ),
}


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str | None  # the text's language when it is not the reader's, else None


def reader_language() -> str:
    locale = get_locale()
    return locale.language if locale else "fr"


def localized(fr: str | None, en: str | None, language: str | None = None) -> Localized:
    """The reader's language if written, else the other one (marked)."""
    language = language or reader_language()
    mine, other, other_lang = (en, fr, "fr") if language == "en" else (fr, en, "en")
    if mine:
        return Localized(mine, None)
    return Localized(other or "", other_lang if other else None)


def reward_title(reward: Reward) -> Localized:
    return localized(reward.title_fr, reward.title_en)


def reward_description(reward: Reward) -> Localized:
    return localized(reward.description_fr, reward.description_en)


def title_params(reward: Reward) -> dict:
    """Both titles, for a notification, a wall of fame entry or an audit entry."""
    return {"title_fr": reward.title_fr or "", "title_en": reward.title_en or ""}


def title_from(params: dict) -> str:
    """The title kept in ``title_params`` in the reader's language."""
    return localized(params.get("title_fr"), params.get("title_en")).text
