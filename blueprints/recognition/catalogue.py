"""Names of the registered badges and points rules, for texts that store only a key."""

from base.i18n import gettext as _
from base.registry import registry


def badge_label(key: str) -> str:
    badge = registry().badges.get(key)
    return str(badge.label) if badge else key


def rule_label(verb: str) -> str:
    """What earned the points; an undo names what it takes back."""
    undone = registry().undoes.get(verb)
    if undone:
        return _("Taken back: %(action)s", action=rule_label(undone[0]))
    rule = registry().points.get(verb)
    return str(rule.label) if rule else verb
