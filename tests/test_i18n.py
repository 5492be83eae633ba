"""Languages: Accept-Language for visitors, a remembered choice, Babel formats, a complete catalogue."""

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, format_number, format_time
from flask_babel import gettext as babel_gettext

from base.database import db
from base.i18n import format_day, format_when
from blueprints.accounts.models import Department, User
from blueprints.core.routes import format_count
from tests.conftest import Auth, post

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def test_visitor_language_follows_accept_language(client):
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    french = client.get("/login", headers={"Accept-Language": "fr-CA"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english
    assert '<html lang="fr">' in french and "Se connecter" in french


def test_a_department_is_named_in_the_language_of_the_page_or_of_a_forced_locale(app):
    with app.app_context():
        department = Department(name="Ventes", name_en="Sales")
        unnamed = Department(name="Juridique")
        assert (department.label, unnamed.label) == ("Ventes", "Juridique")  # the default language
        with force_locale("en"):
            assert (department.label, unnamed.label) == ("Sales", "Juridique")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert department.label == "Sales"


def test_small_counts_print_as_babel_prints_them_in_every_language(app):
    for language in app.config["LANGUAGES"]:
        with app.app_context(), force_locale(language):
            for number in [0, 7, 42, 999, 1000, 12345, -3, 2.5]:
                assert format_count(number) == format_number(number), (language, number)
    with app.app_context(), force_locale("fr"):
        assert format_count(12345) == "12\u202f345"  # grouped by Babel, in French


def test_moments_print_as_babel_prints_them_in_every_language_and_zone(app):
    moments = [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # Paris: 01:59, an hour before summer time
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Paris: 03:00
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # Paris: 02:30, the first of the two
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # Paris: 02:30 again
        datetime(2026, 12, 31, 23, 45),  # naive: UTC, already the new year in Paris and Kolkata
        datetime(2027, 1, 1, 12, 5, tzinfo=UTC),
    ]
    for zone in ["Europe/Paris", "America/New_York", "Asia/Kolkata"]:
        app.config["DEFAULT_TIMEZONE"] = zone
        for language in ["fr", "en"]:
            with app.test_request_context(), force_locale(language):
                for moment in moments:
                    for form in ["short", "medium", "long", "full"]:
                        assert format_day(moment, form) == format_date(moment, form)
                        assert format_day(moment.date(), form) == format_date(moment.date(), form)
                    assert format_when(moment) == babel_gettext(
                        "%(date)s, %(time)s",
                        date=format_date(moment, "medium"),
                        time=format_time(moment, "short"),
                    )
    with app.test_request_context(), force_locale("en"):
        app.config["DEFAULT_TIMEZONE"] = "Europe/Paris"
        assert format_when(moments[-1]) == "Jan 1, 2027, 1:05\u202fPM"
    with app.test_request_context(), force_locale("fr"):
        assert format_when(moments[-1]) == "1 janv. 2027 à 13:05"


def test_french_is_the_default(client):
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)


def test_visitor_choice_is_kept_in_the_session(client):
    response = post(client, "/language", {"language": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_switch_refuses_an_unknown_language_and_a_foreign_next(client):
    response = post(client, "/language", {"language": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_choice_is_remembered_on_the_account(app, client, auth, signed_in):
    person = signed_in(language="fr")
    post(client, "/language", {"language": "en"})
    with app.app_context():
        assert db.session.get(User, person.id).language == "en"
    auth.logout()
    other_device = app.test_client()
    Auth(other_device).login(person.email)
    page = other_device.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Hello, Person" in page


def test_dates_and_numbers_follow_the_language(app, client, signed_in):
    person = signed_in(language="fr", timezone="Europe/Paris")
    with app.app_context():
        user = db.session.get(User, person.id)
        user.created_at = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
        db.session.commit()
    assert "4 mars 2025" in client.get("/me").get_data(as_text=True)
    post(client, "/language", {"language": "en"})
    assert "March 4, 2025" in client.get("/me").get_data(as_text=True)


def _source_messages() -> set[str]:
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_french_catalogue_is_complete_and_current():
    """Every string in the code is in the catalogue, translated, and nothing is fuzzy."""
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(_source_messages() - translated.keys())
    assert not missing, f"not extracted (run `make extract-messages`): {missing}"
    untranslated = sorted(key for key, done in translated.items() if not done)
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"


def test_catalogue_knows_no_source_file_outside_babel_cfg():
    """babel.cfg must cover every folder holding strings (templates, blueprints, top-level modules)."""
    with open(ROOT / "babel.cfg") as config:
        patterns = [line.strip("[]\n").split(": ", 1)[1] for line in config if line.startswith("[")]
    assert "templates/**.html" in patterns and "blueprints/**.py" in patterns
    for module in ROOT.glob("*.py"):
        text = module.read_text()
        if "gettext" in text and module.name != "conftest.py":
            assert module.name in patterns, module.name


def test_no_gettext_with_an_f_string():
    for path in [*ROOT.glob("*.py"), *ROOT.glob("blueprints/**/*.py")]:
        text = path.read_text()
        for marker in ('_(f"', "_(f'", '_l(f"', "_l(f'"):
            assert marker not in text, path


def test_a_templates_strings_show_in_each_language_however_often_shown(app):
    """Strings without variables are kept as shown, per language: each page still gets its own."""
    from flask import render_template_string

    page = "{{ _('Home') }} · {{ _('50%% of %(what)s', what='<b>') }} · {{ _('100%% yours') }}"
    with app.test_request_context():
        shown = {}
        for language in ("fr", "en", "fr", "en"):
            with force_locale(language):
                shown.setdefault(language, set()).add(render_template_string(page))
    assert shown == {
        "fr": {"Accueil · 50% of &lt;b&gt; · 100% yours"},
        "en": {"Home · 50% of &lt;b&gt; · 100% yours"},
    }
