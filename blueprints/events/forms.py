"""The console's event editor; times are entered in the editor's time zone and stored in UTC."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from base.form_fields import (
    LOCAL_FORMATS,
    MultiCheckboxField,
    local_moment,
    stored_moment,
    stripped,
    web_link,
)
from base.i18n import LANGUAGE_NAMES
from blueprints.events.catalogue import KINDS
from blueprints.events.models import Event
from blueprints.quiz.personae import PERSONAE


class EventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), filters=[stripped], validators=[Optional(), Length(max=5000)]
    )
    kind = SelectField(_l("Kind"), choices=lambda: list(KINDS.items()))
    starts_at = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMATS, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMATS, validators=[DataRequired()])
    place = StringField(_l("Place"), filters=[stripped], validators=[Optional(), Length(max=200)])
    online_url = URLField(
        _l("Online link"), filters=[stripped], validators=[Optional(), Length(max=2000), web_link]
    )
    capacity = IntegerField(
        _l("Seats"), validators=[Optional(), NumberRange(min=1, max=100000, message=_l("At least one seat."))]
    )
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    target_personae = MultiCheckboxField(
        _l("Suggested to which personae? (none: everyone)"),
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

    def fill_from(self, event: Event) -> None:
        for name in ("title", "description", "kind", "place", "online_url", "capacity", "language"):
            self[name].data = getattr(event, name)
        self.target_personae.data = list(event.target_personae or [])
        self.starts_at.data = local_moment(event.starts_at)
        self.ends_at.data = local_moment(event.ends_at)

    def copy_to(self, event: Event) -> bool:
        """Copy everything but the capacity (changed under the event's lock); whether time or place changed."""
        before = (event.starts_at, event.ends_at, event.place, event.online_url)
        for name in ("title", "kind", "language"):
            setattr(event, name, self[name].data)
        event.description = self.description.data or ""
        event.place = self.place.data or ""
        event.online_url = self.online_url.data or None
        event.target_personae = [key for key in self.target_personae.data or [] if key]
        event.starts_at = stored_moment(self.starts_at.data)
        event.ends_at = stored_moment(self.ends_at.data)
        return before != (event.starts_at, event.ends_at, event.place, event.online_url)
