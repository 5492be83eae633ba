"""Labels of mentoring's stored values, translated when shown."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from blueprints.mentoring import topics
from blueprints.mentoring.matching import Fit, Unmatched
from blueprints.mentoring.models import PairOrigin, PairStatus, Rhythm
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY

# Languages as words in a sentence ("speaks French with you").
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English")}

STATUS_LABELS = {
    PairStatus.PROPOSED: _l("Waiting for an answer"),
    PairStatus.ACTIVE: _l("Active"),
    PairStatus.DECLINED: _l("Declined"),
    PairStatus.EXPIRED: _l("Expired"),
    PairStatus.WITHDRAWN: _l("Withdrawn"),
    PairStatus.ENDED: _l("Ended"),
}

ORIGIN_LABELS = {
    PairOrigin.REQUEST: _l("Asked by the mentee"),
    PairOrigin.ROUND: _l("Matching round"),
}

RHYTHM_LABELS = {
    Rhythm.WEEKLY: _l("Every week, 30 minutes"),
    Rhythm.FORTNIGHTLY: _l("Every two weeks, 45 minutes"),
    Rhythm.MONTHLY: _l("Once a month, an hour"),
}

UNMATCHED_LABELS = {
    Unmatched.NO_FREE_PLACE: _l("No mentor has a free place."),
    Unmatched.NO_MATCHING_OFFER: _l("No mentor with a free place offers their topics in their languages."),
    Unmatched.NOT_ALLOWED: _l(
        "The mentors who fit are in their line of management, or already had a pair or a request with them."
    ),
    Unmatched.PLACES_TAKEN: _l(
        "The places of the mentors who fit them went to others, for more pairs in all."
    ),
}


def why(fit: Fit) -> list[str]:
    """The reasons a mentor fits, one short line each, for "why this person"."""
    reasons = [_("Offers what you ask for: %(topics)s", topics=", ".join(topics.labels_of(fit.topics)))]
    if fit.personae:
        names = ", ".join(str(PERSONA_BY_KEY[key].name) for key in fit.personae if key in PERSONA_BY_KEY)
        reasons.append(_("Ambassador profile suited to what you ask for: %(personae)s", personae=names))
    languages = ", ".join(str(LANGUAGE_LABELS.get(code, code)) for code in fit.languages)
    reasons.append(_("Speaks %(languages)s with you", languages=languages))
    reasons.append(ngettext("%(num)s free place", "%(num)s free places", fit.free))
    return reasons
