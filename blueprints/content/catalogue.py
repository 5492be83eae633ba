"""The content library's fixed vocabularies: types and statuses (themes and networks: base.vocabularies).

Keys are stable identifiers stored in data and URLs; labels are translated when shown.
"""

import enum

from base.i18n import lazy_gettext as _l

KINDS = {
    "news": _l("News"),
    "expertise": _l("Expertise"),
    "testimonial": _l("Testimonial or case study"),
    "job_offer": _l("Job offer"),
    "event_recap": _l("Event recap"),
    "training": _l("Training"),
}


class Status(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"  # an employee's suggestion waiting for moderation
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.PENDING: _l("Waiting for moderation"),
    Status.PUBLISHED: _l("Published"),
    Status.REJECTED: _l("Rejected"),
    Status.ARCHIVED: _l("Archived"),
}

# A published item's state as the console shows it, beside the statuses: its date has not
# come yet, or it was withdrawn on its date.
SCHEDULED = "scheduled"
EXPIRED = "expired"
STATE_LABELS = {
    **{status.value: label for status, label in STATUS_LABELS.items()},
    SCHEDULED: _l("Scheduled"),
    EXPIRED: _l("Expired"),
}
# The states offered by the library's filter, in the order of an item's life.
LIBRARY_STATES = (
    Status.DRAFT.value,
    Status.PENDING.value,
    SCHEDULED,
    Status.PUBLISHED.value,
    EXPIRED,
    Status.REJECTED.value,
    Status.ARCHIVED.value,
)

# Share texts comms may write per network: a few variants, so colleagues do not all post the same words.
MAX_VARIANTS = 3

# A tip for adding a sentence of one's own, fitting the person's primary persona.
OWN_WORDS_TIPS = {
    "messenger": _l("One sentence is enough: say why this news matters to you."),
    "reporter": _l("Add a photo of your own from the site or the event, with a caption."),
    "expert": _l("Add what you know: one point of view from your field."),
    "liker": _l("Mention the colleague behind the work, so they are seen too."),
    "explainer": _l("Explain in plain words what this means for a customer or a friend."),
    "curator": _l("Say what makes this worth reading among everything published this week."),
    "fact_checker": _l("Pick the figure that struck you most and say where it comes from."),
    "helper": _l("Offer to answer questions in the comments."),
    "talent_scout": _l("Say what you like about working here, for the people who might join."),
    "insider": _l("Tell one thing you saw or heard there that nobody else can."),
    "agitator": _l("Ask your network an honest question about it."),
}
DEFAULT_OWN_WORDS_TIP = _l("Add a sentence of your own: posts in a person's own words are read far more.")
