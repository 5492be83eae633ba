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
    finally:
        run.drop_database(url)
    results = json.loads((tmp_path / "small.json").read_text())
    assert status == 0, (tmp_path / "small.md").read_text()
    assert {page["kind"] for page in results["pages"]} == set(TARGETS)
    assert all(page["queries"] == page["queries_demo"] for page in results["pages"])
    assert results["sizes"]["users"] > 200
    assert results["feed_first_load"]["bytes"] < results["feed_first_load"]["limit"]
    assert "| feed, load more | employee |" in (tmp_path / "small.md").read_text()
