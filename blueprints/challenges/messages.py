"""What challenges tell people (notification kinds) and how their console work reads in the
audit trail. Parameters keep both titles (``title_fr``, ``title_en``), and a group's both names,
so each text is written in the reader's language when it is shown."""

from datetime import datetime

from base.i18n import format_when, ngettext
from base.i18n import gettext as _
from blueprints.challenges import verbs
from blueprints.rewards.catalogue import localized, title_from

# Notification kinds.
MILESTONE = "challenge_milestone"  # the person's score reached 25/50/75/100 % of the target
GROUP_MILESTONE = "challenge_group_milestone"  # the person's group reached it (collective mode)
TOP_THREE = "challenge_top_three"
LAST_DAY = "challenge_last_day"
WON = "challenge_won"  # the result, for a winner
RESULT = "challenge_result"  # the result, for everyone else who took part
CANCELLED = "challenge_cancelled"


def titles(challenge) -> dict:
    """Both titles of a challenge, for notifications, the wall of fame and the audit trail."""
    return {"title_fr": challenge.title_fr or "", "title_en": challenge.title_en or ""}


def group_from(params: dict) -> str:
    return localized(params.get("group_fr"), params.get("group_en")).text


def _milestone(params: dict) -> str:
    if params["percent"] >= 100:
        return _("You reached the target of “%(title)s”. Well done!", title=title_from(params))
    return _(
        "You are at %(percent)s%% of the target of “%(title)s”.",
        percent=params["percent"],
        title=title_from(params),
    )


def _group_milestone(params: dict) -> str:
    if params["percent"] >= 100:
        return _(
            "%(group)s reached the target of “%(title)s”. Thank you for your part!",
            group=group_from(params),
            title=title_from(params),
        )
    return _(
        "%(group)s is at %(percent)s%% of the target of “%(title)s”.",
        group=group_from(params),
        percent=params["percent"],
        title=title_from(params),
    )


def _won(params: dict) -> str:
    text = _("You are among the winners of “%(title)s”. Congratulations!", title=title_from(params))
    if params.get("delivery"):
        text += " " + _("Your reward is on its way: the comms team will deliver it.")
    return text


NOTIFICATIONS: dict = {
    MILESTONE: _milestone,
    GROUP_MILESTONE: _group_milestone,
    TOP_THREE: lambda params: _(
        "You are in the top 3 of “%(title)s”, at rank %(rank)s.",
        title=title_from(params),
        rank=params["rank"],
    ),
    LAST_DAY: lambda params: _(
        "Last day for “%(title)s”: it ends %(when)s.",
        title=title_from(params),
        when=format_when(datetime.fromisoformat(params["ends_at"])),
    ),
    WON: _won,
    RESULT: lambda params: _(
        "“%(title)s” is over and its results are in. Thank you for taking part!", title=title_from(params)
    ),
    CANCELLED: lambda params: _(
        "“%(title)s” is cancelled. What you did still counts for your points.", title=title_from(params)
    ),
}

AUDIT_TEXTS: dict = {
    verbs.CHALLENGE_CREATED: lambda target, payload: _(
        "created the challenge “%(title)s”", title=title_from(payload) or target
    ),
    verbs.CHALLENGE_UPDATED: lambda target, payload: _(
        "edited the challenge “%(title)s”", title=title_from(payload) or target
    ),
    verbs.CHALLENGE_CANCELLED: lambda target, payload: ngettext(
        "cancelled the challenge “%(title)s” (%(num)s participant told)",
        "cancelled the challenge “%(title)s” (%(num)s participants told)",
        payload.get("told", 0),
        title=title_from(payload) or target,
    ),
}
