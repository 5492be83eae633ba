"""Migrations build exactly the schema the models describe, from an empty database."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from base.database import db
from tests.conftest import base_config


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the same kind as the suite's, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    name = f"porte_voix_migrations_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(
        sa.make_url(database_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(
            database="postgres"
        ),
        isolation_level="AUTOCOMMIT",
    )
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(sa.make_url(database_url).set(database=name))
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def test_migrations_match_the_models(make_app, fresh_database_url):
    app = make_app(**{**base_config(fresh_database_url), "DATABASE_URL": fresh_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.session.remove()
        db.engine.dispose()
    assert differences == []
