"""The content library's fixed vocabularies: themes, types, statuses and networks.

Keys are stable identifiers stored in data and URLs; labels are translated when shown.
"""

import enum
from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

THEMES = {
    "company_news": _l("Company news"),
    "life_at_work": _l("Life at work"),
    "expertise": _l("Expertise and innovation"),
    "products": _l("Products and customers"),
    "careers": _l("Careers and hiring"),
    "events": _l("Events"),
    "impact": _l("Social and environmental impact"),
}

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

# X counts any link as 23 characters; the intent adds it after a space.
X_LINK_LENGTH = 23 + 1


@dataclass(frozen=True)
class Network:
    """A network with a web share page.

    ``takes_text``: whether its share page accepts a prefilled text. LinkedIn's and
    Facebook's take only the link (their policies ignore or forbid prefilled text),
    so for them the page copies the text for the person to paste.
    """

    key: str
    name: str
    text_limit: int
    share_page: str
    link_parameter: str
    takes_text: bool

    def text_limit_with_link(self, has_link: bool) -> int:
        return self.text_limit - X_LINK_LENGTH if has_link and self.key == "x" else self.text_limit

    def share_url(self, link: str | None, text: str) -> str:
        parameters = {}
        if self.takes_text and text:
            parameters["text"] = text
        if link:
            parameters[self.link_parameter] = link
        return f"{self.share_page}?{urlencode(parameters)}"


NETWORKS = {
    network.key: network
    for network in (
        Network(
            "linkedin", "LinkedIn", 3000, "https://www.linkedin.com/sharing/share-offsite/", "url", False
        ),
        Network("x", "X", 280, "https://x.com/intent/tweet", "url", True),
        Network("facebook", "Facebook", 63206, "https://www.facebook.com/sharer/sharer.php", "u", False),
    )
}

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
