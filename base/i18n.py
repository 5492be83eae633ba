"""Which language and time zone a request is served in."""

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import cache, lru_cache
from importlib.resources import files
from weakref import WeakKeyDictionary
from zoneinfo import available_timezones

from babel import Locale
from babel import dates as babel_dates
from babel.core import get_global
from babel.dates import get_timezone_location
from babel.support import NullTranslations
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, Domain, format_date, format_number, get_locale, to_user_timezone
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
REMEMBERED = "_translations_for_locale"
BABEL_STATE = "_flask_babel"  # where Flask-Babel keeps its per-context state on ``g``
NULL_TRANSLATIONS = NullTranslations()  # outside an application: strings as written


class RememberingDomain(Domain):
    """Flask-Babel's message domain, remembering the current locale's translations on the
    application context: Flask-Babel looks them up by the locale's name for every string and
    number it formats, a real share of a page's time. A forced or refreshed locale is another
    object, so it gets its own translations."""

    def get_translations(self):
        return current_translations() if has_app_context() else super().get_translations()


def current_translations():
    """The translations of the locale Flask-Babel settled on for this context
    (``force_locale`` and ``refresh`` replace or drop it), read without its several lookups;
    remembered on the context, computed once per locale."""
    if not has_app_context():
        return NULL_TRANSLATIONS
    context_globals = g._get_current_object()
    locale = settled_locale(context_globals) or get_locale()
    remembered = getattr(context_globals, REMEMBERED, None)
    if remembered is None or remembered[0] is not locale:
        domain = current_app.extensions["babel"].instance.domain_instance
        remembered = (locale, Domain.get_translations(domain))
        setattr(context_globals, REMEMBERED, remembered)
    return remembered[1]


def settled_locale(context_globals):
    """The locale Flask-Babel already settled on for this context, if it did (else None)."""
    return getattr(getattr(context_globals, BABEL_STATE, None), "babel_locale", None)


def current_locale():
    """Flask-Babel's ``get_locale()``, without its lookups once the locale is settled (parts of
    a page ask for it dozens of times)."""
    return (has_app_context() and settled_locale(g._get_current_object())) or get_locale()


# Python code translates through these rather than Flask-Babel's own: same contract (a string
# with variables is always %-formatted, ``num`` given to plurals), without looking the domain
# up through the context for every string (a page's labels, menus and personae are hundreds).
def gettext(string: str, /, **variables) -> str:
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, /, **variables) -> str:
    translated = current_translations().upgettext(context, string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, /, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, /, **variables) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_number(number: int) -> LazyString:
    """A number as the reader's language writes it (1,000,000 / 1 000 000), for a message made
    before anybody reads it."""
    return LazyString(format_number, number)


def init_babel(app, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    babel.domain_instance = RememberingDomain(domain=app.extensions["babel"].default_domain)
    # Templates translate through the context's translations directly: Flask-Babel's callables
    # look the domain up again for every string, and Jinja's ``_`` looks ``gettext`` up by name
    # each time (a page has a hundred strings). Same contract as Jinja's "newstyle" callables.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)


# Given the evaluation context, not the whole context: Jinja calls a function that takes the
# context inside a block with variables (a ``{% set %}``, a loop) on a copy of the context made
# for the call, and pages call these dozens of times (issue #14).
@pass_eval_context
def template_gettext(eval_context, string: str, /, **variables) -> str:
    translations = current_translations()
    if eval_context.autoescape and not variables:
        return _as_shown(translations, string)
    translated = translations.ugettext(string)
    if eval_context.autoescape:
        translated = Markup(translated)
    return translated % variables  # always a format string ("%%" is "%"), as Jinja's are


# Each language's strings without variables as templates show them, kept: a page shows dozens,
# and each was looked up, marked safe and formatted on every view.
SHOWN: WeakKeyDictionary = WeakKeyDictionary()


def _as_shown(translations, string: str) -> Markup:
    kept = SHOWN.get(translations)
    if kept is None:
        kept = SHOWN.setdefault(translations, {})
    shown = kept.get(string)
    if shown is None:
        shown = kept[string] = Markup(translations.ugettext(string)) % {}
    return shown


@pass_eval_context
def template_ngettext(eval_context, singular: str, plural: str, n: int, /, **variables) -> str:
    variables.setdefault("num", n)
    translated = current_translations().ungettext(singular, plural, n)
    if eval_context.autoescape:
        translated = Markup(translated)
    return translated % variables


def select_locale() -> str:
    """The user's stored choice, else the visitor's session choice, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LANGUAGE"]


def lang_attribute(language: str | None) -> Markup:
    """`` lang="…"`` for text written in another language than the page's, else nothing (also
    for text of no particular language): screen readers read it with the right voice
    (templates: ``<h2{{ lang_attribute(item.language) }}>``)."""
    if not language or language == str(current_locale()):
        return Markup("")
    return Markup(' lang="%s"') % language


def current_language() -> str | None:
    """The reader's language as Babel selects it, looked up afresh rather than cached for the
    request (a profile saved in another language is confirmed in that language); None
    outside an application."""
    return select_locale() if has_app_context() else None


def select_timezone() -> str:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def reading_order(text: str) -> str:
    """A sort key that files words as a reader looks for them: "Égypte" beside "Equateur",
    "île" beside "Islande" (accents and case set aside)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def timezone_choices(keep: str | None = None) -> Sequence[tuple[str, str]]:
    """The time zones people live in, named in the reader's language ("Canada — Toronto",
    "Royaume-Uni — Londres") and sorted for them; values are IANA names. One zone per place:
    old aliases (America/Montreal, US/Eastern…) are left out, except ``keep`` (a person's
    stored zone), named like the zone it stands for. Without such an alias, the list is the
    language's one, shared (a tuple: ``base.drawn`` keys it once)."""
    language = current_language() or "fr"
    ordered = _sorted_timezones(language)
    if not keep or keep in _listed_zones(language) or keep not in available_timezones():
        return ordered
    choices = dict(ordered)
    canonical = get_global("zone_aliases").get(keep, keep)
    choices[keep] = choices.get(canonical, keep.replace("_", " "))
    return sorted(choices.items(), key=lambda choice: (reading_order(choice[1]), choice[0]))


@cache
def _listed_zones(language: str) -> frozenset[str]:
    return frozenset(zone for zone, _name in _sorted_timezones(language))


@cache
def _sorted_timezones(language: str) -> tuple[tuple[str, str], ...]:
    names = _timezone_names(language)
    return tuple(sorted(names, key=lambda choice: (reading_order(choice[1]), choice[0])))


@cache
def _timezone_names(language: str) -> tuple[tuple[str, str], ...]:
    locale = Locale.parse(language)
    aliases, territories = get_global("zone_aliases"), get_global("zone_territories")
    # CLDR names some places by an older IANA name (America/Buenos_Aires): look there too.
    older_names: dict[str, list[str]] = {}
    for old, canonical in aliases.items():
        older_names.setdefault(canonical, []).append(old)
    names = []
    for zone in available_timezones():
        if "/" not in zone or zone.startswith("Etc/") or zone in aliases:
            continue
        city = _city(zone, older_names.get(zone, []), locale)
        territory = next(
            (
                territories[name]
                for name in [zone, *older_names.get(zone, [])]
                if territories.get(name, "001") != "001"
            ),
            _zone_countries().get(zone),
        )
        country = locale.territories.get(territory) if territory else None
        names.append((zone, f"{country} — {city}" if country else city))
    return tuple(names)


@cache
def _zone_countries() -> dict[str, str]:
    """The country of each zone, from the IANA database's zone.tab (for zones newer than CLDR)."""
    table = (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def _city(zone: str, older_names: list[str], locale: Locale) -> str:
    for name in [zone, *older_names]:
        city = get_timezone_location(name, locale=locale, return_city=True)
        if "/" not in city:
            return city
    return zone.rpartition("/")[2].replace("_", " ")


def format_when(moment: datetime) -> str:
    """Date and time to the minute, in the reader's language and time zone. The same as
    Flask-Babel's ``format_date(moment, "medium")`` and ``format_time(moment, "short")``,
    which pages print by the hundred (a list's dates, an attendance sheet): each day's and each
    minute's words are remembered per language, the moment only moved to the reader's zone."""
    local = to_user_timezone(moment)
    language = str(get_locale())
    return gettext(
        "%(date)s, %(time)s",
        date=_day_words(local.date(), "medium", language),
        time=_short_time(local.hour, local.minute, language),
    )


def format_day(moment: date | datetime, format: str = "medium") -> str:
    """Flask-Babel's ``format_date`` (a moment is seen in the reader's time zone), each day's
    words remembered per language and format."""
    if moment is None:  # Flask-Babel's "today": never remembered
        return format_date(None, format)
    day = to_user_timezone(moment).date() if isinstance(moment, datetime) else moment
    return _day_words(day, format, str(get_locale()))


@lru_cache(maxsize=4096)
def _day_words(day: date, format: str, language: str) -> str:
    return babel_dates.format_date(day, format, locale=language)


@lru_cache(maxsize=4096)
def _short_time(hour: int, minute: int, language: str) -> str:
    return babel_dates.format_time(time(hour, minute), "short", locale=language)


def language_of(user) -> str:
    """The language to write to a person in outside a request (e-mails): theirs, else the default."""
    return user.language or current_app.config["DEFAULT_LANGUAGE"]


def reading_languages(user) -> list[str]:
    """The languages the person reads content in: chosen on /me, else the interface language."""
    return list(user.content_languages) or [language_of(user)]
