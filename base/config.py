"""Configuration: defaults here, then ``instance/config.py``, then the environment."""

import os
import secrets
from pathlib import Path

import orjson

# Environment variables read as plain strings, booleans, integers or comma lists.
STRING_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "TRUSTED_USER_HEADER",
    "SMTP_HOST",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "MAIL_FROM",
    "DEFAULT_TIMEZONE",
    "DEFAULT_LANGUAGE",
    "LOGIN_RATE_LIMIT",
    "SITE_URL",
    "PUBLIC_URL",
)
BOOLEAN_SETTINGS = (
    "DEMO_MODE",
    "SMTP_USE_TLS",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "PREVIEW_FETCH_ENABLED",
    "DATABASE_PREPARED_STATEMENTS",
)
INTEGER_SETTINGS = (
    "SMTP_PORT",
    "TRUSTED_PROXIES",
    "FEED_HALF_LIFE_DAYS",
    "MENTORING_REPLY_DAYS",
    "LOGIN_ACCOUNT_FREE_ATTEMPTS",
    "LOGIN_ACCOUNT_LONGEST_WAIT",
)
LIST_SETTINGS = ("ALLOWED_SIGNUP_DOMAINS",)

TRUE_WORDS = {"1", "true", "yes", "on"}


class Defaults:
    DATABASE_URL = ""  # empty: SQLite file in instance/
    # PostgreSQL plans a query a connection ran five times once, not at each page; off behind a
    # pooler that shares a server connection between transactions (PgBouncer's transaction mode).
    DATABASE_PREPARED_STATEMENTS = True
    REDIS_URL = ""  # empty: rate limits kept in each process's memory
    DEMO_MODE = False
    ALLOWED_SIGNUP_DOMAINS: list[str] = []
    TRUSTED_USER_HEADER = ""  # e.g. "X-Remote-User"; empty: single sign-on off
    TRUSTED_PROXIES = 0  # reverse proxies in front of the app (X-Forwarded-* trusted)
    SMTP_HOST = ""  # empty: no e-mail is ever sent
    SMTP_PORT = 587
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_USE_TLS = True
    MAIL_FROM = "porte-voix@localhost"
    SITE_URL = "http://127.0.0.1:5000"  # used for links in e-mails
    PUBLIC_URL = ""  # where tracked links (/r/...) are reachable from outside; empty: SITE_URL
    FEED_HALF_LIFE_DAYS = 7  # an item's freshness halves every this many days
    MENTORING_REPLY_DAYS = 7  # a mentoring request or proposal not answered by then expires
    # Saving a content item fetches its link's page for a preview (title, image): outbound HTTP.
    PREVIEW_FETCH_ENABLED = True
    DEFAULT_LANGUAGE = "fr"
    LANGUAGES = ("fr", "en")
    DEFAULT_TIMEZONE = "Europe/Paris"
    LOGIN_RATE_LIMIT = "10 per minute"  # sign-in attempts per client address
    # Per account: failed sign-ins allowed in a row, then each attempt waits 1, 2, 4… seconds, up to:
    LOGIN_ACCOUNT_FREE_ATTEMPTS = 5
    LOGIN_ACCOUNT_LONGEST_WAIT = 15 * 60
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # JSON columns read by orjson: the standard module costs a dozen Python calls per value, a
    # share of a long list's time (people's languages, mentoring topics…).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "json_deserializer": orjson.loads}
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_HEADERS_ENABLED = True


def environment_settings(environ=os.environ) -> dict:
    """The settings given as environment variables, converted to their types."""
    found = {}
    for name in STRING_SETTINGS:
        if name in environ:
            found[name] = environ[name]
    for name in BOOLEAN_SETTINGS:
        if name in environ:
            found[name] = environ[name].strip().lower() in TRUE_WORDS
    for name in INTEGER_SETTINGS:
        if name in environ:
            found[name] = int(environ[name])
    for name in LIST_SETTINGS:
        if name in environ:
            found[name] = split_list(environ[name])
    return found


def split_list(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def sqlalchemy_url(database_url: str, instance_path: str) -> str:
    """The SQLAlchemy URL for DATABASE_URL, with psycopg 3 as the PostgreSQL driver."""
    if not database_url:
        return f"sqlite:///{Path(instance_path) / 'porte-voix.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in instance/, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def engine_options(config) -> dict:
    """SQLAlchemy's engine options; PostgreSQL sessions in UTC, so timestamps come back in UTC
    (not in the server's zone, to be converted value by value: a share of a long list's time)."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args["options"] = f"{connect_args.get('options', '')} -c TimeZone=UTC".strip()
        if not config.get("DATABASE_PREPARED_STATEMENTS", True):
            connect_args["prepare_threshold"] = None  # psycopg never prepares
        options["connect_args"] = connect_args
    return options


def derived_settings(config) -> dict:
    """Settings computed from the others once they are all known."""
    return {
        "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(config["DATABASE_URL"], config["INSTANCE_PATH"]),
        "RATELIMIT_STORAGE_URI": config["REDIS_URL"] or "memory://",
        "REMEMBER_COOKIE_SECURE": config["SESSION_COOKIE_SECURE"],
    }
