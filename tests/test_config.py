"""Configuration sources and their order: defaults, instance/config.py, environment, test overrides."""

from base.config import engine_options, environment_settings, instance_secret_key, sqlalchemy_url


def test_environment_values_are_typed():
    settings = environment_settings(
        {
            "DEMO_MODE": "yes",
            "SMTP_PORT": "2525",
            "ALLOWED_SIGNUP_DOMAINS": " Lumen.example, ,corp.example ",
            "TRUSTED_USER_HEADER": "X-Remote-User",
            "UNRELATED": "x",
        }
    )
    assert settings == {
        "DEMO_MODE": True,
        "SMTP_PORT": 2525,
        "ALLOWED_SIGNUP_DOMAINS": ["lumen.example", "corp.example"],
        "TRUSTED_USER_HEADER": "X-Remote-User",
    }


def test_database_url_defaults_to_sqlite_in_instance_and_uses_psycopg_3():
    assert sqlalchemy_url("", "/srv/instance") == "sqlite:////srv/instance/porte-voix.sqlite3"
    assert sqlalchemy_url("postgres://u@h/db", "/x") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgresql://u@h/db", "/x") == "postgresql+psycopg://u@h/db"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults_and_tests_override_environment(make_app, monkeypatch):
    monkeypatch.setenv("DEFAULT_TIMEZONE", "America/Toronto")
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "5 per minute")
    app = make_app(LOGIN_RATE_LIMIT="7 per minute")
    assert app.config["LOGIN_RATE_LIMIT"] == "7 per minute"
    app2 = make_app()
    assert app2.config["LOGIN_RATE_LIMIT"] == "5 per minute"
    assert app2.config["DEFAULT_TIMEZONE"] == "Europe/Paris"  # the test config wins


def test_redis_url_moves_rate_limits_to_redis(make_app):
    assert make_app().config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert (
        make_app(REDIS_URL="redis://127.0.0.1:6379/3").config["RATELIMIT_STORAGE_URI"]
        == "redis://127.0.0.1:6379/3"
    )


def test_remember_cookie_is_secure_when_the_session_cookie_is(make_app):
    assert make_app(SESSION_COOKIE_SECURE=True).config["REMEMBER_COOKIE_SECURE"] is True


def test_postgresql_sessions_are_in_utc_keeping_the_deployers_own_options():
    postgresql = "postgresql+psycopg://db/porte"
    mine = {"connect_args": {"options": "-c statement_timeout=5000", "sslmode": "require"}}
    options = engine_options({"SQLALCHEMY_DATABASE_URI": postgresql, "SQLALCHEMY_ENGINE_OPTIONS": mine})
    assert options["connect_args"] == {
        "options": "-c statement_timeout=5000 -c TimeZone=UTC",
        "sslmode": "require",
    }
    assert mine["connect_args"]["options"] == "-c statement_timeout=5000"  # the setting itself is left alone
    sqlite = {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    assert engine_options(sqlite) == {"pool_pre_ping": True}


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(monkeypatch):
    postgresql = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/porte", "SQLALCHEMY_ENGINE_OPTIONS": {}}
    assert "prepare_threshold" not in engine_options(postgresql)["connect_args"]  # psycopg's default: on
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    settings = environment_settings()
    assert settings["DATABASE_PREPARED_STATEMENTS"] is False
    assert engine_options({**postgresql, **settings})["connect_args"]["prepare_threshold"] is None
