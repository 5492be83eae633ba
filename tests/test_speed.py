"""What keeps pages light: static files fingerprinted, cached and compressed; a page reading
the person's figures once; shared counts cached until they change (issue #14)."""

import re
from collections import ChainMap
from contextlib import contextmanager
from datetime import date, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import url_for
from markupsafe import escape
from wtforms import DateField, Form, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from base.database import UTCDateTime, db, end_reading_transaction, utcnow
from base.drawn import form_key, frozen
from base.registry import registry
from blueprints.accounts.models import Role, User
from blueprints.activity.services import object_names
from blueprints.content.models import ContentItem, LinkPreview, Status
from blueprints.contributions.models import Contribution
from blueprints.core.services import header_figures
from blueprints.notifications.models import Notification
from blueprints.notifications.services import unread_count
from blueprints.recognition.badges import award_badge
from blueprints.recognition.models import PointsBalance
from blueprints.recognition.services import Balance
from tests.conftest import text

BROWSER = {"Accept-Encoding": "zstd, br, gzip"}


def asset_urls(page: str) -> list[str]:
    return re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', page)


def test_static_files_have_fingerprinted_addresses_cached_a_year_and_compressed(client):
    assets = asset_urls(text(client.get("/login")))
    assert len(assets) == 3 and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in assets)
    for url in assets:
        plain, compressed = client.get(url), client.get(url, headers=BROWSER)
        assert plain.headers["Cache-Control"] == "public, max-age=31536000"
        assert compressed.headers["Content-Encoding"] in {"zstd", "br"}
        assert len(compressed.get_data()) < len(plain.get_data()) / 2


def test_pages_are_compressed_for_browsers_that_ask(client, signed_in):
    signed_in()
    assert "Content-Encoding" not in client.get("/feed").headers
    response = client.get("/feed", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_page_reads_the_unread_count_once_and_a_write_forgets_it(app, make_user, count_queries):
    person = make_user()
    with app.test_request_context(), count_queries() as counter:
        owner = db.session.get(User, person.id)
        counted = counter.count
        assert unread_count(owner) == unread_count(owner) == 0
        assert counter.count == counted + 1
        db.session.add(Notification(user_id=person.id, kind="welcome", params={}))
        db.session.flush()
        assert unread_count(owner) == 1
        db.session.rollback()
        assert unread_count(owner) == 0


def test_the_header_reads_unread_notifications_and_points_in_one_query(app, make_user, count_queries):
    person = make_user()
    with app.app_context():
        db.session.add(Notification(user_id=person.id, kind="welcome", params={}))
        db.session.add(PointsBalance(user_id=person.id, lifetime=30, redeemed=45))
        db.session.commit()
    with app.test_request_context(), count_queries() as counter:
        counted = counter.count
        figures = header_figures(person.id)
        assert header_figures(person.id) is figures and counter.count == counted + 1
        assert (figures.unread, figures.balance) == (1, Balance(30, 0))  # spendable never below 0
    nobody = make_user()
    with app.test_request_context():
        assert (header_figures(nobody.id).unread, header_figures(nobody.id).balance) == (0, Balance(0, 0))


def test_a_page_reads_its_header_figures_with_the_person_a_fragment_or_the_health_check_does_not(
    client, signed_in, count_queries
):
    signed_in()
    client.get("/badges")
    with count_queries() as page:
        assert client.get("/badges").status_code == 200
    with count_queries() as check:
        client.get("/healthz")
    with count_queries() as fragment:
        client.get("/notifications/count", headers={"HX-Request": "true"})
    assert page.count == 2 and "FROM users" in page.statements[0] and "notifications" in page.statements[0]
    assert "notifications" not in check.statements[0] and "notifications" not in fragment.statements[0]


def test_the_persons_points_on_their_profile_are_those_read_with_them(client, app, signed_in, count_queries):
    person = signed_in(language="en")
    with app.app_context():
        db.session.add(PointsBalance(user_id=person.id, lifetime=1234, redeemed=234))
        db.session.commit()
    client.get("/me")
    with count_queries() as page:
        profile = text(client.get("/me"))
    assert (
        "<dt>Points earned</dt><dd>1,234</dd>" in profile and "<dt>Points to spend</dt><dd>1,000 " in profile
    )
    assert [n for n, statement in enumerate(page.statements) if "FROM points_balances" in statement] == [0]


def test_an_item_page_reads_the_item_its_share_texts_and_its_preview_in_one_query(
    client, app, signed_in, make_item, count_queries
):
    signed_in(language="en")
    item_id = make_item(title="Lumen lights up Nantes", share_texts={"linkedin": ["Proud of our lights"]})
    with app.app_context():
        url = db.session.get(ContentItem, item_id).url
        db.session.add(LinkPreview(item_id=item_id, url=url, site_name="Lighting Today"))
        db.session.commit()
    client.get(f"/content/{item_id}")
    with count_queries() as page:
        shown = text(client.get(f"/content/{item_id}"))
    assert "Proud of our lights" in shown and "Lighting Today" in shown
    assert [statement for statement in page.statements if "share_texts" in statement] == [
        statement for statement in page.statements if "link_previews" in statement
    ]
    assert len([statement for statement in page.statements if "share_texts" in statement]) == 1


def test_templates_build_each_address_once_and_the_same_as_flask(app):
    template = app.jinja_env.from_string(
        "{{ url_for('content.item', item_id=3) }} {{ url_for('.index', page=True) }} "
        "{{ url_for('.index', page=1) }} {{ url_for('core.home', _anchor='top') }} "
        "{{ url_for('static', filename='css/app.css') }} "
        "{{ url_for('.index', view='b', page=2) }} {{ url_for('.index', page=2, view='b') }}"
    )
    for path, blueprint_index in [("/admin/rewards", "console.rewards.index"), ("/events", "events.index")]:
        with app.test_request_context(path):
            expected = " ".join(
                [
                    url_for("content.item", item_id=3),
                    url_for(blueprint_index, page=True),
                    url_for(blueprint_index, page=1),
                    url_for("core.home", _anchor="top"),
                    url_for("static", filename="css/app.css"),
                    url_for(blueprint_index, view="b", page=2),  # the query keeps the order given
                    url_for(blueprint_index, page=2, view="b"),
                ]
            )
            assert template.render() == template.render() == str(escape(expected))
    mounted = app.jinja_env.from_string("{{ url_for('content.item', item_id=3) }}")
    with app.test_request_context("/", base_url="http://localhost/porte-voix/"):
        assert mounted.render() == "/porte-voix/content/3"


def test_template_globals_list_the_same_names_and_follow_the_environment(app):
    template = app.jinja_env.from_string("{{ late_global() }}")
    assert set(template.globals.keys()) == set(ChainMap(*template.globals.maps).keys())
    app.jinja_env.globals["late_global"] = lambda: "added after loading"
    assert "late_global" in set(template.globals.keys()) and template.render() == "added after loading"


def test_outside_a_request_nothing_is_remembered(app, make_user, count_queries):
    person = make_user()
    with app.app_context(), count_queries() as counter:
        owner = db.session.get(User, person.id)
        counted = counter.count
        unread_count(owner), unread_count(owner)
        assert counter.count == counted + 2


def test_badge_holders_are_counted_again_once_a_badge_is_given(client, app, signed_in, make_user):
    signed_in(language="en")
    first = re.compile(r'<a href="/badges/first_share">.*?</a></h2>(.*?)</li>', re.S)
    assert "0 people hold it" in first.search(text(client.get("/badges"))).group(1)
    with app.app_context():
        person = db.session.get(User, make_user().id)
        award_badge(person, registry().badges["first_share"], utcnow())
        db.session.commit()
    assert "1 person holds it" in first.search(text(client.get("/badges"))).group(1)


def test_the_time_zone_list_marks_the_persons_zone_only(client, signed_in):
    signed_in(timezone="America/Toronto")
    page = text(client.get("/me"))
    zones = re.search(r'<select[^>]*name="profile-timezone".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option selected value=\"([^\"]+)\"", zones) == ["America/Toronto"]
    assert zones.count("<option") > 300


def test_the_console_menu_reads_its_waiting_counts_in_one_query(
    app, client, signed_in, make_user, make_item, count_queries
):
    author = make_user()
    for title in ["First idea", "Second idea"]:
        make_item(title=title, status=Status.PENDING, suggestion_reason="Worth it", author_id=author.id)
    with app.app_context():
        db.session.add(
            Contribution(
                user_id=author.id, kind="talk", happened_on=utcnow().date(), title="A talk", description=""
            )
        )
        db.session.commit()
    signed_in(Role.COMMS, language="en")
    client.get("/admin/points")
    with count_queries() as counter:
        page = client.get("/admin/points")
    menu = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(page)))
    assert "Moderation 2 waiting" in menu and "Contributions 1 waiting" in menu
    assert "Rewards" in menu and "Rewards 0" not in menu  # nothing waiting: no count
    counting = [statement for statement in counter.statements if "count(" in statement]
    assert len(counting) == 1 + 1  # the header's figures, then the menu's three counts
    assert counting[-1].count("count(") == 3


def test_a_records_parameters_are_frozen_into_a_key_that_tells_every_value_apart():
    params = {"title": "Mug", "clicks": 3, "tags": ["a", "b"], "by": {"fr": "x"}}
    key = frozen(params)
    hash(key)  # a key must be hashable
    assert frozen({"clicks": 3, "title": "Mug", "by": {"fr": "x"}, "tags": ["a", "b"]}) == key  # any order
    for changed in [{"tags": ["b", "a"]}, {"clicks": 4}, {"by": {"fr": "y"}}, {"title": "Cup"}]:
        assert frozen({**params, **changed}) != key


def test_a_blank_forms_key_follows_its_values_and_its_choices_labels(app):
    class Sample(Form):
        name = StringField()
        day = DateField()
        kind = SelectField(choices=[SelectChoice("a", "First"), SelectChoice("b", "Second")])
        tags = SelectMultipleField(choices=[SelectChoice("x", "Ex"), SelectChoice("y", "Why")])

    key = form_key(Sample(data={"name": "Ada", "day": date(2026, 1, 2), "kind": "a", "tags": ["x"]}))
    hash(key)
    for changed in [{"name": "Bob"}, {"day": date(2026, 1, 3)}, {"kind": "b"}, {"tags": ["x", "y"]}]:
        assert (
            form_key(
                Sample(data={"name": "Ada", "day": date(2026, 1, 2), "kind": "a", "tags": ["x"], **changed})
            )
            != key
        )
    relabelled = Sample(data={"name": "Ada", "day": date(2026, 1, 2), "kind": "a", "tags": ["x"]})
    relabelled.kind.choices = [SelectChoice("a", "Premier"), SelectChoice("b", "Second")]
    assert form_key(relabelled) != key
    # A list shared by every form of a language (a tuple: time zones, departments) is keyed the same way.
    shared = Sample(data={"name": "Ada", "day": date(2026, 1, 2), "kind": "a", "tags": ["x"]})
    shared.kind.choices = (("a", "First"), ("b", "Second"))
    assert form_key(shared) == key
    shared.kind.choices = (("a", "Premier"), ("b", "Second"))
    assert form_key(shared) == form_key(relabelled) != key


@contextmanager
def transaction_ends(app):
    """How the app's transactions end, in order: "commit" or "rollback"."""
    ends = []
    with app.app_context():
        engine = db.engine
    listeners = {end: (lambda connection, end=end: ends.append(end)) for end in ("commit", "rollback")}
    for end, listener in listeners.items():
        sa.event.listen(engine, end, listener)
    try:
        yield ends
    finally:
        for end, listener in listeners.items():
            sa.event.remove(engine, end, listener)


def test_a_page_that_only_read_ends_its_transaction_with_a_commit(client, app, signed_in):
    signed_in()
    client.get("/badges")
    with transaction_ends(app) as ends:
        assert client.get("/badges").status_code == 200
    assert ends == ["commit"]


def test_a_transaction_that_wrote_or_holds_changes_is_not_committed_at_the_end(app, make_user):
    person = make_user()
    with app.app_context():
        db.session.get(User, person.id).display_name = "Pending"  # changed, not flushed
        end_reading_transaction()
        db.session.rollback()
        db.session.execute(sa.update(User).where(User.id == person.id).values(display_name="Written"))
        end_reading_transaction()
        db.session.rollback()
        assert db.session.get(User, person.id).display_name == "Person 1"
        end_reading_transaction(RuntimeError("the request failed"))  # nothing to end: no error either


@pytest.mark.postgres_only
def test_the_connection_keeps_its_prepared_statements_from_page_to_page(client, app, signed_in):
    """psycopg prepares a statement run five times on a connection, and forgets them all on a
    rollback: pages that only read keep them, so PostgreSQL does not plan their queries again."""
    signed_in()
    for _ in range(12):
        client.get("/badges")
    with app.app_context():
        prepared = db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared >= 2  # the person with their figures, the badges


@pytest.mark.postgres_only
def test_psycopg_converts_each_of_our_long_statements_once(client, signed_in, monkeypatch, make_item):
    """psycopg keeps a statement as converted for PostgreSQL only up to a length and a number of
    parameters: home's facts read together (20,000 characters, 74 parameters) and the feed's
    statements must be kept, not converted again on every view."""
    from psycopg import _queries

    signed_in()
    make_item()
    converted_again = []
    convert = _queries._query2pg_nocache  # what psycopg calls for a statement it does not keep
    monkeypatch.setattr(
        _queries, "_query2pg_nocache", lambda *args: converted_again.append(1) or convert(*args)
    )
    for path in ["/", "/feed", "/", "/feed"]:
        assert client.get(path).status_code == 200
    assert converted_again == []


def test_the_logs_objects_are_named_in_one_query_whatever_their_types(
    app, make_user, make_item, count_queries
):
    person = make_user(display_name="Nina Perrin")
    item = make_item(title="A story")
    wanted = [("user", person.id), ("content", item), ("content", 999_999), ("nothing", 1), (None, None)]
    with app.app_context(), count_queries() as counter:
        names = object_names(wanted)
        linked = object_names(wanted, linked_only=True)  # people have no page of their own
    assert names == {("user", person.id): "Nina Perrin", ("content", item): "A story"}
    assert linked == {("content", item): "A story"}
    assert counter.count == 2
    with app.app_context():
        assert object_names([("nothing", 1)]) == {}


def test_readings_read_together_mean_what_each_means_alone_in_one_query(
    app, make_user, make_item, count_queries
):
    from base.database import Reading, read_together

    person = make_user(display_name="Nina Perrin")
    item = make_item(title="A story", target_personae=["expert"])
    people = Reading(
        lambda: PEOPLE,
        lambda rows, parameters: sorted((row[0], row[1], parameters["person"]) for row in rows),
    )
    items = Reading(lambda: ITEMS, lambda rows, _parameters: sorted(tuple(row) for row in rows))
    parameters = {"person": person.id, "item": item}
    with app.app_context():
        alone = [people.read(parameters), items.read(parameters)]
        with count_queries() as counter:
            together = read_together([people, items, people], parameters)
    assert counter.count == 1
    assert together == [alone[0], alone[1], alone[0]]
    assert alone[0] == [(person.id, "Nina Perrin", person.id)]
    [(title, published, personae, pinned)] = alone[1]
    assert (title, published.tzinfo is not None, personae, pinned) == ("A story", True, ["expert"], False)


PEOPLE = sa.select(User.id, User.display_name).where(User.id == sa.bindparam("person", type_=sa.Integer))
ITEMS = sa.select(
    ContentItem.title, ContentItem.publish_at, ContentItem.target_personae, ContentItem.pinned
).where(ContentItem.id == sa.bindparam("item", type_=sa.Integer))


def test_statements_read_together_keep_their_own_values_and_convert_the_given_ones(
    app, make_user, make_item, count_queries
):
    """Read together, statements run as compiled once for the database: their own values (an
    IN list of enums, a literal) and the values given at each run (a moment, a person) are
    converted as SQLAlchemy converts them; a list given at run time is read too."""
    from base.database import Reading, driver_statement, read_together

    person = make_user(display_name="Nina Perrin")
    published = make_item(title="Published", summary="A long summary")
    make_item(title="Draft", status=Status.DRAFT)
    live = Reading(lambda: LIVE, lambda rows, _parameters: sorted(tuple(row) for row in rows))
    named = Reading(lambda: NAMED, lambda rows, _parameters: sorted(tuple(row) for row in rows))
    honolulu = timezone(timedelta(hours=-10))  # a moment given in another zone is compared in UTC
    parameters = {"as_of": utcnow().astimezone(honolulu), "person": person.id, "ids": [person.id]}
    with app.app_context():
        alone = [live.read(parameters), named.read(parameters)]
        with count_queries() as counter:
            together = read_together([live, live], parameters)
        assert driver_statement(NAMED, db.engine.dialect) is None  # its SQL changes with the list
        with_a_list = read_together([live, named], parameters)  # read as SQLAlchemy reads it
        with pytest.raises(sa.exc.ArgumentError, match="as_of"):
            read_together([live], {"person": person.id})
    assert counter.count == 1
    assert together == [alone[0], alone[0]]
    assert with_a_list == alone
    assert alone == [[(published, Status.PUBLISHED, "A long summary", "item")], [(person.id, "Nina Perrin")]]


LIVE = sa.select(
    ContentItem.id, ContentItem.status, ContentItem.summary, sa.literal("item", sa.String).label("kind_of")
).where(
    ContentItem.status.in_([Status.PUBLISHED, Status.ARCHIVED]),
    ContentItem.publish_at <= sa.bindparam("as_of", type_=UTCDateTime),
)
NAMED = sa.select(User.id, User.display_name).where(User.id.in_(sa.bindparam("ids", expanding=True)))


def test_columns_of_one_kind_share_a_column_of_the_union_whatever_their_length():
    """Text of any length and enums stored as text share the union's columns, as whole numbers
    of any size do: the union is as wide as its widest statement's kinds, not their sum."""
    from base.database import _together

    texts = sa.select(ContentItem.title, ContentItem.summary, ContentItem.status, ContentItem.share_count)
    others = sa.select(User.display_name, User.email, sa.cast(User.id, sa.BigInteger).label("big"))
    union, places = _together((texts, others))
    assert len(union.selected_columns) == 1 + 4  # the statement's number, three texts, a number
    assert places == ((1, 2, 3, 4), (1, 2, 4))


def test_a_statement_whose_columns_share_a_name_is_refused_rather_than_read_wrong(app):
    from base.database import Reading, read_together

    unnamed = sa.select(sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.Float))
    with app.app_context(), pytest.raises(ValueError, match="label them"):
        read_together([Reading(lambda: unnamed, lambda rows, _p: rows)], {})
