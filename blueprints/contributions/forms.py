"""Forms of declared contributions: the declaration, and the comms' validation and decline."""

from flask_babel import to_user_timezone
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from base.database import utcnow
from base.form_fields import ErrorSummary, stripped, web_link
from base.i18n import lazy_gettext as _l
from blueprints.contributions.catalogue import DESCRIPTION_MAX, KINDS, LINK_MAX, REASON_MAX, TITLE_MAX
from blueprints.contributions.services import NO_PERSONA, SUGGESTED, Declaration, date_refusal
from blueprints.quiz.personae import PERSONAE


def persona_choices() -> list[tuple[str, object]]:
    return [
        (SUGGESTED, _l("The one the kind suggests")),
        (NO_PERSONA, _l("None in particular")),
        *((persona.key, persona.name) for persona in PERSONAE),
    ]


class ContributionForm(ErrorSummary, FlaskForm):
    kind = SelectField(
        _l("What was it?"),
        choices=lambda: list(KINDS.items()),  # anything else: "Not a valid choice."
    )
    happened_on = DateField(
        _l("When did it happen?"),
        validators=[InputRequired(_l("Give the date it happened."))],
        render_kw={"autocomplete": "off"},
    )
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[DataRequired(_l("Give it a title.")), Length(max=TITLE_MAX)],
    )
    link = URLField(
        _l("Link (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=LINK_MAX), web_link],
    )
    description = TextAreaField(
        _l("In a few words"),
        filters=[stripped],
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        render_kw={"rows": 4, "maxlength": DESCRIPTION_MAX},
    )
    persona = SelectField(_l("Ambassador profile it relates to"), choices=persona_choices, default=SUGGESTED)

    def validate_happened_on(self, field) -> None:
        """The service checks it too; here, so that every error shows at once."""
        if field.data is None:  # not a date: the field already says so
            return
        refusal = date_refusal(field.data, to_user_timezone(utcnow()).date())
        if refusal:
            raise ValidationError(refusal)

    def declaration(self) -> Declaration:
        return Declaration(
            kind=self.kind.data,
            happened_on=self.happened_on.data,
            title=self.title.data,
            link=self.link.data or None,
            description=self.description.data or "",
            persona=self.persona.data,
        )


class ValidateForm(FlaskForm):
    featured = BooleanField(_l("Feature it at the top of the wall of fame"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason, sent to the person who declared it"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Give a reason: it is sent to the person who declared it.")),
            Length(max=REASON_MAX),
        ],
    )
