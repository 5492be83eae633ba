"""Parts of pages drawn once and reused: a feed card, an event card… is the same HTML for every
reader in the same state (issue #14: drawing them was most of a list's work).

A part's key names everything it shows (its record's fields, the reader's state towards it,
the language, time zone and mount path): the HTML is a pure function of the key, so nothing
has to be forgotten when data changes, since changed data is another key. The most recently
used parts are kept per process.
"""

from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from threading import Lock
from time import monotonic

from flask import current_app, g, request, session
from flask_babel import get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from base.i18n import current_locale, settled_locale

DRAWN = "drawn_parts"  # the app's kept parts, in app.extensions
READER_KEYS = "_reader_keys"  # on flask.g
REQUEST_TOKEN = "_request_token"  # on flask.g
REQUEST_ADDRESS = "_request_address"  # on flask.g
PARTS_KEPT = 8192  # drawn parts kept per process (a few kilobytes each)
# Kept in place of what belongs to the request: its form token (wherever a drawn part wrote it:
# ``csrf_field()``, a form's ``hidden_tag()``) and its own address (``here``, where a part's forms
# return to). Any text of a part is escaped ("&lt;!--"), so only our markup can hold them.
TOKEN_MARK = "<!--token-->"
HERE_MARK = Markup("<!--here-->")


class DrawnParts:
    """The most recently used drawn parts, up to ``size``."""

    def __init__(self, size: int):
        self.size = size
        self.drawn: OrderedDict[tuple, str] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple) -> str | None:
        with self.lock:
            html = self.drawn.get(key)
            if html is not None:
                self.drawn.move_to_end(key)
            return html

    def keep(self, key: tuple, html: str) -> None:
        with self.lock:
            self.drawn[key] = html
            self.drawn.move_to_end(key)
            while len(self.drawn) > self.size:
                self.drawn.popitem(last=False)


def reader_key() -> tuple:
    """What every drawn part depends on besides its own fields: the reader's language and time
    zone, and the path the site is mounted at (its addresses start with it). Read once per
    request (a list asks it for each of its parts); a language switch answers with a redirect."""
    context_globals = g._get_current_object()  # the proxy once: pages ask for each part
    locale = settled_locale(context_globals) or current_locale()
    # Per language: a page may draw a part in another one (force_locale). Each entry holds its
    # locale, so the id it is found by stays that locale's for the request.
    keys = context_globals.setdefault(READER_KEYS, {})
    kept = keys.get(id(locale))
    if kept is None:
        kept = keys[id(locale)] = (locale, (str(locale), str(get_timezone()), request.script_root))
    return kept[1]


def part(template: str, key: tuple, drawing_context: Callable[[], dict] | None = None, **context) -> Markup:
    """``template`` drawn with ``context`` for ``key`` (which must name all the template shows,
    ``reader_key()`` included), kept and reused, with this request's form token and address put
    in. The template writes them as usual: ``{{ csrf_field() }}`` or a form's fields, ``{{ here }}``.
    ``drawing_context`` gives what only drawing needs (texts worked out from the key's fields),
    called only when the part is not kept."""
    parts = current_app.extensions.get(DRAWN)
    if parts is None:
        parts = current_app.extensions[DRAWN] = DrawnParts(PARTS_KEPT)
    full_key = (template, *key)
    html = parts.get(full_key)
    if html is None:
        if drawing_context is not None:
            context.update(drawing_context())
        drawing = current_app.jinja_env.get_template(template)
        html = without_token(drawing.render(here=HERE_MARK, **context))
        parts.keep(full_key, html)
    return with_request_parts(html)


def without_token(html: str) -> str:
    """A part as drawn, its form token (if drawing wrote this request's) marked instead."""
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])  # where Flask-WTF keeps it
    return html.replace(token, TOKEN_MARK) if token else html


def with_request_parts(html: str) -> Markup:
    """A drawn part with this request's form token and address in place of its marks."""
    if TOKEN_MARK in html:
        html = html.replace(TOKEN_MARK, request_token())
    if HERE_MARK in html:
        html = html.replace(HERE_MARK, request_address())
    return Markup(html)


def request_address() -> str:
    """This request's own address (path and query), escaped, worked out once per request."""
    here = g.get(REQUEST_ADDRESS)
    if here is None:
        here = str(escape(request.full_path.rstrip("?")))
        setattr(g, REQUEST_ADDRESS, here)
    return here


def request_token() -> str:
    """This request's form token, asked of Flask-WTF once (it reads its settings on every call,
    and a list asks for each of its parts); the one signed for the session's secret a moment
    ago when there is one (signing it is a real share of a small page's work)."""
    token = g.get(REQUEST_TOKEN)
    if token is None:
        # Flask-WTF's, if it gave the request one already: parts drawn with it are marked by it.
        token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"]) or _recently_signed()
        setattr(g, REQUEST_TOKEN, token)
    return token


class SignedTokens:
    """Form tokens signed in this process in the last ``REUSED_FOR`` seconds, by the session's
    secret they sign (Flask-WTF's), the most recent ``size``: a token is only ever valid with
    its own session's secret, and one signed a minute ago is as good as a new one."""

    REUSED_FOR = 60

    def __init__(self, size: int):
        self.size = size
        self.signed: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = Lock()

    def get(self, secret: str) -> str | None:
        with self.lock:
            found = self.signed.get(secret)
        if found is None or monotonic() - found[0] > self.REUSED_FOR:
            return None
        return found[1]

    def keep(self, secret: str, token: str) -> None:
        with self.lock:
            self.signed[secret] = (monotonic(), token)
            self.signed.move_to_end(secret)
            while len(self.signed) > self.size:
                self.signed.popitem(last=False)


SIGNED = "signed_form_tokens"  # the app's recently signed tokens, in app.extensions


def _recently_signed() -> str:
    """The session's form token signed a moment ago, else one Flask-WTF signs now (and kept);
    given to Flask-WTF for the rest of the request."""
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    tokens = current_app.extensions.get(SIGNED)
    if tokens is None:
        tokens = current_app.extensions[SIGNED] = SignedTokens(PARTS_KEPT)
    secret = session.get(field)
    token = secret and tokens.get(secret)
    if not token:
        token = generate_csrf()  # which gives the session its secret if it has none yet
        tokens.keep(session[field], token)
    setattr(g, field, token)  # where Flask-WTF keeps the request's token
    return token


def frozen(value):
    """A JSON value (a record's parameters) as a key can hold it: dicts and lists as tuples."""
    if isinstance(value, dict):
        return tuple((name, frozen(item)) for name, item in sorted(value.items()))
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    return value


def blank_form(template: str, form, **context) -> Markup:
    """``template`` showing ``form`` as first offered (not submitted: its starting values, no
    error), drawn once per state: the form's values and choices, ``context`` (hashable values)
    and the reader's language, zone and mount path (templates: ``blank_form``). A refused form
    holds the person's input: draw it as usual."""
    key = (form_key(form), tuple(sorted(context.items())), *reader_key())
    return part(template, key, form=form, **context)


def form_key(form) -> tuple:
    """What a form shows of itself: each field's value and, for a list, its choices."""
    return tuple(
        (field.name, frozen(field.data), _choices_key(getattr(field, "choices", None) or ()))
        for field in form
        if field.type != "CSRFTokenField"
    )


def _choices_key(choices) -> tuple:
    if isinstance(choices, tuple):
        return _shared_choices_key(choices)
    return tuple(map(_shown_choice, choices))


@lru_cache(maxsize=64)
def _shared_choices_key(choices: tuple) -> tuple:
    """The key of a list of choices that is the same for every form of a language (time zones,
    departments), given as a tuple: worked out once, not for each of its hundreds of options."""
    return tuple(map(_shown_choice, choices))


def _shown_choice(choice) -> tuple:
    """A list's option as a key holds it: declared as a pair or as WTForms' ``SelectChoice``."""
    if isinstance(choice, SelectChoice):
        return choice.value, str(choice.label)
    return choice[0], str(choice[1])
