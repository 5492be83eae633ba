"""The time-zone label shown beside event times ("Paris time", "heure de Paris"): events happen in
Paris, London, Montréal and online, and times are written in the reader's zone, so say which."""

from functools import cache

from babel.dates import get_timezone, get_timezone_location
from flask_babel import get_locale
from flask_babel import get_timezone as reader_timezone

from base.i18n import gettext as _
from base.i18n import pgettext

# French elides "de" before a vowel: "heure d'Amsterdam" (a context the translation can use).
VOWELS = tuple("aeiouâàäéèêëîïôöûùüœæ")
UNIVERSAL = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Universal", "Zulu"}


@cache
def zone_city(zone_name: str, locale: str) -> str:
    """The zone's city in the reader's language (CLDR, read once per zone and language); an alias
    keeps its own city (Montreal, not the Toronto it links to)."""
    zone = get_timezone(zone_name)
    own = zone_name.rsplit("/", 1)[-1].replace("_", " ")
    canonical = get_timezone_location(zone, locale="en", return_city=True).rsplit("/", 1)[-1]
    if own != canonical:
        return own
    return get_timezone_location(zone, locale=locale, return_city=True).rsplit("/", 1)[-1]


def zone_label(zone_name: str | None = None) -> str:
    """The reader's time zone as a short label, in the current language."""
    zone_name = zone_name or str(reader_timezone())
    if zone_name in UNIVERSAL:
        return "UTC"
    city = zone_city(zone_name, str(get_locale()))
    if city[:1].lower() in VOWELS:
        return pgettext("a city starting with a vowel", "%(city)s time", city=city)
    return _("%(city)s time", city=city)
