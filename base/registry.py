"""Features plug in here: each declares its blueprints, commands, activity verbs,
notification kinds, audit texts and navigation entries, and the factory registers it.

Lower packages read what the features registered (through ``current_app``) instead of
listing the features themselves, so a new feature adds a package and a line in the
factory, and edits nothing below it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app

EXTENSION = "porte_voix_features"

# A notification's text: a lazy string formatted with its parameters, or a function of them.
Message = Any
# An audit entry's text from the name of its object and the action's payload.
AuditText = Callable[[str, dict], str]


MAIN_MENU = "main"  # the header
CONSOLE_MENU = "console"  # the comms console's own menu
RECOGNITION_MENU = "recognition"  # the tabs of the recognition pages (fame, badges, rewards…)


@dataclass(frozen=True)
class NavEntry:
    """An entry of a menu: its page, label, the lowest role that sees it, the endpoint
    prefixes that belong to it (the entry is marked current on those pages), its place,
    and optionally a count to show beside it (e.g. suggestions waiting): ``badge`` gives the
    statement counting it (a scalar select), so a menu's counts come in one query."""

    endpoint: str
    label: Any
    role: Any
    section: tuple[str, ...]
    order: int
    menu: str = MAIN_MENU
    badge: Callable[[], Any] | None = None


@dataclass(frozen=True)
class AuditTarget:
    """How the site names an object type of the activity log: the model, the column to read,
    optionally its page (endpoint and the name of its id argument) and its owner's column
    (points for an action on one's own object can be refused)."""

    model: Any
    name_column: Any
    endpoint: str | None = None
    id_argument: str | None = None
    owner_column: Any = None


@dataclass(frozen=True)
class PersonFigures:
    """Figures a feature reads with the signed-in person, in the query that loads them for a
    page (one round trip less on every page): ``columns(person)`` gives scalar selects of the
    person's id (an int, or the bound parameter of a statement built once), ``keep(user_id,
    values)`` remembers their values for the request (``base.memo.remember``)."""

    columns: Callable[[Any], Sequence[Any]]
    keep: Callable[[int, tuple], None]


DAY, WEEK, EVER = "day", "week", "ever"  # the periods a points cap can be counted over
CREATE, REACT = "create", "react"  # the kinds of engagement a verb can show (analytics)


@dataclass(frozen=True)
class Points:
    """A verb's default points: what it is (for the points table and history), the points,
    an optional cap on rewarded actions per person per period, and whether an action on
    the person's own object (see ``AuditTarget.owner_column``) earns nothing."""

    label: Any
    points: int
    cap: int | None = None
    period: str | None = None
    not_on_own: bool = False


@dataclass(frozen=True)
class Metric:
    """What a challenge can count: one for each action of ``verbs`` (an action of
    ``undo_verbs`` takes one back), or, with ``points``, the points each action earned."""

    label: Any
    verbs: tuple[str, ...] = ()
    undo_verbs: tuple[str, ...] = ()
    points: bool = False


@dataclass(frozen=True)
class Badge:
    """A milestone: earned when the person's count of ``verbs`` in the activity log reaches
    ``threshold``, or when ``check(user_id)`` says so. ``earned_by`` describes what earns it."""

    key: str
    label: Any
    earned_by: Any
    symbol: str
    verbs: tuple[str, ...] = ()
    threshold: int = 1
    check: Callable[[int], bool] | None = None


@dataclass
class Feature:
    name: str
    blueprints: Sequence[Blueprint] = ()
    console_blueprints: Sequence[Blueprint] = ()  # nested under the comms console (/admin)
    commands: Sequence[Any] = ()
    verbs: Sequence[str] = ()
    # Verbs logged for the person without being something they did (signing in, a click on
    # their shared link): they count in no one's participation.
    passive_verbs: Sequence[str] = ()
    notifications: Mapping[str, Message] = field(default_factory=dict)
    audit_texts: Mapping[str, AuditText] = field(default_factory=dict)
    audit_targets: Mapping[str, AuditTarget] = field(default_factory=dict)
    navigation: Sequence[NavEntry] = ()
    person_figures: Sequence[PersonFigures] = ()  # read with the signed-in person (the header's)
    # Recognition: default points per verb, the verbs an undo takes back (an unlike, a
    # cancelled registration), badges, the texts of the wall of fame, functions called with
    # every new activity in its transaction, and jobs run by `flask points sync`.
    points: Mapping[str, Points] = field(default_factory=dict)
    undoes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    badges: Sequence[Badge] = ()
    fame_texts: Mapping[str, Message] = field(default_factory=dict)
    activity_listeners: Sequence[Callable[[Any], None]] = ()
    sync_jobs: Sequence[Callable[[], int]] = ()
    metrics: Mapping[str, Metric] = field(default_factory=dict)  # what challenges can count
    # Analytics: the verbs that make the person a creator (sharing, suggesting, contributing)
    # or a reactor (liking, attending); any other verb they do makes them active only.
    engagement: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Registry:
    """Everything the registered features declared, merged; a key declared twice is an error."""

    features: list[Feature] = field(default_factory=list)
    verbs: set[str] = field(default_factory=set)
    passive_verbs: set[str] = field(default_factory=set)
    notifications: dict[str, Message] = field(default_factory=dict)
    audit_texts: dict[str, AuditText] = field(default_factory=dict)
    audit_targets: dict[str, AuditTarget] = field(default_factory=dict)
    navigation: list[NavEntry] = field(default_factory=list)
    person_figures: list[PersonFigures] = field(default_factory=list)
    points: dict[str, Points] = field(default_factory=dict)
    undoes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    badges: dict[str, Badge] = field(default_factory=dict)
    fame_texts: dict[str, Message] = field(default_factory=dict)
    activity_listeners: list[Callable[[Any], None]] = field(default_factory=list)
    sync_jobs: list[Callable[[], int]] = field(default_factory=list)
    metrics: dict[str, Metric] = field(default_factory=dict)
    engagement: dict[str, str] = field(default_factory=dict)

    def add(self, feature: Feature) -> None:
        undeclared = set(feature.passive_verbs) - set(feature.verbs)
        if undeclared:
            raise ValueError(
                f"feature {feature.name!r} marks {sorted(undeclared)} passive without declaring them"
            )
        _check_engagement(feature)
        _merge(self.verbs, feature.verbs, feature.name, "verb")
        self.passive_verbs.update(feature.passive_verbs)
        _merge(self.notifications, feature.notifications, feature.name, "notification kind")
        _merge(self.audit_texts, feature.audit_texts, feature.name, "audit text")
        _merge(self.audit_targets, feature.audit_targets, feature.name, "audit target")
        _merge(self.points, feature.points, feature.name, "points of the verb")
        _merge(self.undoes, feature.undoes, feature.name, "undo verb")
        _merge(self.badges, {badge.key: badge for badge in feature.badges}, feature.name, "badge")
        _merge(self.fame_texts, feature.fame_texts, feature.name, "wall of fame kind")
        self.person_figures.extend(feature.person_figures)
        self.activity_listeners.extend(feature.activity_listeners)
        self.sync_jobs.extend(feature.sync_jobs)
        _merge(self.metrics, feature.metrics, feature.name, "challenge metric")
        _merge(self.engagement, feature.engagement, feature.name, "engagement of the verb")
        self.navigation = sorted([*self.navigation, *feature.navigation], key=lambda entry: entry.order)
        self.features.append(feature)


def _check_engagement(feature: Feature) -> None:
    """A feature declares the engagement of its own verbs, done by the person, as one of the kinds."""
    for verb, kind in feature.engagement.items():
        if kind not in (CREATE, REACT):
            raise ValueError(
                f"feature {feature.name!r} gives the verb {verb!r} the unknown engagement {kind!r}"
            )
        if verb not in feature.verbs or verb in feature.passive_verbs:
            raise ValueError(
                f"feature {feature.name!r} gives an engagement to {verb!r}, not one of its own non-passive verbs"
            )


def _merge(into, new, feature: str, what: str) -> None:
    clash = set(into) & set(new)
    if clash:
        raise ValueError(f"feature {feature!r} declares the {what} {sorted(clash)} again")
    into.update(new)


def register_features(app: Flask, features: Sequence[Feature], console: Blueprint) -> Registry:
    """Register each feature's blueprints (console ones under ``console``) and commands."""
    registry = Registry()
    for feature in features:
        registry.add(feature)
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        for blueprint in feature.console_blueprints:
            console.register_blueprint(blueprint)
        for command in feature.commands:
            app.cli.add_command(command)
    app.register_blueprint(console)
    app.extensions[EXTENSION] = registry
    return registry


def registry() -> Registry:
    """The features registered on the current app."""
    return current_app.extensions[EXTENSION]
