from functools import lru_cache

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from base.form_fields import MultiCheckboxField, SharedOptionsSelect
from base.i18n import LANGUAGE_NAMES, gettext, reading_order, timezone_choices
from base.i18n import lazy_gettext as _l
from blueprints.accounts.models import NamedRow

NOT_SET = 0


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    department_id = SelectField(_l("Department"), coerce=int)
    site_id = SelectField(_l("Site"), coerce=int)
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    timezone = SelectField(_l("Time zone"), widget=SharedOptionsSelect())
    content_languages = MultiCheckboxField(
        _l("Languages of the content I share"),
        choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()],
    )
    directory_opt_in = BooleanField(
        _l("List me in the directory of my ambassador profiles, so colleagues can find me")
    )
    anonymous_on_boards = BooleanField(
        _l("Show me as “an ambassador” on public boards (wall of fame, badge holders, leaderboards)")
    )

    def __init__(self, departments, sites, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = named_choices(departments)
        self.site_id.choices = named_choices(sites)
        # Named in the reader's language; the person's own zone stays a choice, even an old alias.
        self.timezone.choices = timezone_choices(keep=self.timezone.data)


def named_choices(rows) -> tuple[tuple[int, str], ...]:
    """Departments or sites by their name in the reader's language, sorted for them, after "not
    set"; worked out once per language and list (a tuple: ``base.drawn`` keys it once)."""
    return _named_choices(tuple(rows), str(get_locale()))


@lru_cache(maxsize=32)
def _named_choices(rows: tuple[NamedRow, ...], language: str) -> tuple[tuple[int, str], ...]:
    ordered = sorted(rows, key=lambda row: reading_order(row.label))  # labels in ``language``
    return ((NOT_SET, gettext("— not set —")), *((row.id, row.label) for row in ordered))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
