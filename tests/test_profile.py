"""/me: a person's own profile and password."""

import html
import os
import re
import subprocess
from pathlib import Path

import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Department, Site, User
from blueprints.activity.models import Activity
from blueprints.auth.services import get_or_create_department
from blueprints.demo.data_files import load
from tests.conftest import PASSWORD, Auth, post, text

ROOT = Path(__file__).parents[1]


def add_department_and_site(app) -> tuple[int, int]:
    with app.app_context():
        department, site = Department(name="Marketing"), Site(name="Lyon")
        db.session.add_all([department, site])
        db.session.commit()
        return department.id, site.id


def profile_data(**changes) -> dict:
    data = {
        "display_name": "Zoé Martin",
        "department_id": "0",
        "site_id": "0",
        "language": "fr",
        "timezone": "Europe/Paris",
    }
    data.update(changes)
    return {f"profile-{name}": value for name, value in data.items()}


def test_profile_is_saved_and_logged(app, client, signed_in):
    person = signed_in()
    department_id, site_id = add_department_and_site(app)
    data = profile_data(
        department_id=department_id, site_id=site_id, language="en", timezone="America/Toronto"
    )
    response = post(client, "/me", data)
    assert response.headers["Location"] == "/me"
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.display_name, user.department_id, user.site_id) == ("Zoé Martin", department_id, site_id)
        assert (user.language, user.timezone) == ("en", "America/Toronto")
        verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == person.id)).all()
        assert sorted(verbs) == ["profile_updated", "signed_in"]
    assert "Your profile is saved." in client.get("/me").get_data(as_text=True)


def test_a_profile_saved_in_another_language_is_confirmed_in_it(app, client, signed_in):
    signed_in(language="fr")
    with app.app_context():
        department = Department(name="Ventes", name_en="Sales")  # named in the form's list, in French
        db.session.add(department)
        db.session.commit()
        department_id = department.id
    post(client, "/me", profile_data(department_id=department_id, language="en"))
    page = client.get("/me").get_data(as_text=True)
    assert "Your profile is saved." in page and "Sales" in page


def test_bad_input_changes_nothing_and_says_why(app, client, signed_in):
    person = signed_in(display_name="Before")
    for data in [
        profile_data(timezone="Mars/Olympus"),
        profile_data(display_name=""),
        profile_data(department_id="999"),
    ]:
        response = post(client, "/me", data)
        assert response.status_code == 422
        assert 'class="field-error"' in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.display_name, user.timezone) == ("Before", None)


def test_profile_page_shows_the_person_and_escapes_their_name(client, signed_in):
    signed_in(display_name="<b>Bold</b> Name")
    page = client.get("/me").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in page
    assert "<b>Bold</b>" not in page


def test_password_change_needs_the_current_password(app, client, auth, signed_in):
    person = signed_in()
    wrong = post(
        client,
        "/me/password",
        {
            "password-current_password": "nope",
            "password-new_password": "new secret 1",
            "password-confirm": "new secret 1",
        },
    )
    assert wrong.status_code == 422
    assert "Ce n'est pas votre mot de passe actuel." in text(wrong)
    right = post(
        client,
        "/me/password",
        {
            "password-current_password": PASSWORD,
            "password-new_password": "new secret 1",
            "password-confirm": "new secret 1",
        },
    )
    assert right.headers["Location"] == "/me"
    auth.logout()
    assert auth.login(person.email, PASSWORD).status_code == 200
    assert auth.login(person.email, "new secret 1").status_code == 302


# --- Names in the reader's language -----------------------------------------------------------


def options(page: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) options of a select, in page order."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<', select)
    ]


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S).group(1)
    tag = re.search(r"<option[^>]*\bselected\b[^>]*>", select).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_department_and_site_labels_follow_the_reader_s_language(app):
    department = Department(name="Ressources humaines", name_en="Human resources")
    site = Site(name="Londres", name_en="London")
    only_french = Department(name="Achats")
    for language, expected in [
        ("fr", ("Ressources humaines", "Londres", "Achats")),
        ("en", ("Human resources", "London", "Achats")),
    ]:
        with app.test_request_context(headers={"Accept-Language": language}):
            assert (department.label, site.label, only_french.label) == expected
    with app.app_context():  # outside a request: the default language
        assert department.label == "Ressources humaines"
    assert department.label == "Ressources humaines"  # outside the application too


def test_the_profile_offers_departments_and_sites_by_their_name_in_the_reader_s_language(
    app, client, signed_in
):
    with app.app_context():
        db.session.add_all(
            [
                Department(name="Ressources humaines", name_en="Human resources"),
                Department(name="Informatique", name_en="IT"),
                Site(name="Londres", name_en="London"),
                Site(name="Montréal", name_en="Montreal"),
            ]
        )
        db.session.commit()
    signed_in(language="en")
    page = client.get("/me").get_data(as_text=True)
    assert [label for _, label in options(page, "profile-department_id")] == [
        "— not set —",
        "Human resources",
        "IT",
    ]
    assert [label for _, label in options(page, "profile-site_id")] == ["— not set —", "London", "Montreal"]
    post(client, "/language", {"language": "fr"})
    page = client.get("/me").get_data(as_text=True)
    assert [label for _, label in options(page, "profile-department_id")] == [
        "— non renseigné —",
        "Informatique",
        "Ressources humaines",
    ]
    assert [label for _, label in options(page, "profile-site_id")] == [
        "— non renseigné —",
        "Londres",
        "Montréal",
    ]
    with app.app_context():  # a renamed department shows its new name in its new place
        db.session.scalar(sa.select(Department).where(Department.name == "Informatique")).name = "Numérique"
        db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert [label for _, label in options(page, "profile-department_id")] == [
        "— non renseigné —",
        "Numérique",
        "Ressources humaines",
    ]


def test_the_demo_company_names_every_department_and_site_in_english():
    company = load("company.toml")
    assert set(company["departments_en"]) == set(company["departments"])
    assert set(company["sites_en"]) == set(company["sites"])
    assert company["sites_en"]["Londres"] == "London"
    assert company["departments_en"]["Ressources humaines"] == "Human resources"


def test_time_zones_are_named_in_the_reader_s_language_and_sorted_for_them(client, signed_in):
    signed_in(language="fr", timezone="Europe/London")
    page = client.get("/me").get_data(as_text=True)
    french = dict(options(page, "profile-timezone"))
    assert french["Europe/London"] == "Royaume-Uni — Londres"
    assert french["Europe/Paris"] == "France — Paris"
    assert french["America/Toronto"] == "Canada — Toronto"
    assert selected(page, "profile-timezone") == "Europe/London"
    labels = list(french.values())
    assert (
        labels.index("Allemagne — Berlin")
        < labels.index("Égypte — Le Caire")
        < labels.index("France — Paris")
    )
    assert "US/Eastern" not in french and "America/Montreal" not in french  # old aliases: one name per place
    assert len(set(labels)) == len(labels)
    post(client, "/language", {"language": "en"})
    english = dict(options(client.get("/me").get_data(as_text=True), "profile-timezone"))
    assert english["Europe/London"] == "United Kingdom — London"
    assert english["Asia/Tokyo"] == "Japan — Tokyo"


def test_a_person_on_an_old_time_zone_alias_keeps_it(app, client, signed_in):
    person = signed_in(timezone="America/Montreal")
    page = client.get("/me").get_data(as_text=True)
    assert selected(page, "profile-timezone") == "America/Montreal"
    assert dict(options(page, "profile-timezone"))["America/Montreal"] == "Canada — Toronto"
    assert post(client, "/me", profile_data(timezone="America/Montreal")).headers["Location"] == "/me"
    with app.app_context():
        assert db.session.get(User, person.id).timezone == "America/Montreal"


def test_switching_the_interface_language_keeps_the_feed_languages(app, client, signed_in):
    person = signed_in(language="fr")
    post(client, "/language", {"language": "en", "next": "/feed"})
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.language == "en"
        assert user.content_languages == ["fr"]  # the feed still shows what it showed
    post(client, "/language", {"language": "fr", "next": "/feed"})
    with app.app_context():
        assert db.session.get(User, person.id).content_languages == ["fr"]


def test_make_run_points_links_at_the_port_it_serves():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key != "SITE_URL"},
    ).stdout
    assert "SITE_URL=http://127.0.0.1:8123 " in dry_run


def test_the_drawn_profile_form_holds_each_persons_values_and_the_pages_token(app, make_user):
    pages = []
    for name, zone in (("Ada Lovelace", "Europe/London"), ("Bob Martin", "America/Toronto")):
        person = make_user(display_name=name, language="en", timezone=zone)
        browser = app.test_client()
        Auth(browser).login(person.email)
        pages.append(browser.get("/me").get_data(as_text=True))
    for page, name, zone in zip(
        pages, ("Ada Lovelace", "Bob Martin"), ("Europe/London", "America/Toronto"), strict=True
    ):
        form = re.search(r'<form method="post" action="/me" novalidate>.*?</form>', page, re.S).group(0)
        assert f'value="{name}"' in form and f'<option selected value="{zone}">' in form
        tokens = set(re.findall(r'name="profile-csrf_token" type="hidden" value="([^"]+)"', form))
        assert tokens and tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))


def test_the_kept_departments_and_sites_cost_no_query_and_a_new_one_shows_at_once(
    app, client, signed_in, count_queries
):
    signed_in(language="en")
    client.get("/me")
    with count_queries() as again:
        client.get("/me")
    assert not any("FROM departments" in statement for statement in again.statements)
    with app.app_context():  # created as people are imported: an INSERT the ORM does not see
        get_or_create_department("Logistique")
        db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert "Logistique" in [label for _, label in options(page, "profile-department_id")]
