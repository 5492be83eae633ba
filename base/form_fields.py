"""Form fields and helpers shared by several blueprints."""

import re
from datetime import UTC, datetime
from functools import lru_cache

from flask_babel import to_user_timezone, to_utc
from markupsafe import Markup, escape
from wtforms import DateTimeLocalField, IntegerField, SelectMultipleField, widgets
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation, ValidationError

from base.i18n import gettext as _
from base.i18n import lazy_gettext as _l

# Fields drawn as a list of choices: the summary of errors links to their first choice.
CHOICE_LISTS = ("MultiCheckboxField", "RadioField")

# What browsers send for <input type="datetime-local">; the first is also how a value is shown.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def stripped(value):
    """A form filter: text without surrounding white space."""
    return value.strip() if isinstance(value, str) else value


class SharedOptionsSelect(widgets.Select):
    """A select of hundreds of options that are the same for every reader of a language (time
    zones): their markup is built once per list of choices, then only the chosen one is marked."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        options = _options_markup(tuple((str(choice[0]), str(choice[1])) for choice in field.choices))
        if field.data is not None:
            plain = f'<option value="{escape(field.data)}">'
            options = options.replace(plain, f'<option selected value="{escape(field.data)}">', 1)
        return Markup(f"<select {widgets.html_params(name=field.name, **kwargs)}>{options}</select>")


@lru_cache(maxsize=8)
def _options_markup(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as check boxes (rendered as a fieldset by the ``field`` macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WholeNumberField(IntegerField):
    """A whole number. Text that is not one gets only the field's own message (from its
    NumberRange), not WTForms' "Not a valid integer value." besides, and is not printed back as
    the value of an ``<input type="number">`` (invalid HTML)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None  # the range validator says what to type

    def _value(self) -> str:
        shown = super()._value()
        return shown if re.fullmatch(r"-?[0-9]+", shown or "") else ""


def bounded_integer(label, low: int, high: int, message, required=None, **options) -> WholeNumberField:
    """A whole number from ``low`` to ``high``: optional, or required with the ``required``
    message; ``message`` for anything else; the browser is told the bounds too."""
    presence = InputRequired(message=required) if required else Optional()
    render_kw = {"min": low, "max": high, "inputmode": "numeric", **options.pop("render_kw", {})}
    return WholeNumberField(
        label,
        validators=[presence, NumberRange(min=low, max=high, message=message)],
        render_kw=render_kw,
        **options,
    )


def web_link(form, field) -> None:
    """Only http and https links, with a host: nothing a browser would run or open locally."""
    value = field.data or ""
    scheme, _, rest = value.partition("://")
    if (
        scheme.lower() not in ("http", "https")
        or not rest
        or rest.startswith("/")
        or any(c.isspace() for c in value)
    ):
        raise ValidationError(_l("Give a web address starting with http:// or https://."))


def local_moment(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as the editor's local wall-clock time, for a datetime-local field."""
    return to_user_timezone(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def stored_moment(local: datetime) -> datetime:
    """The editor's local wall-clock time as an aware UTC moment."""
    return to_utc(local).replace(tzinfo=UTC)


# The years a moment entered in a form may fall in: beyond, a mistyped year (0026, 20266)
# would overflow converting time zones.
SANE_YEARS = (2000, 2100)


class LocalMomentField(DateTimeLocalField):
    """A moment entered in the editor's time zone; filled (``obj=...``) from the stored UTC moment.
    A year outside SANE_YEARS is refused with a message (before any other check of the field,
    so that "This field is required." does not replace it)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=LOCAL_FORMATS, **kwargs)
        self.year_refused = False

    def process_data(self, value):
        self.data = local_moment(value)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        first, last = SANE_YEARS
        self.year_refused = self.data is not None and not first <= self.data.year <= last
        if self.year_refused:
            self.data = None

    def pre_validate(self, form):
        if self.year_refused:
            first, last = SANE_YEARS
            raise StopValidation(
                _l("Give a date between the years %(first)d and %(last)d.", first=first, last=last)
            )


class ErrorSummary:
    """A form's errors for the summary at its top, each naming its field and linking to it."""

    def error_summary(self) -> list[tuple[str, str]]:
        """(id of the field to go to, message) for every error of a visible field, then the
        form's own errors (no field to go to: "")."""
        found = []

        def walk(fields) -> None:
            for field in fields:
                if field.type in ("FormField", "FieldList"):
                    walk(field)
                elif field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
                    anchor = f"{field.id}-0" if field.type in CHOICE_LISTS else field.id
                    for message in field.errors:
                        found.append(
                            (anchor, _("%(field)s — %(message)s", field=field.label.text, message=message))
                        )

        walk(self)
        return found + [("", str(message)) for message in self.form_errors]
