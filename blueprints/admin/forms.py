from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from base.form_fields import stripped
from base.i18n import LANGUAGE_NAMES
from base.i18n import lazy_gettext as _l
from blueprints.accounts.labels import ROLE_LABELS
from blueprints.accounts.models import Role


def role_choices():
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class NewUserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"), filters=[stripped], validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(_l("Role"), choices=role_choices, default=Role.EMPLOYEE.value)
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    site = StringField(_l("Site"), validators=[Optional(), Length(max=120)])
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    password = PasswordField(
        _l("Password (leave empty to generate one)"), validators=[Optional(), Length(min=8, max=200)]
    )
