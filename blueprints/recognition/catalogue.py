"""Names of the registered badges, for texts that store only a badge's key."""

from base.registry import registry


def badge_label(key: str) -> str:
    badge = registry().badges.get(key)
    return str(badge.label) if badge else key


def rule_label(verb: str) -> str:
    rule = registry().points.get(verb)
    return str(rule.label) if rule else verb
