"""Which language and time zone a request is served in."""

import unicodedata
from datetime import datetime
from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, Domain, format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
REMEMBERED = "_translations_for_locale"
BABEL_STATE = "_flask_babel"  # where Flask-Babel keeps its per-context state on ``g``


class RememberingDomain(Domain):
    """Flask-Babel's message domain, remembering the current locale's translations on the
    application context: Flask-Babel looks them up by the locale's name for every string and
    number it formats, a real share of a page's time. A forced or refreshed locale is another
    object, so it gets its own translations."""

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        # The locale Flask-Babel settled on for this context (``force_locale`` and ``refresh``
        # replace or drop it), read without its several lookups; computed once if not yet.
        locale = getattr(g.get(BABEL_STATE), "babel_locale", None) or get_locale()
        remembered = g.get(REMEMBERED)
        if remembered is None or remembered[0] is not locale:
            remembered = (locale, super().get_translations())
            setattr(g, REMEMBERED, remembered)
        return remembered[1]


def init_babel(app, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    domain = RememberingDomain(domain=app.extensions["babel"].default_domain)
    babel.domain_instance = domain
    # Templates translate through the site's one domain directly: Flask-Babel's callables look
    # the domain up again for every string, and Jinja's ``_`` looks ``gettext`` up by name each
    # time (a page has a hundred strings). Same contract as Jinja's "newstyle" callables.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: domain.get_translations().ugettext(string),
        ngettext=lambda singular, plural, n: domain.get_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: domain.get_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: domain.get_translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    gettext, ngettext = _template_gettext(domain), _template_ngettext(domain)
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def _template_gettext(domain: Domain):
    @pass_context
    def gettext(context, string: str, /, **variables) -> str:
        translated = domain.get_translations().ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables  # always a format string ("%%" is "%"), as Jinja's are

    return gettext


def _template_ngettext(domain: Domain):
    @pass_context
    def ngettext(context, singular: str, plural: str, n: int, /, **variables) -> str:
        variables.setdefault("num", n)
        translated = domain.get_translations().ungettext(singular, plural, n)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return ngettext


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


def lang_attribute(language: str) -> Markup:
    """`` lang="…"`` for text written in another language than the page's, else nothing: screen
    readers read it with the right voice (templates: ``<h2{{ lang_attribute(item.language) }}>``)."""
    if language == str(get_locale()):
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


def timezone_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """The time zones people live in, named in the reader's language ("Canada — Toronto",
    "Royaume-Uni — Londres") and sorted for them; values are IANA names. One zone per place:
    old aliases (America/Montreal, US/Eastern…) are left out, except ``keep`` (a person's
    stored zone), named like the zone it stands for."""
    ordered = _sorted_timezones(current_language() or "fr")
    if not keep or keep in dict(ordered) or keep not in available_timezones():
        return list(ordered)
    choices = dict(ordered)
    canonical = get_global("zone_aliases").get(keep, keep)
    choices[keep] = choices.get(canonical, keep.replace("_", " "))
    return sorted(choices.items(), key=lambda choice: (reading_order(choice[1]), choice[0]))


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
    """Date and time to the minute, in the reader's language and time zone."""
    return _("%(date)s, %(time)s", date=format_date(moment, "medium"), time=format_time(moment, "short"))


def language_of(user) -> str:
    """The language to write to a person in outside a request (e-mails): theirs, else the default."""
    return user.language or current_app.config["DEFAULT_LANGUAGE"]


def reading_languages(user) -> list[str]:
    """The languages the person reads content in: chosen on /me, else the interface language."""
    return list(user.content_languages) or [language_of(user)]
