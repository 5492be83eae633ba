"""The benchmark's harness, run small and without load so that it never rots (issue #14).

The large run (`make bench`) is measured by hand; here the same steps run on a company
of 200 people: a fresh database, the demo, the synthetic company, every page's queries
at both sizes, gunicorn serving every page, the feed's first load.
"""

import json

import pytest
import sqlalchemy as sa

from bench import run
from bench.pages import TARGETS
from tests.conftest import DATABASE_URL

pytestmark = pytest.mark.postgres_only


def test_the_small_benchmark_serves_every_page_with_as_many_queries_as_the_demo(tmp_path):
    database = sa.make_url(DATABASE_URL).set(database=sa.make_url(DATABASE_URL).database + "_bench")
    url = database.render_as_string(hide_password=False)
    try:
        status = run.main(
            ["--scale", "small", "--no-timing", "--database-url", url, "--results", str(tmp_path)]
        )
        miscounted = stored_counts_that_differ(url)
    finally:
        run.drop_database(url)
    results = json.loads((tmp_path / "small.json").read_text())
    assert status == 0, (tmp_path / "small.md").read_text()
    assert {page["kind"] for page in results["pages"]} == set(TARGETS)
    assert all(page["queries"] == page["queries_demo"] for page in results["pages"])
    assert results["sizes"]["users"] > 200
    assert results["feed_first_load"]["bytes"] < results["feed_first_load"]["limit"]
    assert "| feed, load more | employee |" in (tmp_path / "small.md").read_text()
    assert miscounted == (0, 0, 0)


def stored_counts_that_differ(url: str) -> tuple[int, int, int]:
    """Items whose kept share count, events whose kept seat counts, and people's kept counts of
    a verb in the log, that differ from their rows."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            items = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM content_items WHERE share_count <>"
                    " (SELECT count(*) FROM shares WHERE shares.item_id = content_items.id)"
                )
            )
            events = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM events WHERE (confirmed_count, waiting_count) <>"
                    " (SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'waitlisted')"
                    " FROM registrations WHERE registrations.event_id = events.id)"
                )
            )
            actions = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM (SELECT user_id, verb, count(*) AS entries FROM activities"
                    " GROUP BY user_id, verb) AS logged FULL JOIN action_counts kept USING (user_id, verb)"
                    " WHERE logged.entries IS DISTINCT FROM kept.entries"
                )
            )
    finally:
        engine.dispose()
    return items, events, actions
