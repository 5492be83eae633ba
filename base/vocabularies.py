"""Vocabularies shared by several features: content themes and social networks.

Keys are stable identifiers stored in data and URLs; labels are translated when shown.
Personae live with the quiz (``blueprints.quiz.personae``), languages in ``base.i18n``.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from base.i18n import lazy_gettext as _l

THEMES = {
    "company_news": _l("Company news"),
    "life_at_work": _l("Life at work"),
    "expertise": _l("Expertise and innovation"),
    "products": _l("Products and customers"),
    "careers": _l("Careers and hiring"),
    "events": _l("Events"),
    "impact": _l("Social and environmental impact"),
}

# X counts any link as 23 characters; the intent adds it after a space.
X_LINK_LENGTH = 23 + 1


@dataclass(frozen=True)
class Network:
    """A social network people may use; those with a web share page are offered for sharing.

    ``takes_text``: whether its share page accepts a prefilled text. LinkedIn's and
    Facebook's take only the link (their policies ignore or forbid prefilled text),
    so for them the page copies the text for the person to paste.
    """

    key: str
    name: str
    text_limit: int
    share_page: str | None = None  # None: no web share page (people copy the text)
    link_parameter: str = "url"
    takes_text: bool = False

    def text_limit_with_link(self, has_link: bool) -> int:
        return self.text_limit - X_LINK_LENGTH if has_link and self.key == "x" else self.text_limit

    def text_refusal(self, text: str, has_link: bool) -> str | None:
        """Why a post's text does not fit this network (None: it fits).

        The one rule for share texts, written by comms in the console and by people when they share.
        """
        limit = self.text_limit_with_link(has_link)
        if len(text) <= limit:
            return None
        return _l(
            "Your text is %(length)s characters long; %(network)s takes %(limit)s here.",
            length=len(text),
            network=self.name,
            limit=limit,
        )

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
        Network("instagram", "Instagram", 2200),
        Network("youtube", "YouTube", 5000),
        Network("tiktok", "TikTok", 2200),
    )
}

# The networks whose web share page the content pages open.
SHARE_NETWORKS = {key: network for key, network in NETWORKS.items() if network.share_page}
