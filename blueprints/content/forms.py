"""Forms of the content library: suggestion, share, moderation, console editor and charter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from base.form_fields import (
    LOCAL_FORMATS,
    MultiCheckboxField,
    local_moment,
    stored_moment,
    stripped,
    web_link,
)
from base.i18n import LANGUAGE_NAMES
from base.vocabularies import SHARE_NETWORKS, THEMES
from blueprints.content.catalogue import KINDS, MAX_VARIANTS, STATUS_LABELS, Status
from blueprints.content.models import ContentItem
from blueprints.quiz.personae import PERSONAE


class SuggestForm(FlaskForm):
    url = URLField(_l("Link"), filters=[stripped], validators=[DataRequired(), Length(max=2000), web_link])
    title = StringField(_l("Title"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField(
        _l("Why is it worth sharing?"), filters=[stripped], validators=[DataRequired(), Length(max=1000)]
    )
    language = SelectField(
        _l("Language of the content"), choices=[SelectChoice(*i) for i in LANGUAGE_NAMES.items()]
    )


class ShareForm(FlaskForm):
    text = TextAreaField(_l("Your post"), filters=[stripped])


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason, sent to the person who suggested it"),
        filters=[stripped],
        validators=[DataRequired(), Length(max=1000)],
    )


class CharterForm(FlaskForm):
    body_fr = TextAreaField(_l("Charter in French"), filters=[stripped], validators=[DataRequired()])
    body_en = TextAreaField(_l("Charter in English"), filters=[stripped], validators=[DataRequired()])


def share_text_field_name(network: str, position: int) -> str:
    return f"text_{network}_{position}"


class ItemForm(FlaskForm):
    """The console's editor; dates are entered in the editor's time zone and stored in UTC."""

    title = StringField(_l("Title"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), filters=[stripped], validators=[Optional(), Length(max=2000)])
    url = URLField(_l("Link"), filters=[stripped], validators=[Optional(), Length(max=2000), web_link])
    theme = SelectField(_l("Theme"), choices=lambda: list(THEMES.items()))
    kind = SelectField(_l("Type"), choices=lambda: list(KINDS.items()))
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    target_personae = MultiCheckboxField(
        _l("For which personae? (none: everyone)"), choices=lambda: [(p.key, p.name) for p in PERSONAE]
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: [
            (s.value, STATUS_LABELS[s]) for s in (Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED)
        ],
    )
    publish_at = DateTimeLocalField(_l("Publish from"), format=LOCAL_FORMATS, validators=[Optional()])
    expire_at = DateTimeLocalField(_l("Withdraw on"), format=LOCAL_FORMATS, validators=[Optional()])
    pinned = BooleanField(_l("Pin at the top of everyone's feed"))

    def share_text_fields(self, network: str) -> list:
        return [self[share_text_field_name(network, position)] for position in range(MAX_VARIANTS)]

    def share_texts(self) -> dict[str, list[str]]:
        return {
            network: [f.data or "" for f in self.share_text_fields(network)] for network in SHARE_NETWORKS
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_link = bool(self.url.data) and not self.url.errors
        for network in SHARE_NETWORKS.values():
            limit = network.text_limit_with_link(has_link)
            for text_field in self.share_text_fields(network.key):
                if len(text_field.data or "") > limit:
                    text_field.errors.append(
                        _l(
                            "%(length)s characters: %(network)s takes %(limit)s here.",
                            length=len(text_field.data),
                            network=network.name,
                            limit=limit,
                        )
                    )
                    valid = False
        if self.publish_at.data and self.expire_at.data and self.expire_at.data <= self.publish_at.data:
            self.expire_at.errors.append(_l("The withdrawal must come after the publication."))
            valid = False
        return valid

    def fill_from(self, item: ContentItem) -> None:
        """Show an item's values (dates in the editor's time zone)."""
        for name in ("title", "summary", "url", "theme", "kind", "language", "pinned"):
            self[name].data = getattr(item, name)
        self.target_personae.data = list(item.target_personae or [])
        if "status" in self:
            self.status.data = item.status.value
        self.publish_at.data = local_moment(item.publish_at)
        self.expire_at.data = local_moment(item.expire_at)
        for network in SHARE_NETWORKS:
            texts = item.texts_for(network)
            for position, text_field in enumerate(self.share_text_fields(network)):
                text_field.data = texts[position] if position < len(texts) else ""

    def copy_to(self, item: ContentItem) -> None:
        for name in ("title", "summary", "theme", "kind", "language", "pinned"):
            setattr(item, name, self[name].data)
        item.url = self.url.data or None
        item.target_personae = [key for key in self.target_personae.data or [] if key]
        if "status" in self:
            item.status = Status(self.status.data)
        if self.publish_at.data:
            item.publish_at = stored_moment(self.publish_at.data)
        item.expire_at = stored_moment(self.expire_at.data) if self.expire_at.data else None


for _network in SHARE_NETWORKS.values():
    for _position in range(MAX_VARIANTS):
        setattr(
            ItemForm,
            share_text_field_name(_network.key, _position),
            TextAreaField(
                _l("%(network)s, text %(number)s", network=_network.name, number=_position + 1),
                filters=[stripped],
            ),
        )


class ModerationForm(ItemForm):
    """Approving a suggestion: the editor without a status (approval publishes)."""

    status = None
