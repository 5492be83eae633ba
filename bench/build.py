"""``python -m bench.build --scale large|small [--seed 2026]``: the benchmark's large company (issue #14).

Adds a synthetic company (10,000 people, 5,000 items, about a million activities, 400 mentors
and 600 mentees at the large scale; fifty times less at the small one) to a PostgreSQL database
(``DATABASE_URL``) that is migrated and holds the demo company, whose accounts stay usable and
take part like ordinary people. ``bench.company`` plans the rows in Python; here they are
bulk-loaded (``COPY``), then what the app derives from the activity log is derived in SQL with
the app's own rules, read from its registry: the points ledger and balances, streaks, badges
(told and on the wall of fame), challenge entries, the streak reminders of past weeks, the
moderators' notice of the suggestions waiting. Last, the app's own jobs run as cron would have:
closing the finished challenges, the week's most clicked shares, the progress of running
challenges, this week's streak reminders. A second run on the same database is refused.
"""

import argparse
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter

import psycopg
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app import create_app
from base.database import db, unit_of_work
from base.registry import registry
from bench import company
from blueprints.analytics import rollups as analytics
from blueprints.auth.services import DEMO_PASSWORD
from blueprints.challenges import closing
from blueprints.challenges.messages import RESULT, WON
from blueprints.content.highlights import WEEKS_BACK, celebrate_top_shares
from blueprints.content.services import SUGGESTIONS_WAITING
from blueprints.demo.seed import SITES as DEMO_SITES
from blueprints.mentoring import topics as mentoring_topics
from blueprints.recognition import points as points_rules
from blueprints.recognition.badges import BADGE_EARNED, badge_link
from blueprints.recognition.feature import STREAK_BADGE_WEEKS
from blueprints.recognition.nudges import FROM_WEEKDAY, MIN_WEEKS, STREAK_AT_RISK, nudge_streaks
from blueprints.recognition.streaks import meaningful_verbs
from blueprints.recognition.verbs import FAME_FEATURED, FAME_HIDDEN

SCALES = company.SCALES
DEMO_ACCOUNTS = ("employee@example.com", "comms@example.com", "admin@example.com")
NUDGE_HOUR = 9  # the streak reminders' cron runs at 9:00, programme time
CLOSED_AFTER = timedelta(hours=1)  # the closing job ran an hour after each challenge's end
# The tables whose ids the plan sets: their sequences follow.
EXPLICIT_IDS = company.words(
    "departments sites users rewards content_items shares quiz_results events registrations kudos"
    " contributions challenges challenge_participations redemptions activities mentor_offers"
    " mentee_wishes mentoring_pairs mentoring_sessions"
)


# Room for the sorts of the derivations and the index builds, for this transaction only.
BULK_SETTINGS = "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'"


class BuildRefused(Exception):
    """The database is not one to build on, with the reason to print."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args(argv)
    started = time.monotonic()
    try:
        counts = build(os.environ.get("DATABASE_URL", ""), options.scale, options.seed)
    except BuildRefused as refusal:
        print(f"bench.build: {refusal}", file=sys.stderr)
        return 2
    width = max(map(len, counts))
    for table, count in counts.items():
        print(f"{table:<{width}}  {count:>10,}")
    print(f"Built the {options.scale} company in {time.monotonic() - started:.0f} s.")
    return 0


def build(database_url: str, scale: str, seed: int) -> dict[str, int]:
    """Add the synthetic company to the database; the number of rows of each table after."""
    url = postgresql_url(database_url)
    anchor = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with connect(url) as connection:
        check_the_database(connection)
        app = create_app({"DATABASE_URL": database_url, "PREVIEW_FETCH_ENABLED": False})
        with app.app_context():
            rules = Rules.of_the_app(app.config["DEFAULT_TIMEZONE"])
            mentoring = mentoring_setup(app.config["MENTORING_REPLY_DAYS"])
        connection.execute(BULK_SETTINGS)
        existing = read_existing(connection, int(anchor.timestamp()), rules.zone, mentoring)
        with step("planning"):
            plan = company.plan(existing, SCALES[scale], seed)
        first = {**existing.next_ids, "fame_entries": next_id(connection, "fame_entries")}
        with step("loading"), bulk_loading(connection, LOADED_IN_BULK):
            load(connection, plan, first["activities"])
        derive(connection, rules, first, anchor)
        with step("redemptions, notices, featured kudos"):
            add_redemptions(connection, plan)
            tell_waiting_moderators(connection)
            feature_some_kudos(connection, anchor, first["fame_entries"])
        with step("counts of the log, analyze"):
            count_the_log(connection)
            connection.execute("ANALYZE")  # the jobs' queries are planned on the new sizes
    with app.app_context(), step("the app's jobs"):
        run_the_jobs(plan, anchor)
    with step("vacuum and analyze"):
        return finish(url)


def connect(url: str, autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit)
    except psycopg.OperationalError as error:
        raise BuildRefused(f"cannot reach the database: {str(error).strip()}") from error


@contextmanager
def step(name: str):
    """Say how long a step of the build took (on stderr: the counts are the output)."""
    started = time.monotonic()
    yield
    print(f"  {name}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def postgresql_url(database_url: str) -> str:
    if not database_url.startswith(("postgresql://", "postgres://")):
        shown = database_url or "nothing"
        raise BuildRefused(f"DATABASE_URL must be a PostgreSQL URL (postgresql://…), not {shown}.")
    return sa.make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- The app's rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What the app derives from the log, read from its registry (and comms' points table)."""

    zone: str
    points: list[tuple[str, int, int | None, str | None, bool]]  # verb, points, cap, period, not on own
    undoes: dict[str, list[str]]
    owners: list[tuple[str, str, str]]  # object type, table, owner column
    meaningful: list[str]  # the verbs that keep a streak going
    count_badges: list[tuple[str, list[str], int]]  # key, verbs, threshold
    metrics: dict[str, tuple[list[str], list[str], bool]]  # verbs, undo verbs, by points

    @classmethod
    def of_the_app(cls, zone: str) -> "Rules":
        features = registry()
        checked = [key for key, badge in features.badges.items() if badge.check]
        if checked != [streak_badge()]:
            raise BuildRefused(
                f"bench.build derives only the streak badge among checked badges, not {checked}."
            )
        return cls(
            zone=zone,
            points=[
                (verb, rule.points, rule.cap, rule.period, rule.not_on_own)
                for verb, rule in sorted(points_rules.current_rules().items())
                if verb not in features.undoes
            ],
            undoes={verb: list(undone) for verb, undone in features.undoes.items()},
            owners=[
                (object_type, target.model.__tablename__, target.owner_column.key)
                for object_type, target in sorted(features.audit_targets.items())
                if target.owner_column is not None
            ],
            meaningful=sorted(meaningful_verbs()),
            count_badges=[
                (key, list(badge.verbs), badge.threshold)
                for key, badge in features.badges.items()
                if not badge.check
            ],
            metrics={
                key: (list(metric.verbs), list(metric.undo_verbs), metric.points)
                for key, metric in features.metrics.items()
            },
        )


def streak_badge() -> str:
    return f"streak_{STREAK_BADGE_WEEKS}"


def mentoring_setup(reply_days: int) -> company.MentoringSetup:
    """The mentoring topics people can choose now (those comms manage, then the themes), each with
    the personae that complement it, as the app reads them."""
    return company.MentoringSetup(
        {topic.key: tuple(sorted(topic.personae)) for topic in mentoring_topics.offered_topics()}, reply_days
    )


# --- What the database holds ----------------------------------------------------------------------


def read_existing(
    connection: psycopg.Connection, anchor: int, zone: str, mentoring: company.MentoringSetup
) -> company.Existing:
    """The demo company as the plan needs it, dated back to the launch (``date_back_the_demo``)."""
    launch = anchor - company.LAUNCH
    date_back_the_demo(connection, launch)
    charter_id, version = connection.execute("SELECT id, version FROM charters").fetchone()
    return company.Existing(
        anchor=anchor,
        zone=zone,
        next_ids={table: next_id(connection, table) for table in EXPLICIT_IDS},
        departments=dict(connection.execute("SELECT name, id FROM departments").fetchall()),
        sites={
            name: (site_id, DEMO_SITES.get(name, zone))
            for site_id, name in connection.execute("SELECT id, name FROM sites").fetchall()
        },
        accounts=demo_accounts(connection, launch),
        charter=(charter_id, version),
        accepted={
            user_id: int(at.timestamp())
            for user_id, at in connection.execute(
                "SELECT user_id, accepted_at FROM charter_acceptances WHERE charter_id = %s", (charter_id,)
            )
        },
        quizzed=frozenset(
            user_id for (user_id,) in connection.execute("SELECT DISTINCT user_id FROM quiz_results")
        ),
        pending_suggestions=tuple(
            int(at.timestamp())
            for (at,) in connection.execute("SELECT created_at FROM content_items WHERE status = 'pending'")
        ),
        password_hash=generate_password_hash(DEMO_PASSWORD),
        mentoring=mentoring,
    )


def check_the_database(connection: psycopg.Connection) -> None:
    """Refuse a database that is not migrated, that lacks the demo, or that already holds the
    synthetic company."""
    if connection.execute("SELECT to_regclass('public.activities')").fetchone()[0] is None:
        raise BuildRefused("the database is not migrated: run `flask --app app db upgrade` first.")
    found = connection.execute("SELECT count(*) FROM users WHERE email = ANY(%s)", (list(DEMO_ACCOUNTS),))
    if found.fetchone()[0] < len(DEMO_ACCOUNTS):
        raise BuildRefused("the demo company is missing: run `DEMO_MODE=1 flask --app app seed-demo` first.")
    found = connection.execute("SELECT 1 FROM users WHERE email LIKE %s LIMIT 1", (f"%@{company.DOMAIN}",))
    if found.fetchone():
        raise BuildRefused("the synthetic company is already in this database: build on a fresh one.")
    charters = connection.execute("SELECT count(*) FROM charters").fetchone()[0]
    if charters != 1:
        raise BuildRefused(f"expected the demo's single charter version, found {charters}.")


def date_back_the_demo(connection: psycopg.Connection, launch: int) -> None:
    """The demo's accounts and charter, as old as the programme.

    They take part in the year of history like colleagues there since the launch, when the
    company was imported, so their arrival (and their welcome notice) moves back to it; and
    people share from the start of that year, which needs the charter: the demo publishes its
    only version some weeks before it is seeded, so that date moves back too.
    """
    arrival = datetime.fromtimestamp(launch, UTC)
    values = {"at": arrival, "emails": list(DEMO_ACCOUNTS), "charter": arrival - timedelta(days=1)}
    connection.execute("UPDATE users SET created_at = %(at)s WHERE email = ANY(%(emails)s)", values)
    connection.execute(
        "UPDATE notifications SET created_at = %(at)s,"
        " read_at = CASE WHEN read_at IS NOT NULL THEN %(at)s + interval '1 day' END"
        " WHERE kind = 'welcome' AND user_id IN (SELECT id FROM users WHERE email = ANY(%(emails)s))",
        values,
    )
    connection.execute("UPDATE charters SET created_at = least(created_at, %(charter)s)", values)


def demo_accounts(connection: psycopg.Connection, launch: int) -> dict[str, company.Account]:
    rows = connection.execute(
        "SELECT id, email, display_name, role, department_id, site_id, manager_id, language, timezone"
        " FROM users WHERE email = ANY(%s)",
        (list(DEMO_ACCOUNTS),),
    ).fetchall()
    return {row[1]: company.Account(*row[:7], row[7] or "fr", row[8], launch) for row in rows}


def next_id(connection: psycopg.Connection, table: str) -> int:
    return connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


# --- Loading ----------------------------------------------------------------------------------------

# The tables that take many rows at once: checked and indexed after, not row by row.
LOADED_IN_BULK = company.words(
    "activities notifications reactions shares fame_entries registrations persona_scores"
)


@contextmanager
def bulk_loading(connection: psycopg.Connection, tables: tuple[str, ...]):
    """The foreign keys and plain indexes of these tables dropped while their rows pour in, then
    made again as they were (their definitions read from the catalogue): building an index and
    checking a key over a million rows at once is many times faster than row by row. Unique
    indexes stay, and it all happens in the build's transaction: a failure leaves the schema whole.
    """
    indexes = connection.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique",
        (list(tables),),
    ).fetchall()
    keys = connection.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        (list(tables),),
    ).fetchall()
    for table, name, _definition in keys:
        connection.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _definition in indexes:
        connection.execute(f"DROP INDEX {name}")
    yield
    for _name, definition in indexes:
        connection.execute(definition)
    for table, name, definition in keys:
        connection.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def load(connection: psycopg.Connection, plan: company.World, first_activity: int) -> None:
    """Every planned row by COPY, the activity log last (in time order, so ids follow time)."""
    for table in company.LOAD_ORDER:
        copy(connection, table, company.COLUMNS[table], plan.rows.get(table, []))
    copy_log(connection, plan.log, {person.id: person for person in plan.people}, first_activity)
    follow_sequences(connection)


def copy(connection: psycopg.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copying,
    ):
        for row in rows:
            copying.write_row(row)


LOG_COLUMNS = company.words("id user_id verb object_type object_id created_at department_id site_id payload")


def copy_log(
    connection: psycopg.Connection, log: list[tuple], people: dict, first_id: int | None = None
) -> None:
    """The activity log in time order, with ids from ``first_id`` (else from the sequence)."""
    log.sort(key=itemgetter(0))  # stable: an action keeps its place before what followed it
    rows = log_rows(log, people)
    if first_id is None:
        copy(connection, "activities", LOG_COLUMNS[1:], rows)
    else:
        copy(connection, "activities", LOG_COLUMNS, ((n, *row) for n, row in enumerate(rows, start=first_id)))


def log_rows(log: list[tuple], people: dict):
    """Each entry with the department and site of its person, as ``activity.services.record`` copies them."""
    for at, user_id, verb, object_type, object_id, payload in log:
        person = people[user_id]
        yield (
            user_id,
            verb,
            object_type,
            object_id,
            company.moment(at),
            person.department_id,
            person.site_id,
            payload,
        )


def follow_sequences(connection: psycopg.Connection) -> None:
    """Each sequence set to its table's largest id: the app's next inserts follow the plan's."""
    for table in EXPLICIT_IDS:
        connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest((SELECT max(id) FROM {table}), 1))"
        )


# --- What the app derives from the log, in SQL ----------------------------------------------------------

# The period a points cap counts in: the programme's day or week (Monday), or the whole life.
PERIOD_START = """CASE {period} WHEN 'day' THEN ({moment} AT TIME ZONE %(zone)s)::date
    WHEN 'week' THEN date_trunc('week', {moment} AT TIME ZONE %(zone)s)::date END"""


def derive(connection: psycopg.Connection, rules: Rules, first: dict[str, int], anchor: datetime) -> None:
    """What the activity listeners and the points sync would have written for the new actions
    (and, for the new challenges, for every action of their window, as closing counts them)."""
    first_activity, first_challenge = first["activities"], first["challenges"]
    values = {
        "zone": rules.zone,
        "first": first_activity,
        "anchor": anchor,
        "first_challenge": first_challenge,
    }
    with step("share and seat counts"):
        connection.execute(
            "UPDATE content_items SET share_count = counted.shares"
            " FROM (SELECT item_id, count(*) AS shares FROM shares GROUP BY item_id) AS counted"
            " WHERE counted.item_id = content_items.id AND content_items.share_count <> counted.shares"
        )
        connection.execute(
            "UPDATE events SET confirmed_count = counted.confirmed, waiting_count = counted.waiting"
            " FROM (SELECT event_id, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,"
            " count(*) FILTER (WHERE status = 'waitlisted') AS waiting FROM registrations GROUP BY event_id)"
            " AS counted WHERE counted.event_id = events.id"
        )
    with step("points"), bulk_loading(connection, ("points_entries",)):
        award_points(connection, rules, values)
    with step("undone points, balances"):
        take_back_undone_points(connection, rules, values)
        set_balances(connection)
    with step("streaks and badges"):
        rebuild_streaks(connection, rules, values)
        give_count_badges(connection, rules, values)
        give_streak_badge(connection, rules, values)
    with step("challenge entries"), bulk_loading(connection, ("challenge_entries",)):
        count_for_challenges(connection, rules, values)
    with step("streak reminders"):
        remind_streaks_of_past_weeks(connection, rules, values)


def values_table(name: str, columns: dict[str, str], rows: list[tuple]) -> tuple[str, dict]:
    """A common table expression of literal rows (``columns``: name and SQL type), and its parameters."""
    parameters, tuples = {}, []
    for r, row in enumerate(rows):
        cells = []
        for c, (kind, value) in enumerate(zip(columns.values(), row, strict=True)):
            parameters[f"{name}_{r}_{c}"] = value
            cells.append(f"%({name}_{r}_{c})s::{kind}")
        tuples.append(f"({', '.join(cells)})")
    return f"{name} ({', '.join(columns)}) AS (VALUES {', '.join(tuples)})", parameters


def rules_table(rules: Rules) -> tuple[str, dict]:
    columns = {"verb": "text", "points": "int", "cap": "int", "period": "text", "not_on_own": "bool"}
    return values_table("rules", columns, rules.points)


def owner_joins(rules: Rules) -> tuple[str, str]:
    """Joins to each object's owner (an action on one's own object earns nothing), and the owner."""
    joins = "".join(
        f" LEFT JOIN {table} owner_{n} ON a.object_type = '{object_type}' AND owner_{n}.id = a.object_id"
        for n, (object_type, table, _column) in enumerate(rules.owners)
    )
    owners = ", ".join(f"owner_{n}.{column}" for n, (_type, _table, column) in enumerate(rules.owners))
    return joins, f"coalesce({owners})" if owners else "NULL::int"


def award_points(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """``points.award`` for every new action of a verb with a rule, in the order of the log: 0
    with "own" on one's own object, 0 with "capped" beyond the cap of the action's period
    (counting what the ledger already held in that period, as the sync does)."""
    table, parameters = rules_table(rules)
    joins, owner = owner_joins(rules)
    period = PERIOD_START.format(period="r.period", moment="a.created_at")
    held_period = PERIOD_START.format(period="r.period", moment="e.earned_at")
    statement = f"""
        WITH {table},
        actions AS (
            SELECT a.*, r.points AS rule_points, r.cap,
                coalesce(r.points <> 0 AND r.not_on_own AND {owner} = a.user_id, false) AS own,
                {period} AS period_start
            FROM activities a JOIN rules r ON r.verb = a.verb{joins}
            WHERE a.id >= %(first)s
        ),
        ranked AS (
            SELECT actions.*, rule_points > 0 AND cap IS NOT NULL AND NOT own AS limited,
                row_number() OVER (
                    PARTITION BY user_id, verb, period_start, rule_points > 0 AND cap IS NOT NULL AND NOT own
                    ORDER BY created_at, id
                ) AS nth
            FROM actions
        ),
        held AS (
            SELECT e.user_id, e.rule, {held_period} AS period_start, count(*) AS rewarded
            FROM points_entries e JOIN rules r ON r.verb = e.rule
            WHERE e.points > 0 AND r.cap IS NOT NULL
            GROUP BY 1, 2, 3
        ),
        decided AS (
            SELECT ranked.*, limited AND nth + coalesce(held.rewarded, 0) > cap AS capped
            FROM ranked LEFT JOIN held ON held.user_id = ranked.user_id AND held.rule = ranked.verb
                AND held.period_start IS NOT DISTINCT FROM ranked.period_start
        )
        INSERT INTO points_entries
            (rule, activity_id, user_id, points, reason, object_type, object_id, earned_at, department_id, site_id)
        SELECT verb, id, user_id,
            CASE WHEN own OR capped THEN 0 ELSE rule_points END,
            CASE WHEN own THEN 'own' WHEN capped THEN 'capped' END,
            object_type, object_id, created_at, department_id, site_id
        FROM decided
    """
    connection.execute(statement, {**values, **parameters})


def take_back_undone_points(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """``points._undo``: an undo takes back what the person still held for the same object from
    the verbs it undoes (an unlike: nothing; a cancelled sign-up: its 2 points)."""
    undoes, parameters = values_table(
        "undoes", {"verb": "text", "undone": "text[]"}, list(rules.undoes.items())
    )
    statement = f"""
        WITH {undoes}
        INSERT INTO points_entries
            (rule, activity_id, user_id, points, reason, object_type, object_id, earned_at, department_id, site_id)
        SELECT a.verb, a.id, a.user_id, -greatest(coalesce(held.total, 0), 0), 'undo',
            a.object_type, a.object_id, a.created_at, a.department_id, a.site_id
        FROM activities a JOIN undoes u ON u.verb = a.verb
        LEFT JOIN LATERAL (
            SELECT sum(e.points) AS total FROM points_entries e
            WHERE e.user_id = a.user_id AND e.object_type = a.object_type AND e.object_id = a.object_id
                AND (e.rule = a.verb OR e.rule = ANY(u.undone))
                AND (e.earned_at, e.activity_id) < (a.created_at, a.id)
        ) held ON true
        WHERE a.id >= %(first)s
    """
    connection.execute(statement, {**values, **parameters})


def count_the_log(connection: psycopg.Connection) -> None:
    """Each person's count of the log's entries per verb, as ``record`` keeps it (``ActionCount``),
    once the log's entries that did not go through it are all in."""
    connection.execute(
        """
        INSERT INTO action_counts (user_id, verb, entries)
        SELECT user_id, verb, count(*) FROM activities GROUP BY user_id, verb
        ON CONFLICT (user_id, verb) DO UPDATE SET entries = excluded.entries
        """
    )


def set_balances(connection: psycopg.Connection) -> None:
    """Every balance is its ledger's sum (``services._balances_from_ledger``)."""
    connection.execute(
        """
        INSERT INTO points_balances (user_id, lifetime, redeemed)
        SELECT user_id, sum(points), 0 FROM points_entries GROUP BY user_id
        ON CONFLICT (user_id) DO UPDATE SET lifetime = excluded.lifetime
        """
    )


# Each person's weeks with a meaningful action (Monday, programme time), and the length of the
# run of consecutive weeks each one ends.
WEEKS = """
    weeks AS (
        SELECT DISTINCT user_id, date_trunc('week', created_at AT TIME ZONE %(zone)s)::date AS week
        FROM activities WHERE verb = ANY(%(meaningful)s)
    ),
    islands AS (
        SELECT user_id, week, week - (7 * row_number() OVER (PARTITION BY user_id ORDER BY week))::int AS island
        FROM weeks
    ),
    runs AS (
        SELECT user_id, week, row_number() OVER (PARTITION BY user_id, island ORDER BY week) AS length
        FROM islands
    )"""


def rebuild_streaks(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """``streaks.rebuild`` for everyone who ever did something: the latest run, the longest, the last week."""
    connection.execute(
        f"""
        WITH {WEEKS}
        INSERT INTO streaks (user_id, length, best, last_week)
        SELECT DISTINCT ON (user_id) user_id, length, max(length) OVER (PARTITION BY user_id), week
        FROM runs ORDER BY user_id, week DESC
        ON CONFLICT (user_id) DO UPDATE
            SET length = excluded.length, best = excluded.best, last_week = excluded.last_week
        """,
        {**values, "meaningful": rules.meaningful},
    )


# A notification older than ten days was read within two days of it; newer ones wait.
READ_LATER = """CASE WHEN {at} < %(anchor)s - interval '10 days'
    THEN {at} + make_interval(secs => (user_id * 7919 + extract(epoch FROM {at})::bigint) %% 172800) END"""


def told_and_celebrated(badge: str) -> tuple[str, dict]:
    """The end of a statement whose ``awarded`` rows (user_id, earned_at) are new badges: each is
    told and goes on the wall of fame, as ``badges.award_badge`` does."""
    endpoint, link_values = badge_link(badge)
    statement = f"""
        told AS (
            INSERT INTO notifications (user_id, kind, params, link_endpoint, link_values, created_at, read_at)
            SELECT user_id, %(kind)s::text, %(params)s::json, %(endpoint)s, %(link)s::json, earned_at,
                {READ_LATER.format(at="earned_at")}
            FROM awarded
        )
        INSERT INTO fame_entries (kind, user_id, params, link_endpoint, link_values, key, created_at, hidden)
        SELECT 'badge', user_id, %(params)s::json, %(endpoint)s, %(link)s::json,
            'badge:' || user_id || ':' || %(badge)s::text || ':', earned_at, false
        FROM awarded
    """
    parameters = {
        "badge": badge,
        "kind": BADGE_EARNED,
        "params": company.as_json({"badge": badge}),
        "endpoint": endpoint,
        "link": company.as_json(link_values),
    }
    return statement, parameters


def give_count_badges(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """Each badge earned by a count of actions, dated by the action that reached it."""
    for badge, verbs, threshold in rules.count_badges:
        tail, parameters = told_and_celebrated(badge)
        statement = f"""
            WITH counted AS (
                SELECT user_id, created_at, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS nth
                FROM activities WHERE verb = ANY(%(verbs)s)
            ),
            awarded AS (
                INSERT INTO badge_awards (user_id, badge, period, earned_at)
                SELECT user_id, %(badge)s::text, '', created_at FROM counted
                WHERE nth = %(threshold)s
                    AND user_id NOT IN (SELECT user_id FROM badge_awards WHERE badge = %(badge)s::text)
                RETURNING user_id, earned_at
            ),
            {tail}
        """
        connection.execute(statement, {**values, **parameters, "verbs": verbs, "threshold": threshold})


def give_streak_badge(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """The streak badge, given by the first action of the week that made a run long enough."""
    badge = streak_badge()
    tail, parameters = told_and_celebrated(badge)
    statement = f"""
        WITH {WEEKS},
        reached AS (
            SELECT user_id, min(week) AS week FROM runs WHERE length = %(weeks)s
                AND user_id NOT IN (SELECT user_id FROM badge_awards WHERE badge = %(badge)s::text)
            GROUP BY user_id
        ),
        awarded AS (
            INSERT INTO badge_awards (user_id, badge, period, earned_at)
            SELECT r.user_id, %(badge)s::text, '', min(a.created_at) FROM reached r
            JOIN activities a ON a.user_id = r.user_id AND a.verb = ANY(%(meaningful)s)
                AND a.created_at >= r.week::timestamp AT TIME ZONE %(zone)s
                AND a.created_at < (r.week + 7)::timestamp AT TIME ZONE %(zone)s
            GROUP BY r.user_id
            RETURNING user_id, earned_at
        ),
        {tail}
    """
    connection.execute(
        statement, {**values, **parameters, "meaningful": rules.meaningful, "weeks": STREAK_BADGE_WEEKS}
    )


def count_for_challenges(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """``scoring.count`` for each new action of a participant inside a challenge's window, after
    joining and before leaving: 1 for a counted verb, the points earned for the points metric,
    0 "capped" beyond the daily cap; then the undo verbs, which take one back."""
    metrics, parameters = values_table(
        "metrics",
        {"key": "text", "verbs": "text[]", "undo_verbs": "text[]", "by_points": "bool"},
        [(key, *metric) for key, metric in rules.metrics.items()],
    )
    taking_part = """c.cancelled_at IS NULL AND (a.id >= %(first)s OR c.id >= %(first_challenge)s)
        AND a.created_at >= p.joined_at AND (p.left_at IS NULL OR a.created_at < p.left_at)
        AND a.created_at >= c.starts_at AND a.created_at < c.ends_at"""
    day = "(created_at AT TIME ZONE %(zone)s)::date"
    statement = f"""
        WITH {metrics},
        candidates AS (
            SELECT c.id AS challenge_id, c.daily_cap, a.id AS activity_id, a.user_id, a.object_type,
                a.object_id, a.created_at, a.department_id, a.site_id, 1 AS value
            FROM challenges c JOIN metrics m ON m.key = c.metric
            JOIN challenge_participations p ON p.challenge_id = c.id
            JOIN activities a ON a.user_id = p.user_id AND a.verb = ANY(m.verbs)
            WHERE NOT m.by_points AND {taking_part}
            UNION ALL
            SELECT c.id, c.daily_cap, a.id, a.user_id, a.object_type, a.object_id, a.created_at,
                a.department_id, a.site_id, sum(e.points)
            FROM challenges c JOIN metrics m ON m.key = c.metric
            JOIN challenge_participations p ON p.challenge_id = c.id
            JOIN points_entries e ON e.user_id = p.user_id
            JOIN activities a ON a.id = e.activity_id
            WHERE m.by_points AND {taking_part}
            GROUP BY c.id, a.id
            HAVING sum(e.points) <> 0
        ),
        ranked AS (
            SELECT candidates.*, value > 0 AND daily_cap IS NOT NULL AS limited, {day} AS day,
                row_number() OVER (
                    PARTITION BY challenge_id, user_id, {day}, value > 0 AND daily_cap IS NOT NULL
                    ORDER BY created_at, activity_id
                ) AS nth
            FROM candidates
        ),
        held AS (
            SELECT challenge_id, user_id, (counted_at AT TIME ZONE %(zone)s)::date AS day, count(*) AS counted
            FROM challenge_entries WHERE value > 0 GROUP BY 1, 2, 3
        ),
        decided AS (
            SELECT ranked.*, limited AND nth + coalesce(held.counted, 0) > daily_cap AS capped
            FROM ranked LEFT JOIN held USING (challenge_id, user_id, day)
        )
        INSERT INTO challenge_entries (challenge_id, user_id, activity_id, value, reason, object_type,
            object_id, counted_at, department_id, site_id)
        SELECT challenge_id, user_id, activity_id, CASE WHEN capped THEN 0 ELSE value END,
            CASE WHEN capped THEN 'capped' END, object_type, object_id, created_at, department_id, site_id
        FROM decided
    """
    connection.execute(statement, {**values, **parameters})
    undo = f"""
        WITH {metrics}
        INSERT INTO challenge_entries (challenge_id, user_id, activity_id, value, reason, object_type,
            object_id, counted_at, department_id, site_id)
        SELECT c.id, a.user_id, a.id, CASE WHEN coalesce(held.total, 0) > 0 THEN -1 ELSE 0 END, 'undo',
            a.object_type, a.object_id, a.created_at, a.department_id, a.site_id
        FROM challenges c JOIN metrics m ON m.key = c.metric
        JOIN challenge_participations p ON p.challenge_id = c.id
        JOIN activities a ON a.user_id = p.user_id AND a.verb = ANY(m.undo_verbs)
        LEFT JOIN LATERAL (
            SELECT sum(e.value) AS total FROM challenge_entries e
            WHERE e.challenge_id = c.id AND e.user_id = a.user_id AND e.object_type = a.object_type
                AND e.object_id = a.object_id AND (e.counted_at, e.activity_id) < (a.created_at, a.id)
        ) held ON true
        WHERE {taking_part}
    """
    connection.execute(undo, {**values, **parameters})


def remind_streaks_of_past_weeks(connection: psycopg.Connection, rules: Rules, values: dict) -> None:
    """``nudges.nudge_streaks`` as its daily run told people in each past week of the history:
    from Thursday morning, those whose run of two weeks or more ended the week before and who
    had not acted yet that week. (This week's reminders are the job's, run at the end.)"""
    this_week = company.week_of_local(values["anchor"], rules.zone)
    statement = f"""
        WITH {WEEKS},
        due AS (
            SELECT user_id, length, week + 7 AS week,
                ((week + 7 + %(weekday)s)::timestamp + make_interval(hours => %(hour)s)) AT TIME ZONE %(zone)s AS at
            FROM runs
            WHERE length >= %(min_weeks)s AND week + 7 < %(this_week)s AND week + 7 >= %(first_week)s
        )
        INSERT INTO notifications (user_id, kind, params, link_endpoint, link_values, created_at, read_at)
        SELECT d.user_id, %(kind)s::text, concat('{{"weeks": ', d.length, '}}')::json, 'content.feed', '{{}}'::json, d.at,
            {READ_LATER.format(at="d.at").replace("user_id", "d.user_id")}
        FROM due d JOIN users u ON u.id = d.user_id AND u.active
        WHERE NOT EXISTS (
            SELECT 1 FROM activities a WHERE a.user_id = d.user_id AND a.verb = ANY(%(meaningful)s)
                AND a.created_at >= d.week::timestamp AT TIME ZONE %(zone)s AND a.created_at < d.at
        )
    """
    connection.execute(
        statement,
        {
            **values,
            "meaningful": rules.meaningful,
            "weekday": FROM_WEEKDAY,
            "hour": NUDGE_HOUR,
            "min_weeks": MIN_WEEKS,
            "this_week": this_week,
            "first_week": this_week - timedelta(days=365),
            "kind": STREAK_AT_RISK,
        },
    )


# --- After the points: redemptions, the moderators' notice, featured kudos ---------------------------


def add_redemptions(connection: psycopg.Connection, plan: company.World) -> None:
    """Rewards redeemed by people who had the points; the stocks and balances follow."""
    spendable = dict(
        connection.execute("SELECT user_id, lifetime - redeemed FROM points_balances").fetchall()
    )
    rewards = [
        company.RewardRow(*row)
        for row in connection.execute(
            "SELECT id, kind, coalesce(title_fr, ''), coalesce(title_en, ''), cost, stock FROM rewards"
            " WHERE active ORDER BY id"
        )
    ]
    first = next_id(connection, "redemptions")
    later = company.plan_redemptions(plan, spendable, rewards)
    for table in ("redemptions", "notifications", "fame_entries"):
        copy(connection, table, company.COLUMNS[table], later.rows.get(table, []))
    copy_log(connection, later.log, {person.id: person for person in plan.people})
    connection.execute(
        """
        UPDATE rewards r SET stock = r.stock - taken.count
        FROM (SELECT reward_id, count(*) FROM redemptions WHERE id >= %(first)s AND status <> 'cancelled'
              GROUP BY reward_id) taken
        WHERE r.id = taken.reward_id AND r.stock IS NOT NULL
        """,
        {"first": first},
    )
    connection.execute(
        """
        UPDATE points_balances b SET redeemed = spent.total
        FROM (SELECT user_id, sum(cost) AS total FROM redemptions WHERE status <> 'cancelled'
              GROUP BY user_id) spent
        WHERE b.user_id = spent.user_id
        """
    )
    follow_sequences(connection)


def tell_waiting_moderators(connection: psycopg.Connection) -> None:
    """``services._tell_moderators`` after the last suggestion: one unread notice per moderator
    with the queue's count, dated by the latest arrival (none when the queue is empty)."""
    waiting, latest = connection.execute(
        "SELECT count(*), max(created_at) FROM content_items WHERE status = 'pending'"
    ).fetchone()
    values = {"kind": SUGGESTIONS_WAITING, "params": company.as_json({"count": waiting}), "latest": latest}
    if not waiting:
        connection.execute(
            "DELETE FROM notifications WHERE kind = %(kind)s::text AND read_at IS NULL", values
        )
        return
    connection.execute(
        """
        UPDATE notifications SET params = %(params)s, created_at = greatest(created_at, %(latest)s)
        WHERE kind = %(kind)s::text AND read_at IS NULL
        """,
        values,
    )
    connection.execute(
        """
        INSERT INTO notifications (user_id, kind, params, link_endpoint, link_values, created_at)
        SELECT id, %(kind)s::text, %(params)s::json, 'console.content.queue', '{}'::json, %(latest)s FROM users
        WHERE role IN ('comms', 'admin') AND active AND created_at <= %(latest)s AND id NOT IN (
            SELECT user_id FROM notifications WHERE kind = %(kind)s::text AND read_at IS NULL
        )
        """,
        values,
    )


def feature_some_kudos(connection: psycopg.Connection, anchor: datetime, first_fame: int) -> None:
    """Comms featured a few thanks at the top of the wall of fame a day later, and hid fewer,
    each in the audit trail (``fame.set_featured``, ``fame.set_hidden``)."""
    connection.execute(
        """
        WITH actor AS (
            SELECT id, department_id, site_id FROM users WHERE role = 'comms' AND email LIKE %(synthetic)s
            ORDER BY id LIMIT 1
        ),
        chosen AS (
            SELECT f.id, f.kind, f.params, f.created_at + interval '1 day' AS at, f.id %% 3 = 0 AS hide
            FROM fame_entries f
            WHERE f.id >= %(first)s AND f.kind = 'kudos' AND f.id %% 89 = 0
                AND f.created_at < %(anchor)s - interval '2 days'
        ),
        changed AS (
            UPDATE fame_entries f SET hidden = c.hide, featured_at = CASE WHEN c.hide THEN NULL ELSE c.at END
            FROM chosen c WHERE f.id = c.id
        )
        INSERT INTO activities (user_id, verb, object_type, object_id, created_at, department_id, site_id, payload)
        SELECT actor.id, CASE WHEN hide THEN %(hidden)s ELSE %(featured)s END, 'fame_entry', c.id, c.at,
            actor.department_id, actor.site_id, concat('{"kind": "', c.kind, '", "params": ', c.params::text, '}')::json
        FROM chosen c, actor
        """,
        {
            "synthetic": f"%@{company.DOMAIN}",
            "first": first_fame,
            "anchor": anchor,
            "featured": FAME_FEATURED,
            "hidden": FAME_HIDDEN,
        },
    )


# --- The app's jobs -----------------------------------------------------------------------------------


def run_the_jobs(plan: company.World, anchor: datetime) -> None:
    """What cron ran during the year, by the app's own code (inside an app context)."""
    for challenge in sorted(plan.challenges, key=lambda c: c.ends):
        if challenge.finished(int(anchor.timestamp())):
            close(challenge, company.moment(challenge.ends) + CLOSED_AFTER, anchor)
    celebrate_weekly_top_shares(anchor)
    closing.run(anchor)
    with unit_of_work():
        nudge_streaks(anchor)
    settle_old_badge_notices(anchor)
    analytics.refresh(anchor, all_weeks=True)  # the weekly roll-ups the analytics page reads


def close(challenge: company.ChallengePlan, closed_at: datetime, anchor: datetime) -> None:
    """The closing job an hour after the end; the result told then, and read the next day."""
    read = closed_at + timedelta(days=1)
    closed = closing.close_challenge(challenge.id, closed_at)
    if closed is not None and closed.caught_up:
        print(f"bench.build: closing challenge {challenge.id} counted {closed.caught_up} missed entries.")
    with unit_of_work():
        db.session.execute(
            sa.text(
                "UPDATE notifications SET created_at = :closed, read_at = :read WHERE kind IN (:won, :result)"
                " AND (link_values ->> 'challenge_id')::int = :challenge"
            ),
            {
                "closed": closed_at,
                "read": read if read < anchor else None,
                "won": WON,
                "result": RESULT,
                "challenge": challenge.id,
            },
        )


def celebrate_weekly_top_shares(anchor: datetime) -> None:
    """The most clicked shares of every week of the history: the job looks back a few weeks
    each time it runs, so it runs that many weeks apart, from the oldest."""
    history_weeks = company.HISTORY // company.WEEK
    for weeks_back in range(history_weeks // WEEKS_BACK * WEEKS_BACK, -1, -WEEKS_BACK):
        with unit_of_work():
            celebrate_top_shares(anchor - timedelta(weeks=weeks_back))


def settle_old_badge_notices(anchor: datetime) -> None:
    """Badges older than a week were seen (as the demo settles its own)."""
    with unit_of_work():
        db.session.execute(
            sa.text(
                "UPDATE notifications SET read_at = created_at + interval '1 day'"
                " WHERE kind = :kind AND read_at IS NULL AND created_at < :week_ago"
            ),
            {"kind": BADGE_EARNED, "week_ago": anchor - timedelta(weeks=1)},
        )


def finish(url: str) -> dict[str, int]:
    """Fresh statistics for PostgreSQL's planner (and its visibility map), then each table's rows."""
    with connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version' ORDER BY table_name"
            )
        ]
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


if __name__ == "__main__":
    sys.exit(main())
