"""Forms of the content library: suggestion, share, moderation, console editor and charter."""

from dataclasses import replace

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields import Label
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from base.form_fields import (
    ErrorSummary,
    LocalMomentField,
    MultiCheckboxField,
    stored_moment,
    stripped,
    web_link,
)
from base.i18n import LANGUAGE_NAMES, ngettext
from base.i18n import lazy_gettext as _l
from base.vocabularies import SHARE_NETWORKS, THEMES, Network
from blueprints.content.catalogue import KINDS, MAX_VARIANTS, STATUS_LABELS, Status
from blueprints.content.models import ContentItem
from blueprints.content.services import ItemChanges
from blueprints.quiz.personae import PERSONAE


class SuggestForm(ErrorSummary, FlaskForm):
    url = URLField(
        _l("Link"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Give the address of the page you suggest.")),
            Length(max=2000),
            web_link,
        ],
    )
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[DataRequired(_l("Give the title of the content.")), Length(max=200)],
    )
    reason = TextAreaField(
        _l("Why is it worth sharing?"),
        filters=[stripped],
        validators=[DataRequired(_l("Say in a sentence or two why it is worth sharing.")), Length(max=1000)],
    )
    language = SelectField(
        _l("Language of the content"), choices=[SelectChoice(*i) for i in LANGUAGE_NAMES.items()]
    )


class ShareForm(FlaskForm):
    text = TextAreaField(_l("Your post"), filters=[stripped])


REASON_NEEDED = _l("Give a reason: it is sent to the person who suggested it.")


class RejectForm(ErrorSummary, FlaskForm):
    reason = TextAreaField(
        _l("Reason, sent to the person who suggested it"),
        filters=[stripped],
        validators=[DataRequired(REASON_NEEDED), Length(max=1000)],
    )


MAX_AT_ONCE = 100  # suggestions decided in one go


def item_id(value) -> int:
    """An item id from a form: a whole number the database can hold, or ValueError."""
    number = int(value)
    if not 0 < number < 2**31:
        raise ValueError("not an item id")
    return number


class QueueForm(FlaskForm):
    """Deciding from the queue: approve the selected suggestions as they are, or reject them
    with one reason. Each card's own buttons send its id alone (and ``item`` to show an error
    beside it); the bulk form's check boxes send several."""

    selected = SelectMultipleField(
        coerce=item_id,
        validate_choice=False,
        validators=[DataRequired(_l("Select at least one suggestion."))],
    )
    decision = StringField(validators=[AnyOf(["approve", "reject"])])
    reason = TextAreaField(
        _l("Reason for rejecting, sent to each person"), filters=[stripped], validators=[Length(max=1000)]
    )
    item = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if len(self.selected.data or []) > MAX_AT_ONCE:
            message = ngettext(
                "Select at most %(num)s suggestion at a time.",
                "Select at most %(num)s suggestions at a time.",
                MAX_AT_ONCE,
            )
            self.selected.errors.append(message)
            valid = False
        if self.decision.data == "reject" and not self.reason.data and not self.reason.errors:
            self.reason.errors.append(REASON_NEEDED)
            valid = False
        return valid

    @property
    def approving(self) -> bool:
        return self.decision.data == "approve"


class CharterForm(ErrorSummary, FlaskForm):
    body_fr = TextAreaField(
        _l("Charter in French"),
        filters=[stripped],
        validators=[DataRequired(_l("Write the charter in French."))],
    )
    body_en = TextAreaField(
        _l("Charter in English"),
        filters=[stripped],
        validators=[DataRequired(_l("Write the charter in English."))],
    )


def fits_network(network: Network):
    """A share text's validator: the network's rule, with room for the item's link if it has a valid one."""

    def validate(form, field) -> None:
        link = form.item_link  # the link is validated before the share texts
        refusal = network.text_refusal(field.data, has_link=bool(link.data) and not link.errors)
        if refusal:
            raise ValidationError(refusal)

    return validate


# The share texts of an item: for each network offered, a list of MAX_VARIANTS texts named
# ``<network>-<n>``. The item form gives it ``item_link``, its link field, once built.
ShareTextsForm = type(
    "ShareTextsForm",
    (Form,),
    {
        network.key: FieldList(
            TextAreaField(default="", filters=[stripped], validators=[fits_network(network)]),
            min_entries=MAX_VARIANTS,
            max_entries=MAX_VARIANTS,
        )
        for network in SHARE_NETWORKS.values()
    },
)


class ItemFieldsForm(ErrorSummary, FlaskForm):
    """An item's fields, as a moderator approves a suggestion (approving publishes: no status).

    Filled from an item with ``of(item)``; ``changes()`` gives what to save.
    Dates are entered in the editor's time zone and stored in UTC.
    """

    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[DataRequired(_l("Give the item a title.")), Length(max=200)],
    )
    summary = TextAreaField(_l("Summary"), filters=[stripped], validators=[Optional(), Length(max=2000)])
    url = URLField(_l("Link"), filters=[stripped], validators=[Optional(), Length(max=2000), web_link])
    theme = SelectField(_l("Theme"), choices=lambda: list(THEMES.items()))
    kind = SelectField(_l("Type"), choices=lambda: list(KINDS.items()))
    language = SelectField(_l("Language"), choices=[SelectChoice(*item) for item in LANGUAGE_NAMES.items()])
    target_personae = MultiCheckboxField(
        _l("For which ambassador profiles? (none: everyone)"),
        choices=lambda: [(p.key, p.name) for p in PERSONAE],
    )
    publish_at = LocalMomentField(_l("Publish from"), validators=[Optional()])
    expire_at = LocalMomentField(_l("Withdraw on"), validators=[Optional()])
    pinned = BooleanField(_l("Pin at the top of everyone's feed"))
    texts = FormField(ShareTextsForm)

    @classmethod
    def of(cls, item: ContentItem, **kwargs):
        """The form showing an item: its fields from its attributes, its share texts by network."""
        texts = {network: item.texts_for(network)[:MAX_VARIANTS] for network in SHARE_NETWORKS}
        return cls(obj=item, texts=texts, **kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts.form.item_link = self.url
        # A field list's entries share one label: each text gets its own, with its number.
        for network in SHARE_NETWORKS.values():
            for number, text_field in enumerate(self.texts[network.key], start=1):
                text_field.label = Label(
                    text_field.id, _l("%(network)s, text %(number)s", network=network.name, number=number)
                )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.publish_at.data and self.expire_at.data and self.expire_at.data <= self.publish_at.data:
            self.expire_at.errors.append(_l("The withdrawal must come after the publication."))
            valid = False
        return valid

    def changes(self) -> ItemChanges:
        """The submitted item as plain values for the services: dates in UTC, no link as None."""
        return ItemChanges(
            title=self.title.data,
            summary=self.summary.data or "",
            url=self.url.data or None,
            theme=self.theme.data,
            kind=self.kind.data,
            language=self.language.data,
            target_personae=self.target_personae.data or [],
            publish_at=stored_moment(self.publish_at.data) if self.publish_at.data else None,
            expire_at=stored_moment(self.expire_at.data) if self.expire_at.data else None,
            pinned=self.pinned.data,
            share_texts=self.texts.data,
        )


class ItemForm(ItemFieldsForm):
    """The console's editor: an item's fields and its status."""

    status = SelectField(
        _l("Status"),
        coerce=Status,
        choices=lambda: [(s, STATUS_LABELS[s]) for s in (Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED)],
    )

    def changes(self) -> ItemChanges:
        return replace(super().changes(), status=self.status.data)
