"""Rewards: a small catalogue, managed by comms, on which people spend their spendable points."""

import sqlalchemy as sa

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l
from base.i18n import ngettext
from base.registry import CONSOLE_MENU, RECOGNITION_MENU, AuditTarget, Feature, NavEntry
from blueprints.accounts.models import Role, User
from blueprints.rewards import console, verbs
from blueprints.rewards.catalogue import title_from
from blueprints.rewards.models import Redemption, Reward
from blueprints.rewards.routes import bp
from blueprints.rewards.services import CANCELLED, DELIVERED, FAME_KIND, pending_redemptions_query


def _title(target: str, payload: dict) -> str:
    """The reward's title in the reader's language, as the action saw it (else its name now)."""
    return title_from(payload) or target


feature = Feature(
    "rewards",
    blueprints=[bp],
    console_blueprints=[console.bp],
    verbs=verbs.VERBS,
    audit_targets={
        "reward": AuditTarget(Reward, sa.func.coalesce(Reward.title_fr, Reward.title_en)),
        # A redemption is named by the person who made it.
        "redemption": AuditTarget(
            Redemption,
            sa.select(User.display_name).where(User.id == Redemption.user_id).scalar_subquery(),
        ),
    },
    audit_texts={
        verbs.REWARD_CREATED: lambda target, payload: _(
            "added the reward “%(title)s”", title=_title(target, payload)
        ),
        verbs.REWARD_UPDATED: lambda target, payload: _(
            "edited the reward “%(title)s”", title=_title(target, payload)
        ),
        verbs.REWARD_RETIRED: lambda target, payload: _(
            "retired the reward “%(title)s”", title=_title(target, payload)
        ),
        verbs.REWARD_REACTIVATED: lambda target, payload: _(
            "offered the reward “%(title)s” again", title=_title(target, payload)
        ),
        verbs.REDEMPTION_DELIVERED: lambda target, payload: _(
            "delivered “%(title)s” to %(name)s", title=title_from(payload), name=target
        ),
        verbs.REDEMPTION_CANCELLED: lambda target, payload: (
            _(
                "cancelled the redemption of “%(title)s” by %(name)s (points given back)",
                title=title_from(payload),
                name=target,
            )
            if payload.get("cost")
            else _("cancelled the reward “%(title)s” won by %(name)s", title=title_from(payload), name=target)
        ),
    },
    notifications={
        DELIVERED: lambda params: _(
            "Your reward “%(title)s” has been delivered. Thank you for taking part!",
            title=title_from(params),
        ),
        CANCELLED: lambda params: (
            ngettext(
                "Your redemption of “%(title)s” was cancelled: its %(num)s point is back in your points to spend.",
                "Your redemption of “%(title)s” was cancelled: its %(num)s points are back in your points to spend.",
                params["points"],
                title=title_from(params),
            )
            if params["points"]
            else _(
                "Your reward “%(title)s” was cancelled; the comms team can tell you why.",
                title=title_from(params),
            )
        ),
    },
    fame_texts={
        FAME_KIND: lambda params: _(
            "%(name)s chose “%(reward)s”.", name=params["name"], reward=title_from(params)
        ),
    },
    navigation=[
        NavEntry("rewards.catalogue", _l("Rewards"), Role.EMPLOYEE, ("rewards.",), 30, RECOGNITION_MENU),
        NavEntry(
            "console.rewards.index",
            _l("Rewards"),
            Role.COMMS,
            ("console.rewards.",),
            57,
            CONSOLE_MENU,
            badge=pending_redemptions_query,
        ),
    ],
)
