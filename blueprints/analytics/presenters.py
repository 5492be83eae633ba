"""The analytics page's sections, from the figures: for each, a chart and the table of its data,
every number and date written in the reader's language.

A table is made of cells that hold both the text the reader sees ("12,5 %", "23 nov. 2026") and
the raw value a spreadsheet reads (0.125, "2026-11-23"): the page shows the texts, the CSV
export the values, of the same rows. Nothing here reads the request: the e-mail summary uses
the same functions from a command, in each reader's language (``force_locale``).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton
from babel.numbers import format_percent
from flask_babel import format_date, format_decimal, get_locale
from markupsafe import Markup

from base.i18n import gettext as _
from base.i18n import ngettext, reading_order
from base.vocabularies import NETWORKS, THEMES
from blueprints.accounts.organisation import organisation
from blueprints.analytics import figures
from blueprints.analytics.charts import Band, Marker, Series, bar_chart, heatmap, line_chart
from blueprints.analytics.figures import (
    ALL,
    BASELINE,
    DEPARTMENT,
    EVERYONE,
    NO_PERSONA,
    PERIODS,
    SITE,
    ReachRow,
    Segment,
    remembered,
)
from blueprints.events.catalogue import KINDS
from blueprints.quiz.personae import BY_KEY as PERSONA_BY_KEY
from blueprints.rewards.catalogue import localized

DEFAULT_PERIOD = 12
NONE_TEXT = "—"  # a ratio of nothing (no one to count), on the page; empty in the CSV
TEXT, NUMBER, DATE = "text", "number", "date"
MAX_BESIDE = 5  # columns: a table of more goes below its chart, at the page's full width


# --- Cells and tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: what the reader sees and what the CSV holds (None: empty)."""

    text: str
    value: object = None
    kind: str = TEXT
    link: tuple[str, dict] | None = None  # (endpoint, arguments): the page links the text

    @property
    def csv(self) -> object:
        return "" if self.value is None else self.value


@dataclass(frozen=True)
class Table:
    name: str  # its CSV's name: /admin/analytics/<name>.csv
    caption: str
    header: list[str]
    rows: list[list[Cell]]  # the first cell of a row names it (a row header)
    total: list[Cell] | None = None  # a last row adding the others up, if any

    @property
    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, self.total] if self.total else list(self.rows)

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (right-aligned)."""
        rows = self.all_rows
        return [bool(rows) and all(row[i].kind == NUMBER for row in rows) for i in range(len(self.header))]

    def csv_rows(self) -> list[list]:
        return [[cell.csv for cell in row] for row in self.all_rows]


@dataclass(frozen=True)
class Block:
    """A chart and its table (or a table alone); ``wide``: the table needs the full width."""

    table: Table
    chart: Markup | None = None
    title: str | None = None  # a heading when the section holds several blocks
    note: str | None = None
    wide: bool = False

    @property
    def stacked(self) -> bool:
        """The table below the chart rather than beside it: no chart, a wide one, or many columns."""
        return self.chart is None or self.wide or len(self.table.header) > MAX_BESIDE


@dataclass(frozen=True)
class Section:
    key: str  # its anchor
    title: str
    intro: list[str]
    blocks: list[Block] = field(default_factory=list)
    programme_wide: bool = False  # the segment does not apply


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    hint: str


# --- Formats ------------------------------------------------------------------------------------


def number_text(value: float) -> str:
    return format_decimal(value)


def percent_text(ratio: float | None) -> str:
    """A share to a tenth of a percent at most ("12,5 %", "7 %"), in the reader's language."""
    if ratio is None:
        return NONE_TEXT
    return format_percent(round(ratio, 3), locale=get_locale(), decimal_quantization=False)


def decimal_text(value: float | None, places: str = "##") -> str:
    return NONE_TEXT if value is None else format_decimal(round(value, len(places)), f"#,##0.{places}")


def week_text(week: date) -> str:
    return format_date(week, "medium")


def short_week(week: date) -> str:
    """A week's Monday, short, for a chart's axis ("23 nov.", "Nov 23")."""
    return format_skeleton("MMMd", week, locale=get_locale())


def text(value: str, link: tuple[str, dict] | None = None) -> Cell:
    return Cell(value, value, TEXT, link)


def count(value: int) -> Cell:
    return Cell(number_text(value), value, NUMBER)


def share(ratio: float | None) -> Cell:
    return Cell(percent_text(ratio), None if ratio is None else round(ratio, 4), NUMBER)


def per(value: float | None) -> Cell:
    """A number with up to two decimals (clicks per share)."""
    return Cell(decimal_text(value), None if value is None else round(value, 2), NUMBER)


def days(value: float | None) -> Cell:
    return Cell(decimal_text(value, "#"), None if value is None else round(value, 1), NUMBER)


def week(value: date) -> Cell:
    return Cell(week_text(value), value.isoformat(), DATE)


def day(value) -> Cell:
    local = format_date(value, "medium")
    return Cell(local, (value.date() if hasattr(value, "date") else value).isoformat(), DATE)


def _or_zero(value: float | None) -> float:
    return max(value or 0.0, 0.0)


def _percent_tick(value: float) -> str:
    return percent_text(value)


def _number_tick(value: float) -> str:
    return number_text(value)


# --- Names in the reader's language ---------------------------------------------------------


def theme_name(key: str) -> str:
    return str(THEMES[key]) if key in THEMES else key


def persona_name(key: str) -> str:
    if key == NO_PERSONA:
        return _("No profile")
    persona = PERSONA_BY_KEY.get(key)
    return str(persona.name) if persona else key


def network_name(key: str) -> str:
    return NETWORKS[key].name if key in NETWORKS else key


def kind_name(key: str) -> str:
    return str(KINDS[key]) if key in KINDS else key


# --- The filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentChoice:
    value: str  # in the query string: "all", "department-3", "site-2"
    label: str
    segment: Segment


@dataclass(frozen=True)
class SegmentChoices:
    everyone: SegmentChoice
    departments: list[SegmentChoice]
    sites: list[SegmentChoice]

    def find(self, value: str | None) -> SegmentChoice:
        """The choice of a query-string value; everyone for an unknown one."""
        return next(
            (choice for choice in (*self.departments, *self.sites) if choice.value == value), self.everyone
        )


def segment_value(segment: Segment) -> str:
    return ALL if segment.kind == ALL else f"{segment.kind}-{segment.id}"


def segment_choices() -> SegmentChoices:
    """Everyone, each department, each site, in the reader's alphabetical order (one query)."""

    def choices(rows, kind: str) -> list[SegmentChoice]:
        made = [SegmentChoice(f"{kind}-{row.id}", row.label, Segment(kind, row.id)) for row in rows]
        return sorted(made, key=lambda choice: reading_order(choice.label))

    known = organisation()
    return SegmentChoices(
        SegmentChoice(ALL, _("Everyone"), EVERYONE),
        choices(known.departments, DEPARTMENT),
        choices(known.sites, SITE),
    )


def period_choices() -> list[tuple[int, str]]:
    return [(weeks, ngettext("Last %(num)s week", "Last %(num)s weeks", weeks)) for weeks in PERIODS]


# --- Key figures ----------------------------------------------------------------------------


def zone_text(ratio: float | None) -> str:
    """Where an active share stands against the 10–70 % that good programmes reach."""
    low, high = BASELINE["low"], BASELINE["high"]
    zone = {"low": percent_text(low), "high": percent_text(high)}
    if ratio is None:
        return _("No one to count in this segment.")
    if ratio < low:
        return _("Below the %(low)s–%(high)s that good programmes reach.", **zone)
    if ratio > high:
        return _("Above the %(low)s–%(high)s that good programmes reach.", **zone)
    return _("Within the %(low)s–%(high)s that good programmes reach.", **zone)


def average_active_share(active: figures.ActiveFigures) -> float | None:
    """The share of employees active in an average week of the period."""
    return figures.ratio(sum(w.active for w in active.weeks), active.employees * len(active.weeks))


def overall_return(returns: figures.ReturnFigures) -> float | None:
    """Of the people active one week of the period, how many came back the next (all weeks)."""
    return figures.ratio(sum(w.returned for w in returns.weeks), sum(w.active for w in returns.weeks))


def key_figures(period_weeks: int, segment: Segment) -> list[KeyFigure]:
    active = remembered(figures.active_weeks, period_weeks, segment)
    returns = remembered(figures.weekly_return, period_weeks, segment)
    reach = remembered(figures.reach, period_weeks, segment).total
    average = average_active_share(active)
    last = active.weeks[-1]
    return [
        KeyFigure(
            _("Active in an average week"),
            percent_text(average),
            " ".join(
                [
                    zone_text(average),
                    ngettext(
                        "Last week: %(share)s (%(count)s person).",
                        "Last week: %(share)s (%(count)s people).",
                        last.active,
                        share=percent_text(last.active_share),
                        count=number_text(last.active),
                    ),
                ]
            ),
        ),
        KeyFigure(
            _("Came back the next week"),
            percent_text(overall_return(returns)),
            ngettext(
                "%(count)s person came every week of the period (%(share)s of employees).",
                "%(count)s people came every week of the period (%(share)s of employees).",
                returns.every_week,
                count=number_text(returns.every_week),
                share=percent_text(returns.every_week_share),
            ),
        ),
        KeyFigure(
            _("Clicks per share"),
            decimal_text(reach.click_through),
            _(
                "%(shares)s shares, %(clicks)s clicks.",
                shares=number_text(reach.shares),
                clicks=number_text(reach.clicks),
            ),
        ),
    ]


def last_week_figures(period_weeks: int, segment: Segment) -> tuple[date, list[KeyFigure]]:
    """The last whole week of the period: its Monday, who was active, what was shared."""
    active = remembered(figures.active_weeks, period_weeks, segment).weeks[-1]
    reach = remembered(figures.reach, period_weeks, segment).by_week[-1]
    return active.week, [
        KeyFigure(
            _("Active people"),
            percent_text(active.active_share),
            ngettext(
                "%(count)s person did something themselves.",
                "%(count)s people did something themselves.",
                active.active,
                count=number_text(active.active),
            ),
        ),
        KeyFigure(
            _("Creators"),
            percent_text(active.creator_share),
            _("Shared, suggested or contributed (%(share)s, left alone).", share=percent_text(BASELINE["create"])),
        ),
        KeyFigure(
            _("Reactors"),
            percent_text(active.reactor_share),
            _("Liked or attended, and created nothing (%(share)s, left alone).", share=percent_text(BASELINE["react"])),
        ),
        KeyFigure(
            _("Shares"),
            number_text(reach.shares),
            _("%(clicks)s clicks on shared links.", clicks=number_text(reach.clicks)),
        ),
    ]  # fmt: skip


# --- Active ambassadors ---------------------------------------------------------------------


def active_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.active_weeks, period_weeks, segment)
    weeks = found.weeks
    norms = {key: percent_text(value) for key, value in BASELINE.items()}
    others = [figures.ratio(max(w.active - w.creators - w.reactors, 0), found.employees) for w in weeks]
    series = [
        Series(_("Creators"), [_or_zero(w.creator_share) for w in weeks], [percent_text(w.creator_share) for w in weeks]),
        Series(_("Reactors"), [_or_zero(w.reactor_share) for w in weeks], [percent_text(w.reactor_share) for w in weeks]),
        Series(_("Other actions"), [_or_zero(r) for r in others], [percent_text(r) for r in others]),
    ]  # fmt: skip
    title = _("Active ambassadors per week, as a share of employees")
    chart = bar_chart(
        "chart-active",
        title,
        _(
            "Stacked bars, one per week: the share of employees who created (shared, suggested, "
            "contributed), who only reacted (liked, attended), and who did something else. The "
            "shaded zone is the %(low)s–%(high)s that good programmes reach; dashed lines mark "
            "%(create)s (creators, left alone) and %(active)s (creators and reactors, left alone). "
            "Last week: %(last)s active.",
            low=norms["low"],
            high=norms["high"],
            create=norms["create"],
            active=percent_text(BASELINE["create"] + BASELINE["react"]),
            last=percent_text(weeks[-1].active_share),
        ),
        [short_week(w.week) for w in weeks],
        series,
        stacked=True,
        bands=[Band(BASELINE["low"], BASELINE["high"], _("Good programmes: %(low)s–%(high)s", **norms))],
        markers=[
            Marker(BASELINE["create"], _("%(share)s creators", share=norms["create"])),
            Marker(
                BASELINE["create"] + BASELINE["react"],
                _(
                    "%(share)s creators and reactors",
                    share=percent_text(BASELINE["create"] + BASELINE["react"]),
                ),
            ),
        ],
        tick_format=_percent_tick,
    )
    table = Table(
        "active",
        title,
        [
            _("Week of"),
            _("Active people"),
            _("Active (%)"),
            _("Creators"),
            _("Creators (%)"),
            _("Reactors"),
            _("Reactors (%)"),
            _("Watchers (%)"),
        ],
        [
            [
                week(w.week),
                count(w.active),
                share(w.active_share),
                count(w.creators),
                share(w.creator_share),
                count(w.reactors),
                share(w.reactor_share),
                share(w.watcher_share),
            ]
            for w in weeks
        ],
    )
    return Section(
        "active",
        _("Active ambassadors"),
        [
            _(
                "Each week, who did something themselves: creators shared, suggested or contributed; "
                "reactors liked or attended an event; the others signed the charter, took the quiz… "
                "Signing in and clicks on one's links do not count."
            ),
            _(
                "Left alone, %(create)s of people create, %(react)s react and %(watch)s only watch. "
                "Good programmes reach %(low)s to %(high)s active.",
                **norms,
            ),
            ngettext(
                "Percentages are of the %(count)s employee in this segment today.",
                "Percentages are of the %(count)s employees in this segment today.",
                found.employees,
                count=number_text(found.employees),
            ),
        ],
        [Block(table, chart)],
    )


# --- Weekly return --------------------------------------------------------------------------


def return_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.weekly_return, period_weeks, segment)
    weeks = found.weeks
    title = _("Came back the next week")
    rates = [w.rate for w in weeks]
    chart = line_chart(
        "chart-return",
        title,
        _(
            "A line, one point per week: of the people active that week, the share active again the "
            "next week. Over the period: %(rate)s.",
            rate=percent_text(figures.ratio(sum(w.returned for w in weeks), sum(w.active for w in weeks))),
        ),
        [short_week(w.week) for w in weeks],
        [
            Series(
                _("Came back the next week"), [_or_zero(r) for r in rates], [percent_text(r) for r in rates]
            )
        ],
        max_value=1.0,
        tick_format=_percent_tick,
        empty_text=_("A period of one week has no next week."),
    )
    table = Table(
        "return",
        title,
        [_("Week of"), _("Active that week"), _("Active the next week too"), _("Return rate")],
        [[week(w.week), count(w.active), count(w.returned), share(w.rate)] for w in weeks],
    )
    return Section(
        "return",
        _("Weekly return"),
        [
            _(
                "Of the people active one week, how many come back the next: a habit, rather than a "
                "one-off. The last week of the period is left out, as the week after it is not over."
            ),
            ngettext(
                "%(count)s person was active in every week of the period: %(share)s of employees.",
                "%(count)s people were active in every week of the period: %(share)s of employees.",
                found.every_week,
                count=number_text(found.every_week),
                share=percent_text(found.every_week_share),
            ),
        ],
        [Block(table, chart)],
    )


# --- Reach ----------------------------------------------------------------------------------


def _reach_header(first: str) -> list[str]:
    return [first, _("Shares"), _("Clicks"), _("Clicks per share")]


def _reach_rows(rows: Sequence[ReachRow], name: Callable[[object], Cell]) -> list[list[Cell]]:
    return [[name(row.key), count(row.shares), count(row.clicks), per(row.click_through)] for row in rows]


def _reach_series(rows: Sequence[ReachRow]) -> list[Series]:
    return [
        Series(_("Shares"), [row.shares for row in rows], [number_text(row.shares) for row in rows]),
        Series(_("Clicks"), [row.clicks for row in rows], [number_text(row.clicks) for row in rows]),
    ]


def _reach_block(chart_id: str, name: str, title: str, first: str, rows, label: Callable[[object], str]):
    chart = bar_chart(
        chart_id,
        title,
        _(
            "Horizontal bars, two for each line: the shares, then the clicks on the links shared, "
            "over the period."
        ),
        [label(row.key) for row in rows],
        _reach_series(rows),
        horizontal=True,
        tick_format=_number_tick,
    )
    table = Table(name, title, _reach_header(first), _reach_rows(rows, lambda key: text(label(key))))
    return Block(table, chart, title)


def reach_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.reach, period_weeks, segment)
    by_week_title = _("Shares and clicks by week")
    by_week = Block(
        Table(
            "reach-weeks",
            by_week_title,
            _reach_header(_("Week of")),
            [[week(row.key), count(row.shares), count(row.clicks), per(row.click_through)] for row in found.by_week],
        ),
        bar_chart(
            "chart-reach-weeks",
            by_week_title,
            _(
                "Grouped bars, two per week: the shares made that week, then the clicks on shared "
                "links that week. In all: %(shares)s shares, %(clicks)s clicks.",
                shares=number_text(found.total.shares),
                clicks=number_text(found.total.clicks),
            ),
            [short_week(row.key) for row in found.by_week],
            _reach_series(found.by_week),
            tick_format=_number_tick,
        ),
        by_week_title,
    )  # fmt: skip
    top_title = _("Most clicked items")
    top = Block(
        Table(
            "top-items",
            top_title,
            _reach_header(_("Item")),
            [
                [
                    text(item.title, ("console.content.figures", {"item_id": item.item_id})),
                    count(item.shares),
                    count(item.clicks),
                    per(item.click_through),
                ]
                for item in found.top_items
            ],
        ),
        None,
        top_title,
        ngettext(
            "The item whose shared links were clicked most in the period.",
            "The %(num)s items whose shared links were clicked most in the period.",
            figures.TOP_ITEMS,
        ),
    )
    return Section(
        "reach",
        _("Reach"),
        [
            _(
                "What ambassadors shared and how often their links were clicked: clicks count in the "
                "week of the click, so a link shared earlier keeps counting. Clicks per share tell "
                "which content travels."
            )
        ],
        [
            by_week,
            _reach_block("chart-reach-themes", "reach-themes", _("By theme"), _("Theme"), found.by_theme, theme_name),
            _reach_block(
                "chart-reach-personae", "reach-personae", _("By ambassador profile"), _("Ambassador profile"),
                found.by_persona, persona_name,
            ),
            _reach_block(
                "chart-reach-networks", "reach-networks", _("By network"), _("Network"), found.by_network, network_name
            ),
            top,
        ],
    )  # fmt: skip


# --- Editorial line -------------------------------------------------------------------------


def editorial_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.editorial_line, period_weeks, segment)
    personae = [persona_name(key) for key in found.personae]
    title = _("Shares by theme and ambassador profile")
    chart = heatmap(
        "chart-editorial",
        title,
        _(
            "A grid: one row per theme, one column per ambassador profile; each cell gives the shares "
            "of that theme by people of that profile, darker for more."
        ),
        [theme_name(row.theme) for row in found.rows],
        personae,
        [list(row.shares) for row in found.rows],
        [[number_text(value) for value in row.shares] for row in found.rows],
    )
    table = Table(
        "editorial",
        title,
        [_("Theme"), *personae, _("Total")],
        [[text(theme_name(row.theme)), *map(count, row.shares), count(row.total)] for row in found.rows],
        [text(_("Total")), *map(count, found.totals), count(found.total)],
    )
    return Section(
        "editorial",
        _("Editorial line"),
        [
            _(
                "Which themes each ambassador profile shares. A column of empty cells is a profile the "
                "content does not serve yet: write for it, or point its people to the themes they like."
            ),
        ],
        [Block(table, chart, wide=True)],
    )


# --- Events ---------------------------------------------------------------------------------


def _event_row(name: Cell, kind: figures.EventKindFigures) -> list[Cell]:
    return [
        name,
        count(kind.events),
        count(kind.capacity),
        count(kind.confirmed_limited),
        share(kind.fill_rate),
        count(kind.confirmed_past),
        count(kind.attended),
        share(kind.attendance_rate),
        count(kind.no_shows),
        count(kind.waitlisted),
        count(kind.still_waiting),
    ]


def events_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.events_figures, period_weeks, segment)
    title = _("Events by kind")
    names = [kind_name(kind.kind) for kind in found.kinds]
    fill, attendance = _("Fill rate"), _("Attendance rate")
    chart = bar_chart(
        "chart-events",
        title,
        _(
            "Horizontal bars, two per kind of event: the fill rate (seats taken of the seats "
            "offered), then the attendance rate (present of those confirmed). All kinds: %(fill)s "
            "filled, %(attended)s attended.",
            fill=percent_text(found.total.fill_rate),
            attended=percent_text(found.total.attendance_rate),
        ),
        names,
        [
            Series(fill, [_or_zero(k.fill_rate) for k in found.kinds], [percent_text(k.fill_rate) for k in found.kinds]),
            Series(
                attendance,
                [_or_zero(k.attendance_rate) for k in found.kinds],
                [percent_text(k.attendance_rate) for k in found.kinds],
            ),
        ],
        horizontal=True,
        max_value=1.0,
        tick_format=_percent_tick,
    )  # fmt: skip
    table = Table(
        "events",
        title,
        [
            _("Kind"),
            _("Events"),
            _("Seats offered"),
            _("Seats taken"),
            fill,
            _("Confirmed, past events"),
            _("Attended"),
            attendance,
            _("No-shows"),
            _("Put on a waiting list"),
            _("Still waiting"),
        ],
        [_event_row(text(name), kind) for name, kind in zip(names, found.kinds, strict=True)],
        _event_row(text(_("All kinds")), found.total),
    )
    return Section(
        "events",
        _("Events"),
        [
            _(
                "The events that started in the period. Fill rate: seats taken of the seats offered "
                "(events without a limit are left out). Attendance rate: people marked present of "
                "those confirmed, at the events that are over. A waiting list is demand beyond the seats."
            )
        ],
        [Block(table, chart, wide=True)],
        programme_wide=True,
    )


# --- Mentoring ------------------------------------------------------------------------------


def mentoring_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.mentoring_figures, period_weeks, segment)
    title = _("Mentoring pairs")
    table = Table(
        "mentoring",
        title,
        [_("Figure"), _("Value")],
        [
            [text(_("Active pairs now")), count(found.active_pairs)],
            [text(_("Requests waiting for an answer now")), count(found.waiting)],
            [text(_("Days the oldest request has waited")), days(found.longest_wait_days)],
            [text(_("Pairs started in the period")), count(found.started)],
            [text(_("Median days from request to start")), days(found.median_days_to_start)],
        ],
    )
    return Section(
        "mentoring",
        _("Mentoring"),
        [
            _(
                "Pairs between colleagues: how many are running, how many requests wait for an answer, "
                "and how long a match took for the pairs started in the period (the median: half took "
                "less, half took more)."
            )
        ],
        [Block(table)],
        programme_wide=True,
    )


# --- Challenges -----------------------------------------------------------------------------


def challenges_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.challenges_figures, period_weeks, segment)
    rows = found.challenges
    names = [localized(row.title_fr, row.title_en).text for row in rows]
    modes = {"personal": _("Personal"), "collective": _("Collective")}
    title = _("Challenges of the period")
    participation, completion = _("Participation rate"), _("Completion rate")
    chart = bar_chart(
        "chart-challenges",
        title,
        _(
            "Horizontal bars, two per challenge: the share of its audience taking part, then the "
            "share of participants who reached the target (personal challenges with a target only)."
        ),
        names,
        [
            Series(participation, [_or_zero(r.participation_rate) for r in rows], [percent_text(r.participation_rate) for r in rows]),
            Series(completion, [_or_zero(r.completion_rate) for r in rows], [percent_text(r.completion_rate) for r in rows]),
        ],
        horizontal=True,
        max_value=1.0,
        tick_format=_percent_tick,
        empty_text=_("No challenge ran in the period."),
    )  # fmt: skip
    table = Table(
        "challenges",
        title,
        [
            _("Challenge"),
            _("Mode"),
            _("Starts"),
            _("Ends"),
            _("Participants"),
            _("Audience"),
            participation,
            _("Reached the target"),
            completion,
        ],
        [
            [
                text(name),
                text(str(modes.get(row.mode, row.mode))),
                day(row.starts_at),
                day(row.ends_at),
                count(row.participants),
                count(row.audience),
                share(row.participation_rate),
                count(row.completed) if row.completed is not None else Cell(NONE_TEXT, None, NUMBER),
                share(row.completion_rate),
            ]
            for name, row in zip(names, rows, strict=True)
        ],
    )
    return Section(
        "challenges",
        _("Challenges"),
        [
            _(
                "The challenges running during the period: who takes part among the people each is "
                "for, and, where there is a target, who reached it."
            ),
            ngettext(
                "%(count)s person takes part in at least one: %(share)s of employees.",
                "%(count)s people take part in at least one: %(share)s of employees.",
                found.people,
                count=number_text(found.people),
                share=percent_text(found.people_share),
            ),
        ],
        [Block(table, chart, wide=True)],
        programme_wide=True,
    )


# --- Recognition ----------------------------------------------------------------------------


def recognition_section(period_weeks: int, segment: Segment) -> Section:
    found = remembered(figures.recognition_figures, period_weeks, segment)
    by_rule = found.by_rule
    rule_title = _("Points awarded by rule")
    chart = bar_chart(
        "chart-points",
        rule_title,
        _(
            "Horizontal bars, one per rule, the most points first: the points the rule awarded in the "
            "period, net of those taken back. In all: %(points)s points.",
            points=number_text(found.points),
        ),
        [row.label for row in by_rule],
        [Series(_("Points"), [max(row.points, 0) for row in by_rule], [number_text(row.points) for row in by_rule])],
        horizontal=True,
        tick_format=_number_tick,
        empty_text=_("No points were awarded in the period."),
    )  # fmt: skip
    rules = Table(
        "points",
        rule_title,
        [_("Rule"), _("Points"), _("Actions")],
        [[text(row.label), count(row.points), count(row.entries)] for row in by_rule],
        [text(_("Total")), count(found.points), count(found.entries)] if by_rule else None,
    )
    rewards_title = _("Rewards redeemed")
    rewards = Table(
        "rewards",
        rewards_title,
        [_("Reward"), _("Redemptions"), _("Points spent")],
        [
            [text(localized(row.title_fr, row.title_en).text), count(row.redemptions), count(row.points)]
            for row in found.rewards
        ],
        [text(_("Total")), count(found.redemptions), count(found.redeemed_points)] if found.rewards else None,
    )
    return Section(
        "recognition",
        _("Recognition"),
        [
            _(
                "Points: what the programme rewarded, rule by rule (actions include those that earned "
                "nothing, past a cap). Rewards: what people chose to spend their points on."
            )
        ],
        [Block(rules, chart, rule_title), Block(rewards, None, rewards_title)],
    )


# --- The page -------------------------------------------------------------------------------

SECTIONS = (
    active_section,
    return_section,
    reach_section,
    editorial_section,
    events_section,
    mentoring_section,
    challenges_section,
    recognition_section,
)
# Each table's section: an export builds that one only.
TABLES = {
    "active": active_section,
    "return": return_section,
    "reach-weeks": reach_section,
    "reach-themes": reach_section,
    "reach-personae": reach_section,
    "reach-networks": reach_section,
    "top-items": reach_section,
    "editorial": editorial_section,
    "events": events_section,
    "mentoring": mentoring_section,
    "challenges": challenges_section,
    "points": recognition_section,
    "rewards": recognition_section,
}


def sections(period_weeks: int, segment: Segment) -> list[Section]:
    return [build(period_weeks, segment) for build in SECTIONS]


def table(name: str, period_weeks: int, segment: Segment) -> Table | None:
    """One table of the page by its name (None: no such table)."""
    build = TABLES.get(name)
    if build is None:
        return None
    found = build(period_weeks, segment)
    return next(block.table for block in found.blocks if block.table.name == name)
