"""The comms analytics page (/admin/analytics), its CSV exports and the weekly e-mail summary
(issue "/admin/analytics", SPEC §4.8).

The history is placed in the whole weeks before the current one, so the page (which reads the
figures as of now) sees it in its 4-week period; one share ten weeks back is only in the 12-
and 52-week periods. Each CSV is compared with the table the page shows, cell by cell: a number
read back from its text in the page's language, a date from its ``<time datetime>``.
"""

import csv
import io
import re
import smtplib
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import parse_decimal

from base.cache import cache
from base.database import db, utcnow
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.models import Activity
from blueprints.activity.services import record
from blueprints.analytics import rollups
from blueprints.analytics.models import SummarySent
from blueprints.analytics.presenters import TABLES
from blueprints.analytics.rollups import SUBJECT
from blueprints.challenges.models import Participation
from blueprints.content import verbs as content_verbs
from blueprints.content.models import ContentItem, Share
from blueprints.events.models import Event, Registration, RegistrationStatus
from blueprints.mentoring.models import MentoringPair, PairStatus
from blueprints.quiz.models import PersonaScore, QuizResult
from blueprints.recognition.models import PointsEntry
from blueprints.rewards.models import Redemption, Reward, RewardKind
from tests.conftest import Auth, plain, post, text

PAGE = "/admin/analytics"
SVG_NS = "{http://www.w3.org/2000/svg}"
PARIS = ZoneInfo("Europe/Paris")


def week_monday(weeks_back: int) -> date:
    """The Monday (in Paris, the suite's programme time zone) ``weeks_back`` weeks before this week's."""
    today = utcnow().astimezone(PARIS).date()
    return today - timedelta(days=today.weekday(), weeks=weeks_back)


def monday(weeks_back: int) -> datetime:
    """That Monday at 00:00 in Paris."""
    return datetime.combine(week_monday(weeks_back), time(), PARIS)


def at(weeks_back: int, hours: int = 0):
    """Wednesday mid-morning of that week, plus ``hours``."""
    return monday(weeks_back) + timedelta(days=2, hours=10 + hours)


# --- A small history --------------------------------------------------------------------------


def share(user_id: int, item_id: int, network: str, when, clicks: int = 0) -> int:
    """A share as the content service records it, then ``clicks`` visits of its link."""
    user = db.session.get(User, user_id)
    row = Share(user_id=user_id, item_id=item_id, network=network, token=f"t{user_id}-{item_id}-{network}")
    row.created_at = when
    db.session.add(row)
    db.session.flush()
    record(
        user, content_verbs.CONTENT_SHARED, "content", item_id, {"network": network, "share": row.id}, at=when
    )
    for n in range(clicks):
        record(
            user,
            content_verbs.CLICK_RECEIVED,
            "content",
            item_id,
            {"share": row.id},
            at=when + timedelta(hours=n + 1),
        )
    row.clicks = clicks
    db.session.commit()
    return row.id


def like(user_id: int, item_id: int, when) -> None:
    record(db.session.get(User, user_id), content_verbs.CONTENT_LIKED, "content", item_id, at=when)
    db.session.commit()


def profile(user_id: int, persona: str) -> None:
    result = QuizResult(user_id=user_id, version=1, answers={}, networks=[], primary_persona=persona)
    result.scores = [PersonaScore(persona=persona, score=0.8, rank=1, held=True, also_you=False)]
    db.session.add(result)
    db.session.commit()


@pytest.fixture
def world(app, make_user, make_item, make_event, create_challenge):
    """Three people in two departments: Ana (Sales) shares twice, Ben (Marketing) shares once,
    Cléo (Sales) likes; an event, a challenge, a mentoring pair, a reward redeemed."""
    with app.app_context():
        groups = [
            Department(name="Ventes", name_en="Sales"),
            Department(name="Marketing"),
            Site(name="Paris"),
            Site(name="Lyon"),
        ]
        db.session.add_all(groups)
        db.session.commit()
        sales, marketing, paris, lyon = (row.id for row in groups)
    ana = make_user(display_name="Ana", department_id=sales, site_id=paris).id
    ben = make_user(display_name="Ben", department_id=marketing, site_id=lyon).id
    cleo = make_user(display_name="Cléo", department_id=sales, site_id=lyon).id
    careers = make_item(title="Nous recrutons", theme="careers")
    expertise = make_item(title="Nos brevets", theme="expertise")
    event = make_event(starts_at=at(2), capacity=4)
    challenge = create_challenge(monday(3), monday(0) + timedelta(days=20), target=1, title_en="Share once")
    with app.app_context():
        profile(ana, "messenger")
        share(ana, careers, "linkedin", at(2), clicks=3)
        share(ana, expertise, "x", at(1))
        share(ben, expertise, "linkedin", at(1), clicks=1)
        share(cleo, careers, "linkedin", at(10))  # only in the 12- and 52-week periods
        like(cleo, careers, at(1))
        like(ben, careers, at(2))
        db.session.add_all(
            [
                Registration(
                    event_id=event, user_id=ana, status=RegistrationStatus.CONFIRMED, attended=True, confirmed_at=at(2)
                ),
                Registration(
                    event_id=event, user_id=ben, status=RegistrationStatus.CONFIRMED, attended=False, confirmed_at=at(2)
                ),
                Participation(challenge_id=challenge, user_id=ana, joined_at=monday(3)),
                MentoringPair(
                    mentor_id=ana, mentee_id=cleo, status=PairStatus.ACTIVE,
                    requested_at=at(3), started_at=at(2), expires_at=at(0),
                ),
            ]
        )  # fmt: skip
        reward = Reward(kind=RewardKind.CONSUMABLE, title_fr="Un livre", title_en="A book", cost=30, stock=5)
        db.session.add(reward)
        db.session.flush()
        db.session.add(Redemption(reward_id=reward.id, user_id=ana, cost=30, created_at=at(1)))
        db.session.commit()
        rollups.refresh()
    return SimpleNamespace(
        sales=sales, marketing=marketing, paris=paris, lyon=lyon, ana=ana, ben=ben, cleo=cleo, event=event
    )


# --- Reading the page ---------------------------------------------------------------------------


class Tables(HTMLParser):
    """The page's data tables (``data-table``): the header and rows, each cell's text and the
    ``datetime`` of a ``<time>`` in it."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self.current = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.current = {"header": [], "rows": []}
            self.tables[attrs["data-table"]] = self.current
        elif self.current is not None and tag == "tr":
            self.current["rows"].append([])
        elif self.current is not None and tag in ("th", "td"):
            self.cell = {"text": "", "datetime": None, "scope": attrs.get("scope")}
        elif self.cell is not None and tag == "time":
            self.cell["datetime"] = attrs.get("datetime")

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag in ("th", "td") and self.cell is not None:
            self.cell["text"] = plain(self.cell["text"]).strip()
            self.current["rows"][-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            head, *body = self.current["rows"]
            self.current["header"] = [cell["text"] for cell in head]
            self.current["rows"] = body
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def page_tables(html: str) -> dict[str, dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def shown_number(shown: str, language: str) -> tuple[Decimal, Decimal]:
    """A number as the page writes it ("12,5 %", "1 204", "0.33"), and how precise it is."""
    percent = shown.endswith("%")
    digits = shown.rstrip("%").strip(" \u00a0\u202f")
    value = parse_decimal(digits, locale=language)
    places = len(re.split(r"[.,]", digits)[1]) if re.search(r"[.,]\d+$", digits) and value % 1 else 0
    precision = Decimal(1).scaleb(-places) / 2
    if percent:
        return value / 100, precision / 100
    return value, precision


def same_cell(cell: dict, stored: str, language: str) -> bool:
    """A page cell and the CSV's value of it: the same once the formats are set aside."""
    if cell["datetime"]:
        return cell["datetime"] == stored and bool(cell["text"])
    if stored == "":
        return cell["text"] == "—"
    try:
        expected = Decimal(stored)
    except ArithmeticError:
        return cell["text"] == stored
    value, precision = shown_number(cell["text"], language)
    return abs(value - expected) <= precision + Decimal("0.00005")


def csv_of(client, name: str, query: str = "") -> list[list[str]]:
    return read_csv(client.get(f"{PAGE}/{name}.csv{query}"))


def table_column(rows: list[list[str]], column: int) -> list[str]:
    return [row[column] for row in rows[1:]]


# --- Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, *(f"{PAGE}/{name}.csv" for name in TABLES)])
def test_employees_are_refused_the_page_and_every_csv(client, signed_in, path):
    signed_in(Role.EMPLOYEE)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", [Role.COMMS, Role.ADMIN])
def test_comms_and_admins_see_the_page_with_every_section(client, signed_in, world, role):
    signed_in(role, language="en")
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for section in (
        "active",
        "return",
        "reach",
        "editorial",
        "personae",
        "events",
        "mentoring",
        "challenges",
        "recognition",
    ):
        assert f'id="{section}"' in page, section
    assert set(page_tables(page)) == set(TABLES)
    assert 'href="/admin/personae"' in page  # the existing distribution, linked
    assert 'aria-current="page">Analytics' in page  # the console's menu marks it
    # The key figures: 3 clicks on 3 shares of the last 4 weeks (Cléo's is older), Ana's event.
    assert "Clicks per share" in text(response)


def test_the_console_menu_links_the_page(client, signed_in):
    signed_in(Role.COMMS, language="en")
    assert f'href="{PAGE}"' in client.get("/admin/").get_data(as_text=True)


def test_an_unknown_table_is_not_found(client, signed_in):
    signed_in(Role.COMMS)
    assert client.get(f"{PAGE}/people.csv").status_code == 404


# --- The CSV is the table -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(TABLES))
def test_each_csv_equals_the_table_on_the_page(client, signed_in, world, language, name):
    signed_in(Role.COMMS, language=language)
    query = f"?period=4&segment=department-{world.sales}" if name == "active" else "?period=4"
    shown = page_tables(client.get(PAGE + query).get_data(as_text=True))[name]
    stored = csv_of(client, name, query)
    assert stored[0] == shown["header"]
    assert len(stored) - 1 == len(shown["rows"]) > 0, f"{name}: no rows to compare"
    for row, cells in zip(stored[1:], shown["rows"], strict=True):
        assert cells[0]["scope"] == "row"
        assert len(row) == len(cells)
        for value, cell in zip(row, cells, strict=True):
            assert same_cell(cell, value, language), (
                f"{name}: {cell['text']!r} on the page, {value!r} in the CSV"
            )


def test_the_csv_keeps_numbers_raw_and_the_page_writes_them_in_the_reader_language(client, signed_in, world):
    signed_in(Role.COMMS, language="fr")
    rows = csv_of(client, "reach-weeks", "?period=4")
    # Two weeks ago Ana's share, clicked three times; last week two shares, one click.
    mondays = [week_monday(n).isoformat() for n in (4, 3, 2, 1)]
    assert rows[1:] == [
        [mondays[0], "0", "0", ""],
        [mondays[1], "0", "0", ""],
        [mondays[2], "1", "3", "3.0"],
        [mondays[3], "2", "1", "0.5"],
    ]
    page = client.get(PAGE + "?period=4").get_data(as_text=True)
    cells = page_tables(page)["reach-weeks"]["rows"][3]
    assert [cell["text"] for cell in cells[1:]] == ["2", "1", "0,5"]
    assert cells[0]["datetime"] == mondays[3]
    assert cells[0]["text"] == format_date(week_monday(1), "medium", locale="fr")


# --- Filters ----------------------------------------------------------------------------------


def test_the_period_and_the_segment_change_the_figures(client, signed_in, world):
    signed_in(Role.COMMS, language="en")

    def shares(query):
        return sum(int(value) for value in table_column(csv_of(client, "reach-themes", query), 1))

    assert shares("?period=4") == 3
    assert shares("?period=12") == shares("?period=52") == 4  # Cléo's share ten weeks back
    assert shares(f"?period=4&segment=department-{world.sales}") == 2  # Ana's, not Ben's
    assert shares(f"?period=4&segment=department-{world.marketing}") == 1
    assert shares(f"?period=4&segment=site-{world.lyon}") == 1
    # People: Sales had Ana and Cléo active last week, Marketing Ben; each has its own headcount.
    sales = csv_of(client, "active", f"?period=4&segment=department-{world.sales}")
    marketing = csv_of(client, "active", f"?period=4&segment=department-{world.marketing}")
    assert sales[-1][1:3] == ["2", "1.0"] and marketing[-1][1:3] == ["1", "1.0"]
    page = client.get(f"{PAGE}?period=4&segment=department-{world.sales}").get_data(as_text=True)
    assert f'<option value="department-{world.sales}" selected>Sales</option>' in page
    assert '<option value="4" selected>' in page


def test_unknown_filters_read_as_the_defaults(client, signed_in, world):
    signed_in(Role.COMMS, language="en")
    default = csv_of(client, "active")
    assert len(default) - 1 == 12  # twelve weeks, everyone
    assert csv_of(client, "active", "?period=7&segment=department-999999") == default
    assert csv_of(client, "active", "?period=x&segment=nobody") == default
    page = client.get(f"{PAGE}?period=7&segment=site-999999").get_data(as_text=True)
    assert '<option value="12" selected>' in page and '<option value="all" selected>' in page


# --- Charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(client, signed_in, world, language):
    signed_in(Role.COMMS, language=language)
    page = client.get(PAGE).get_data(as_text=True)
    charts = re.findall(r"<svg\b[^>]*\bclass=\"chart\b.*?</svg>", page, flags=re.S)
    assert len(charts) == 10  # active, return, 4 × reach, editorial, events, challenges, points
    ids = set()
    for chart in charts:
        root = ET.fromstring(chart)  # well-formed XML
        assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
        title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
        assert title is not None and title.text.strip() and desc is not None and desc.text.strip()
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert "style" not in chart.lower().replace("font-style", "")  # nothing the CSP blocks
        ids.update([title.get("id"), desc.get("id")])
    assert len(ids) == 20  # no two charts share an id
    # The wide heatmap scrolls inside its own frame.
    assert re.search(
        r'<div class="table-wrap analytics-chart analytics-chart--wide"[^>]*><svg[^>]*chart--wide', page
    )


@pytest.mark.parametrize(
    ("language", "decimal", "other"),
    [("fr", r"\d,\d{1,2} %", r"\d\.\d %"), ("en", r"\d\.\d{1,2}%", r"\d,\d ?%")],
)
def test_dates_and_numbers_follow_the_reader_language(client, signed_in, world, language, decimal, other):
    signed_in(Role.COMMS, language=language)
    page = text(client.get(PAGE + "?period=4"))
    assert re.search(decimal, page) and not re.search(other, page)
    for week in (week_monday(4), week_monday(1)):
        assert format_date(week, "medium", locale=language) in page


def test_the_drawn_page_is_kept_for_each_language_and_redrawn_with_new_figures(app, client, signed_in, world):
    signed_in(Role.COMMS, language="fr")
    french = text(client.get(PAGE + "?period=4"))
    post(client, "/language", {"language": "en"})
    english = text(client.get(PAGE + "?period=4"))
    assert "Chiffres clés" in french and "Key figures" not in french
    assert "Key figures" in english and "Chiffres clés" not in english
    shares = csv_of(client, "reach-weeks", "?period=4")
    with app.app_context():
        share(world.ben, db.session.scalar(sa.select(ContentItem.id).limit(1)), "facebook", at(1))
        rollups.refresh()
    assert csv_of(client, "reach-weeks", "?period=4") != shares
    assert text(client.get(PAGE + "?period=4")) != english


def test_the_drawn_page_shows_each_reader_the_days_of_their_own_time_zone(app, client, make_user, world):
    """The challenge started on Monday 00:00 in Paris: still Sunday in Toronto."""
    start = monday(3)
    pages = {}
    for zone in ("Europe/Paris", "America/Toronto"):
        reader = app.test_client()
        Auth(reader).login(make_user(Role.COMMS, language="en", timezone=zone).email)
        pages[zone] = text(reader.get(PAGE + "?period=4"))
    for zone, page in pages.items():
        day = start.astimezone(ZoneInfo(zone)).date()
        assert format_date(day, "medium", locale="en") in page
    assert pages["Europe/Paris"] != pages["America/Toronto"]


# --- Query budget ---------------------------------------------------------------------------


def grow(org, people: int, batch: int) -> None:
    """``people`` more people, each sharing, clicked and liking in each of the last four weeks,
    registered to an event, in a challenge, paired, with points and a redemption (bulk)."""
    items = list(db.session.scalars(sa.select(ContentItem.id)))
    # An item and a network a person has not shared yet, each week (one share per person, item and network).
    places = [(item, network) for item in items for network in ("linkedin", "x", "facebook")]
    organiser = db.session.scalar(sa.select(User.id).limit(1))
    users = [
        User(
            email=f"bulk{batch}-{n}@example.com",
            display_name=f"Bulk {n}",
            role=Role.EMPLOYEE,
            department_id=(org.sales, org.marketing)[n % 2],
            site_id=(org.paris, org.lyon)[n // 2 % 2],
        )
        for n in range(people)
    ]
    db.session.add_all(users)
    reward = Reward(kind=RewardKind.CONSUMABLE, title_fr=f"Lot {batch}", cost=10, stock=None)
    db.session.add(reward)
    db.session.flush()
    challenge_id = db.session.scalar(sa.select(sa.func.min(Participation.challenge_id)))
    for weeks_back in range(1, 5):
        event = Event(
            title="Bulk", kind="webinar", starts_at=at(weeks_back), ends_at=at(weeks_back, 1),
            language="fr", organiser_id=organiser, capacity=people,
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        for n, user in enumerate(users):
            when = at(weeks_back, n % 24)
            item, network = places[(n + weeks_back) % len(places)]
            row = Share(user_id=user.id, item_id=item, network=network, token=f"b{batch}-{weeks_back}-{n}")
            db.session.add(row)
            db.session.flush()
            groups = {"department_id": user.department_id, "site_id": user.site_id}
            shared = Activity(
                user_id=user.id,
                verb=content_verbs.CONTENT_SHARED,
                object_type="content",
                object_id=item,
                payload={"network": row.network, "share": row.id},
                created_at=when,
                **groups,
            )
            db.session.add_all(
                [
                    shared,
                    Activity(
                        user_id=user.id, verb=content_verbs.CLICK_RECEIVED, object_type="content", object_id=item,
                        payload={"share": row.id}, created_at=when + timedelta(hours=1), **groups,
                    ),
                    Activity(
                        user_id=user.id, verb=content_verbs.CONTENT_LIKED, object_type="content", object_id=item,
                        payload={}, created_at=when + timedelta(hours=2), **groups,
                    ),
                    Registration(
                        event_id=event.id, user_id=user.id, status=RegistrationStatus.CONFIRMED,
                        attended=n % 2 == 0, confirmed_at=when,
                    ),
                ]
            )  # fmt: skip
            db.session.flush()
            db.session.add(
                PointsEntry(
                    rule=content_verbs.CONTENT_SHARED, activity_id=shared.id, user_id=user.id, points=5,
                    earned_at=when, **groups,
                )
            )  # fmt: skip
        db.session.add(
            Redemption(reward_id=reward.id, user_id=users[0].id, cost=10, created_at=at(weeks_back))
        )
    for n, user in enumerate(users):
        db.session.add(Participation(challenge_id=challenge_id, user_id=user.id, joined_at=monday(3)))
        if n % 2:
            db.session.add(
                MentoringPair(
                    mentor_id=users[n - 1].id, mentee_id=user.id, status=PairStatus.ACTIVE,
                    requested_at=at(3), started_at=at(2, n), expires_at=at(0),
                )
            )  # fmt: skip
    db.session.commit()


def cold_queries(app, client, count_queries, path: str) -> int:
    """The queries of a page whose figures are not in the cache (as after an hourly rebuild)."""
    with app.app_context():
        cache.bump(SUBJECT)
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_the_page_runs_as_many_queries_on_a_history_ten_times_larger(
    app, client, signed_in, world, count_queries
):
    signed_in(Role.COMMS, language="en")
    path = f"{PAGE}?period=12"
    client.get(path)  # the first page after signing in also notes "last seen"
    with app.app_context():
        grow(world, 4, batch=0)
        rollups.refresh()
    small = cold_queries(app, client, count_queries, path)
    small_csv = cold_queries(app, client, count_queries, f"{PAGE}/events.csv?period=12")
    with app.app_context():
        grow(world, 40, batch=1)
        rollups.refresh()
    large = cold_queries(app, client, count_queries, path)
    large_csv = cold_queries(app, client, count_queries, f"{PAGE}/events.csv?period=12")
    active = csv_of(client, "active", "?period=12")
    assert int(active[-1][1]) == 3 + 44  # the data did grow: Ana, Ben, Cléo and the bulk people
    assert (large, large_csv) == (small, small_csv)
    assert small <= 40, small
    # Once computed, the figures come from the cache: only the page's own few queries remain.
    client.get(path)
    with count_queries() as warm:
        client.get(path)
    assert warm.count <= small - 15


# --- The weekly e-mail --------------------------------------------------------------------------


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def mailer(make_app, monkeypatch):
    app = make_app(SMTP_HOST="smtp.example.com", SITE_URL="https://intranet.example.com/porte-voix")
    monkeypatch.setattr("base.mail.smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    return app


def add_people(app, *people) -> dict[str, int]:
    with app.app_context():
        rows = [
            User(
                email=email, display_name=name, role=role, language=language, active=active, password_hash="x"
            )
            for email, name, role, language, active in people
        ]
        db.session.add_all(rows)
        db.session.commit()
        return {row.email: row.id for row in rows}


PEOPLE = [
    ("chloe@example.com", "Chloé Comms", Role.COMMS, "fr", True),
    ("ada@example.com", "Ada Admin", Role.ADMIN, "en", True),
    ("eve@example.com", "Eve Employee", Role.EMPLOYEE, "fr", True),
    ("gone@example.com", "Gone Comms", Role.COMMS, "en", False),
]


def history_for_the_summary(app, people) -> None:
    """Last week: Eve shares twice; the links are clicked three times (1,5 clicks per share)."""
    with app.app_context():
        item = ContentItem(
            title="Nous recrutons", summary="", url="https://example.org", theme="careers", kind="news",
            language="fr", author_id=people["chloe@example.com"],
        )  # fmt: skip
        db.session.add(item)
        db.session.commit()
        eve = people["eve@example.com"]
        share(eve, item.id, "linkedin", at(1), clicks=2)
        share(eve, item.id, "x", at(1), clicks=1)


def test_the_weekly_summary_goes_once_to_each_active_comms_and_admin_in_their_language(mailer):
    people = add_people(mailer, *PEOPLE)
    history_for_the_summary(mailer, people)
    runner = mailer.test_cli_runner()
    result = runner.invoke(args=["analytics", "email"])
    assert result.exit_code == 0, result.output
    assert "2 summary e-mail(s) sent." in result.output
    by_recipient = {message["To"]: message for message in FakeSMTP.sent}
    assert set(by_recipient) == {"chloe@example.com", "ada@example.com"}
    french = by_recipient["chloe@example.com"].get_body(("plain",)).get_content()
    english = by_recipient["ada@example.com"].get_body(("plain",)).get_content()
    # Clicks per share over the last four weeks, and last week's shares, in each one's language.
    assert "1,5" in french and "1.5" in english and "1,5" not in english
    assert format_date(week_monday(1), "long", locale="en") in by_recipient["ada@example.com"]["Subject"]
    assert format_date(week_monday(1), "long", locale="fr") in by_recipient["chloe@example.com"]["Subject"]
    assert "https://intranet.example.com/porte-voix/admin/analytics?period=4" in french
    assert "Nous recrutons" in english  # the most clicked item
    html = by_recipient["ada@example.com"].get_body(("html",)).get_content()
    assert "<table>" in html and "1.5" in html and 'href="https://intranet.example.com/' in html
    with mailer.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SummarySent)) == 2

    # The cron fires again the same week: nothing more is sent.
    again = runner.invoke(args=["analytics", "email"])
    assert "0 summary e-mail(s) sent." in again.output
    assert len(FakeSMTP.sent) == 2


def test_a_summary_the_mail_server_refused_is_tried_again(mailer, monkeypatch):
    people = add_people(mailer, *PEOPLE[:2])
    refused = {"ada@example.com"}

    def send(self, message):
        if message["To"] in refused:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no")})
        FakeSMTP.sent.append(message)

    monkeypatch.setattr(FakeSMTP, "send_message", send)
    runner = mailer.test_cli_runner()
    assert "1 summary e-mail(s) sent." in runner.invoke(args=["analytics", "email"]).output
    refused.clear()
    assert "1 summary e-mail(s) sent." in runner.invoke(args=["analytics", "email"]).output
    assert sorted(message["To"] for message in FakeSMTP.sent) == sorted(people)


def test_without_smtp_the_summary_does_nothing(app, runner, monkeypatch):
    add_people(app, *PEOPLE)
    FakeSMTP.sent = []
    monkeypatch.setattr("base.mail.smtplib.SMTP", FakeSMTP)
    result = runner.invoke(args=["analytics", "email"])
    assert "0 summary e-mail(s) sent." in result.output
    assert FakeSMTP.sent == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SummarySent)) == 0
