"""Kinds of declared contributions and their statuses; keys are stored, labels translated when shown."""

from base.i18n import lazy_gettext as _l
from blueprints.contributions.models import ContributionStatus

KINDS = {
    "talk": _l("A talk at a conference or a school"),
    "panel": _l("A panel discussion"),
    "jury": _l("A jury"),
    "article": _l("An article or a blog post"),
    "group_answers": _l("Answers in a professional group"),
    "referral": _l("A referred candidate"),
    "live_coverage": _l("Live coverage of an event"),
    "other": _l("Something else"),
}

# The ambassador profile a kind of contribution suggests when the person chooses none
# (keys of blueprints.quiz.personae); None: no suggestion.
SUGGESTED_PERSONA = {
    "talk": "expert",
    "panel": "expert",
    "jury": "expert",
    "article": "expert",
    "group_answers": "helper",
    "referral": "talent_scout",
    "live_coverage": "insider",
    "other": None,
}

STATUS_LABELS = {
    ContributionStatus.PENDING: _l("Waiting for the comms team"),
    ContributionStatus.VALIDATED: _l("Validated"),
    ContributionStatus.DECLINED: _l("Not validated"),
}

# How far back a contribution may be declared: older ones belong to another season.
MAX_AGE_DAYS = 366
TITLE_MAX = 160
LINK_MAX = 500
DESCRIPTION_MAX = 1000
REASON_MAX = 1000
