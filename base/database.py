"""The SQLAlchemy handle and the column types every model shares."""

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from psycopg import _queries as psycopg_queries
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names, so that migrations can alter them on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# psycopg keeps each statement as converted for PostgreSQL (its placeholders found), but only
# statements up to 4,096 characters and 50 parameters; others were converted again on every
# execution. Our statements built once reach 20,000 characters and 74 parameters (home's facts
# read together, the feed's reader with its candidates, the challenges list, the console's
# audit trail): they are kept too (psycopg keeps 128, the least recently used dropped; issue #14).
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, 32_768)
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, 200)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """On SQLite: enforce foreign keys, let readers work during a write, wait for locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()


# A request's transaction that only read ends with a commit, not a rollback: the same to the
# database, but psycopg forgets its prepared statements on every rollback, so each page would
# have PostgreSQL plan every query again (a third of a page's time for joined loads; issue #14).
WROTE = "porte_voix_wrote"  # on a connection's info: its transaction did more than read
SESSION_CONNECTION = "porte_voix_connection"  # on the session's info: its current connection


@sa.event.listens_for(Session, "after_begin")
def _note_transaction(session, transaction, connection) -> None:
    connection.info[WROTE] = False
    session.info[SESSION_CONNECTION] = connection


@sa.event.listens_for(sa.Engine, "before_cursor_execute")
def _note_writes(connection, cursor, statement, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def end_reading_transaction(error: BaseException | None = None) -> None:
    """At the end of a request (before the session is closed): commit the transaction if it only
    read, nothing pending or flushed, so the connection keeps its prepared statements."""
    session = db.session()
    connection = session.info.pop(SESSION_CONNECTION, None)
    if error is not None or connection is None or connection.closed or not connection.in_transaction():
        return
    if connection.info.get(WROTE) or session.new or session.dirty or session.deleted:
        return
    session.expire_on_commit = False  # the session is closed next: what was read stays readable
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()


def column_rows(statement: sa.Executable, parameters: dict | None = None) -> sa.CursorResult:
    """The rows of a statement that selects columns, not mapped objects, read on the session's
    connection (in its transaction, changes pending in the session flushed first). The ORM's
    result machinery is for objects: on plain columns it only adds work to each row, and pages
    read hundreds of such rows (issue #14)."""
    return _flushed_connection().execute(statement, parameters or {})


def _flushed_connection() -> sa.Connection:
    """The session's connection (in its transaction), the changes pending in the session flushed."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


@dataclass(frozen=True)
class DriverStatement:
    """A statement compiled once for one database, as its driver runs it: the SQL, the values
    the statement holds itself (an IN's list, a literal) converted for the driver, and how each
    value given at run time is converted (``order``: for a driver that takes them by position)."""

    sql: str
    own_values: dict[str, Any]
    conversions: tuple[tuple[str, str, Callable[[Any], Any] | None], ...]  # name, name in the SQL, how
    order: tuple[str, ...] | None

    def values(self, given: dict) -> dict | tuple:
        values = dict(self.own_values)
        for name, sql_name, convert in self.conversions:
            if name not in given:
                raise sa.exc.ArgumentError(f"A value is required for the parameter {name!r}")
            values[sql_name] = given[name] if convert is None else convert(given[name])
        return values if self.order is None else tuple(values[name] for name in self.order)


@lru_cache(maxsize=32)
def driver_statement(statement: sa.Executable, dialect: sa.Dialect) -> DriverStatement | None:
    """The statement as its driver runs it (None if a value given at run time is a list, whose
    length changes the SQL). SQLAlchemy works out its cache key, finds its compiled form and
    renders its IN lists on every execution: for the large statements a page reads together,
    that took about as long as PostgreSQL took to run them (issue #14)."""
    compiled = statement.compile(dialect=dialect)
    sql_names = {
        bind: compiled.escaped_bind_names.get(name, name) for bind, name in compiled.bind_names.items()
    }
    given = {bind.key: sql_name for bind, sql_name in sql_names.items() if bind.required}
    if any(bind.expanding and bind.required for bind in sql_names):
        return None
    expanded = compiled.construct_expanded_state(dict.fromkeys(given))  # an IN's list, one value each
    processors = {
        sql_name: bind.type.dialect_impl(dialect).bind_processor(dialect)
        for bind, sql_name in sql_names.items()
    } | dict(expanded.processors)
    own_values = {
        name: value if processors.get(name) is None else processors[name](value)
        for name, value in expanded.parameters.items()
        if name not in given.values()
    }
    return DriverStatement(
        expanded.statement,
        own_values,
        tuple((name, sql_name, processors.get(sql_name)) for name, sql_name in given.items()),
        tuple(expanded.positiontup) if compiled.positional else None,
    )


def driver_rows(statement: sa.Executable, parameters: dict) -> sa.CursorResult:
    """``column_rows`` for a statement built once: run as compiled once for the database."""
    connection = _flushed_connection()
    compiled = driver_statement(statement, connection.dialect)
    if compiled is None:
        return connection.execute(statement, parameters)
    return connection.exec_driver_sql(compiled.sql, compiled.values(parameters))


@dataclass(frozen=True)
class Reading:
    """A statement of plain columns (``statement()`` builds it once) and what its rows mean
    (``meaning(rows, parameters)``, the rows in no particular order): read alone, or with
    others in one round trip (``read_together``)."""

    statement: Callable[[], sa.Select]
    meaning: Callable[[list, dict], Any]

    def read(self, parameters: dict) -> Any:
        return self.meaning(column_rows(self.statement(), parameters).all(), parameters)


def read_together(readings: Sequence[Reading], parameters: dict) -> list:
    """What each reading means, read in one statement instead of one each (a page that gathers
    several features' small reads pays one round trip; issue #14). ``parameters`` holds every
    statement's (a name means the same value in all of them)."""
    statements = tuple(reading.statement() for reading in readings)
    statement, places = _together(statements)
    result = driver_rows(statement, parameters)
    read_as = _read_as(statements, places, result)
    rows: list[list] = [[] for _ in readings]
    for row in result.all():
        own, processed = read_as[row[0]]
        values = own(row)
        for index, process in processed:
            values[index] = process(values[index])
        rows[row[0]].append(values)
    return [reading.meaning(own, parameters) for reading, own in zip(readings, rows, strict=True)]


_READ_AS: dict[tuple, tuple] = {}  # by set of statements and database: see ``_read_as``
READ_AS_KEPT = 256


def _read_as(statements: tuple, places: tuple, result: sa.CursorResult) -> tuple:
    """For each statement, how its values are taken from a row of the union (a list of its
    columns), and which are then read into Python values (an aware moment, an enum…) as
    SQLAlchemy would read them: the union's columns are left as the driver gives them, so that
    a row's empty columns cost nothing. Worked out once per set of statements and database,
    from the first result's column types."""
    dialect = result.context.dialect
    key = (statements, dialect.name)
    found = _READ_AS.get(key)
    if found is None:
        if len(_READ_AS) >= READ_AS_KEPT:  # statements of many shapes (a feed read far down)
            _READ_AS.clear()
        database_types = [column[1] for column in result.cursor.description]
        found = _READ_AS[key] = tuple(
            (
                _taker(own),
                tuple(
                    (index, process)
                    for index, (place, column) in enumerate(zip(own, statement.selected_columns, strict=True))
                    for process in [
                        column.type.dialect_impl(dialect).result_processor(dialect, database_types[place])
                    ]
                    if process is not None
                ),
            )
            for own, statement in zip(places, statements, strict=True)
        )
    return found


def _taker(places: tuple[int, ...]) -> Callable[[Sequence], list]:
    """A row's values at ``places``, as a list."""
    take = itemgetter(*places)
    return (lambda row: [take(row)]) if len(places) == 1 else (lambda row: list(take(row)))


@lru_cache(maxsize=16)
def _together(statements: tuple[sa.Select, ...]) -> tuple[sa.CompoundSelect, tuple[tuple[int, ...], ...]]:
    """The statements side by side in a union, built once per set: each row is one statement's,
    its number first; and where each statement's columns are in a row. A column of the union
    takes one type, so statements share the columns of the same type and leave the others
    empty (typed in SQL, read as they come: ``_read_as`` reads each statement's own)."""
    parts = [statement.subquery() for statement in statements]
    for part in parts:
        if len({column.name for column in part.c}) < len(part.c):  # e.g. two casts of NULL
            raise ValueError(f"Columns without a name of their own: label them ({list(part.c.keys())})")
    families: list[tuple] = []  # of the union's columns after the number: (key, type of its empty values)
    places = []
    for part in parts:
        taken: list[int] = []
        for column in part.c:
            key, empty = _family(column.type)
            free = (place for place, (kind, _) in enumerate(families) if place not in taken and kind == key)
            place = next(free, None)
            if place is None:
                families.append((key, empty))
                place = len(families) - 1
            taken.append(place)
        places.append(taken)
    selects = []
    for number, (part, taken) in enumerate(zip(parts, places, strict=True)):
        columns = dict(zip(taken, part.c, strict=True))
        selects.append(
            sa.select(
                sa.literal_column(str(number), sa.Integer),
                *(
                    sa.type_coerce(columns.get(place, sa.cast(sa.null(), empty)), sa.types.NullType())
                    for place, (_key, empty) in enumerate(families)
                ),
            ).select_from(part)
        )
    return sa.union_all(*selects), tuple(tuple(1 + place for place in taken) for taken in places)


def _family(kind: sa.types.TypeEngine) -> tuple[tuple, sa.types.TypeEngine]:
    """Which columns of the union a column's values can go in, and how its empty values are
    typed: text of any length (enums stored as text among it) goes in one, whole numbers of any
    size in another, moments with (or without) a time zone in a third; other types only with
    their like. The fewer columns, the less PostgreSQL does for each execution (issue #14)."""
    underlying = kind.impl if isinstance(kind, sa.TypeDecorator) else kind
    if isinstance(underlying, sa.Enum) and underlying.native_enum:
        return (repr(kind), underlying.enum_class), kind
    if isinstance(underlying, sa.String):
        return ("text",), sa.Text()
    if isinstance(underlying, sa.Integer):
        return ("whole number",), sa.Integer()
    if isinstance(underlying, sa.DateTime):
        return ("moment", underlying.timezone), sa.DateTime(timezone=underlying.timezone)
    return (repr(kind), getattr(kind, "enum_class", None)), kind


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One user action: commit what it changed, or roll all of it back if it raises.

    A block (``with unit_of_work():``) or a service (``@unit_of_work()``): a refused action
    leaves nothing changed, whatever it had begun.
    """
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def insert_or_else(model) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the model's table that can say what to do when the row exists already
    (``on_conflict_do_nothing``, ``on_conflict_do_update``), in the session's database's words."""
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def begin_locked_transaction(action: str) -> None:
    """End the reads so far and start a transaction whose locks hold until commit or rollback:
    the database's write lock on SQLite (``BEGIN IMMEDIATE``); on PostgreSQL, the row or table
    locks the caller takes next (``locked_row``).

    The locks must come before any read the action depends on. Changes pending in the session
    would be lost, or saved outside the locks: calling this with any is a programming error.
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError(f"{action} needs a session without pending changes: commit or roll back first")
    db.session.rollback()  # only reads to end
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("BEGIN IMMEDIATE"))


def locked_row(model, row_id: int, referable: bool = False):
    """A row read afresh and locked until the transaction ends (a row lock on PostgreSQL, on the
    model's own table only: relationships it joins eagerly are read, not locked).

    ``referable``: other transactions may still add rows that refer to it (PostgreSQL's
    ``FOR NO KEY UPDATE``: their foreign key checks do not wait), for a row locked only to take
    turns, such as a person's: two people acting on each other at once would otherwise each
    wait for the other's row."""
    return db.session.scalar(
        sa.select(model)
        .where(model.id == row_id)
        .with_for_update(of=model, key_share=referable)
        .execution_options(populate_existing=True)
    )


def str_enum(kind) -> sa.Enum:
    """A Python enum stored as its values in a short text column (not a database enum type, so
    adding a member needs no migration of the type)."""
    return sa.Enum(
        kind, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members]
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware datetime.

    SQLite keeps no time zone, so values come back naive; this type makes both
    databases return the same aware UTC values and refuses naive input.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        if value.tzinfo is UTC:  # PostgreSQL sessions are in UTC (``config.engine_options``)
            return value
        return value.astimezone(UTC)
