from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from base.form_fields import MultiCheckboxField
from base.i18n import LANGUAGE_NAMES, timezone_choices

NOT_SET = 0


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    department_id = SelectField(_l("Department"), coerce=int)
    site_id = SelectField(_l("Site"), coerce=int)
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    timezone = SelectField(_l("Time zone"))
    content_languages = MultiCheckboxField(
        _l("Languages of the content I share"),
        choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()],
    )
    directory_opt_in = BooleanField(_l("List me in the directory of my personae, so colleagues can find me"))

    def __init__(self, departments, sites, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_set = SelectChoice(NOT_SET, _l("— not set —"))
        self.department_id.choices = [not_set] + [SelectChoice(d.id, d.name) for d in departments]
        self.site_id.choices = [not_set] + [SelectChoice(s.id, s.name) for s in sites]
        self.timezone.choices = [SelectChoice(*zone) for zone in timezone_choices()]


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
