"""The content library: feed, sharing with tracked links, suggestions, moderation, charter."""

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from base.registry import (
    CONSOLE_MENU,
    CREATE,
    DAY,
    REACT,
    WEEK,
    AuditTarget,
    Badge,
    Feature,
    Metric,
    NavEntry,
    Points,
)
from blueprints.accounts.models import Role
from blueprints.content import console, verbs
from blueprints.content.highlights import TOP_SHARE, celebrate_top_shares
from blueprints.content.models import ContentItem
from blueprints.content.routes import bp
from blueprints.content.services import SUGGESTION_RECEIVED, SUGGESTIONS_WAITING, pending_count_query

feature = Feature(
    "content",
    blueprints=[bp],
    console_blueprints=[console.bp],
    verbs=verbs.VERBS,
    # Recorded for the person, done by others: a click on their link, a moderator approving.
    passive_verbs=[verbs.CLICK_RECEIVED, verbs.SUGGESTION_APPROVED],
    engagement={verbs.CONTENT_SHARED: CREATE, verbs.SUGGESTION_SUBMITTED: CREATE, verbs.CONTENT_LIKED: REACT},
    notifications={
        SUGGESTION_RECEIVED: _l(
            "Thank you for your suggestion “%(title)s”: the comms team will review it and tell you what they decide."
        ),
        # One unread notice per moderator, its count kept up to date (see services._tell_moderators).
        SUGGESTIONS_WAITING: lambda params: ngettext(
            "%(num)s suggestion is waiting for moderation.",
            "%(num)s suggestions are waiting for moderation.",
            params["count"],
        ),
        "suggestion_approved": _l("Your suggestion “%(title)s” is published in the feed. Thank you!"),
        "suggestion_rejected": _l(
            "Your suggestion “%(title)s” was not published. The comms team says: %(reason)s"
        ),
    },
    audit_texts={
        verbs.MODERATION_APPROVED: lambda target, payload: _(
            "approved the suggestion “%(title)s”", title=target
        ),
        verbs.MODERATION_REJECTED: lambda target, payload: _(
            "rejected the suggestion “%(title)s”", title=target
        ),
        verbs.CONTENT_CREATED: lambda target, payload: _("created “%(title)s”", title=target),
        verbs.CONTENT_UPDATED: lambda target, payload: _("edited “%(title)s”", title=target),
        verbs.CONTENT_PINNED: lambda target, payload: _("pinned “%(title)s”", title=target),
        verbs.CONTENT_UNPINNED: lambda target, payload: _("unpinned “%(title)s”", title=target),
        verbs.CONTENT_ARCHIVED: lambda target, payload: _("archived “%(title)s”", title=target),
        verbs.CHARTER_PUBLISHED: lambda target, payload: _(
            "published version %(version)s of the charter", version=payload["version"]
        ),
    },
    audit_targets={
        "content": AuditTarget(
            ContentItem, ContentItem.title, "content.item", "item_id", owner_column=ContentItem.author_id
        )
    },
    # Quality over volume: an approved suggestion is worth more than a share; clicks earn a
    # little, capped; likes nothing; nothing on one's own content.
    points={
        verbs.CONTENT_SHARED: Points(_l("Sharing an item"), 5, cap=5, period=DAY, not_on_own=True),
        verbs.CLICK_RECEIVED: Points(
            _l("A click on a link you shared"), 1, cap=20, period=WEEK, not_on_own=True
        ),
        verbs.CONTENT_LIKED: Points(_l("Liking an item"), 0, not_on_own=True),
        verbs.SUGGESTION_SUBMITTED: Points(_l("Suggesting content"), 0),
        verbs.SUGGESTION_APPROVED: Points(_l("A suggestion of yours published"), 20),
    },
    undoes={verbs.CONTENT_UNLIKED: (verbs.CONTENT_LIKED,)},
    metrics={
        "shares": Metric(_l("Shares"), (verbs.CONTENT_SHARED,)),
        "suggestions": Metric(_l("Suggestions published"), (verbs.SUGGESTION_APPROVED,)),
        "clicks": Metric(_l("Clicks on your shared links"), (verbs.CLICK_RECEIVED,)),
    },
    sync_jobs=[celebrate_top_shares],
    fame_texts={
        TOP_SHARE: lambda params: ngettext(
            "“%(title)s”, shared by %(name)s, was among the most clicked shares of the week: %(num)s click.",
            "“%(title)s”, shared by %(name)s, was among the most clicked shares of the week: %(num)s clicks.",
            params["clicks"],
            title=params["title"],
            name=params["name"],
        ),
    },
    badges=[
        Badge(
            "first_share",
            _l("First share"),
            _l("Share an item of the feed on one of your networks."),
            "📣",
            (verbs.CONTENT_SHARED,),
        ),
        Badge("shares_10", _l("Ten shares"), _l("Share ten items."), "🔟", (verbs.CONTENT_SHARED,), 10),
        Badge("shares_50", _l("Fifty shares"), _l("Share fifty items."), "🚀", (verbs.CONTENT_SHARED,), 50),
        Badge(
            "first_suggestion",
            _l("First suggestion published"),
            _l("Suggest content that the comms team publishes."),
            "💡",
            (verbs.SUGGESTION_APPROVED,),
        ),
    ],
    navigation=[
        NavEntry("content.feed", _l("Feed"), Role.EMPLOYEE, ("content.",), 20),
        NavEntry(
            "console.content.library",
            _l("Content"),
            Role.COMMS,
            (
                "console.content.library",
                "console.content.new_item",
                "console.content.edit_item",
                "console.content.figures",
            ),
            10,
            CONSOLE_MENU,
        ),
        NavEntry(
            "console.content.queue",
            _l("Moderation"),
            Role.COMMS,
            ("console.content.queue", "console.content.review"),
            20,
            CONSOLE_MENU,
            badge=pending_count_query,
        ),
        NavEntry(
            "console.content.charter",
            _l("Charter"),
            Role.COMMS,
            ("console.content.charter",),
            40,
            CONSOLE_MENU,
        ),
    ],
)
