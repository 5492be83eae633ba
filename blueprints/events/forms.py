"""The console's event editor; times are entered in the editor's time zone and stored in UTC."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from base.form_fields import (
    LocalMomentField,
    MultiCheckboxField,
    stored_moment,
    stripped,
    web_link,
)
from base.i18n import LANGUAGE_NAMES
from base.i18n import lazy_gettext as _l
from blueprints.events.catalogue import KINDS
from blueprints.events.services import EventChanges
from blueprints.quiz.personae import PERSONAE


class EventForm(FlaskForm):
    """Filled from an event with ``EventForm(obj=event)``; ``changes()`` gives what to save."""

    title = StringField(_l("Title"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        filters=[stripped],
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 6},
    )
    kind = SelectField(_l("Kind"), choices=lambda: list(KINDS.items()))
    starts_at = LocalMomentField(_l("Starts"), validators=[DataRequired()])
    ends_at = LocalMomentField(_l("Ends"), validators=[DataRequired()])
    place = StringField(_l("Place"), filters=[stripped], validators=[Optional(), Length(max=200)])
    online_url = URLField(
        _l("Online link"), filters=[stripped], validators=[Optional(), Length(max=2000), web_link]
    )
    capacity = IntegerField(
        _l("Seats"), validators=[Optional(), NumberRange(min=1, max=100000, message=_l("At least one seat."))]
    )
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    target_personae = MultiCheckboxField(
        _l("Suggested to which ambassador profiles? (none: everyone)"),
        choices=lambda: [(p.key, p.name) for p in PERSONAE],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_at.data and self.ends_at.data and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors.append(_l("The end must come after the start."))
            valid = False
        if not self.errors and not (self.place.data or self.online_url.data):
            self.place.errors.append(_l("Give a place or an online link."))
            valid = False
        return valid

    def changes(self) -> EventChanges:
        """The edit as plain values for the services: times in UTC, empty texts as the model stores them."""
        return EventChanges(
            title=self.title.data,
            description=self.description.data or "",
            kind=self.kind.data,
            language=self.language.data,
            starts_at=stored_moment(self.starts_at.data),
            ends_at=stored_moment(self.ends_at.data),
            place=self.place.data or "",
            online_url=self.online_url.data or None,
            capacity=self.capacity.data,
            target_personae=[key for key in self.target_personae.data or [] if key],
        )
