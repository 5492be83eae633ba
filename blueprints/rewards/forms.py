"""The console's reward editor: both languages, a cost, a stock for consumable rewards only."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from base.form_fields import ErrorSummary, bounded_integer, stripped
from base.i18n import lazy_gettext as _l
from base.i18n import lazy_number
from blueprints.rewards.catalogue import KINDS
from blueprints.rewards.models import RewardKind
from blueprints.rewards.services import MAX_COST, MAX_STOCK, RewardChanges


class RewardForm(ErrorSummary, FlaskForm):
    """Filled from a reward with ``RewardForm(obj=reward)``; ``changes()`` gives what to save."""

    kind = RadioField(
        _l("Type"),
        choices=[SelectChoice(kind.value, label) for kind, label in KINDS.items()],
        default=RewardKind.CONSUMABLE.value,
        coerce=lambda value: value.value if isinstance(value, RewardKind) else value,
        validators=[InputRequired(message=_l("Choose a kind."))],
    )
    title_fr = StringField(
        _l("Title in French"),
        filters=[stripped],
        validators=[Optional(), Length(max=120)],
        render_kw={"lang": "fr"},
    )
    title_en = StringField(
        _l("Title in English"),
        filters=[stripped],
        validators=[Optional(), Length(max=120)],
        render_kw={"lang": "en"},
    )
    description_fr = TextAreaField(
        _l("Description in French"),
        filters=[stripped],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4, "lang": "fr"},
    )
    description_en = TextAreaField(
        _l("Description in English"),
        filters=[stripped],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4, "lang": "en"},
    )
    cost = bounded_integer(
        _l("Cost in points"),
        1,
        MAX_COST,
        _l("The cost is a whole number of points from 1 to %(max)s.", max=lazy_number(MAX_COST)),
        required=_l("Give the cost in points."),
    )
    stock = bounded_integer(
        _l("Stock left"),
        0,
        MAX_STOCK,
        _l("The stock is a whole number from 0 to %(max)s.", max=lazy_number(MAX_STOCK)),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.title_fr.data or self.title_en.data):
            self.title_fr.errors.append(_l("Give a title in at least one language."))
            valid = False
        if self.kind.data == RewardKind.CONSUMABLE and self.stock.data is None and not self.stock.errors:
            self.stock.errors.append(_l("A consumable reward needs a stock."))
            valid = False
        if self.kind.data == RewardKind.SYMBOLIC and self.stock.raw_data and self.stock.raw_data[0].strip():
            self.stock.errors.append(_l("A symbolic reward has no stock: leave it empty."))
            valid = False
        return valid

    def changes(self) -> RewardChanges:
        """The edit as plain values for the services: empty texts as the model stores them."""
        kind = RewardKind(self.kind.data)
        return RewardChanges(
            kind=kind,
            title_fr=self.title_fr.data or None,
            title_en=self.title_en.data or None,
            description_fr=self.description_fr.data or "",
            description_en=self.description_en.data or "",
            cost=self.cost.data,
            stock=self.stock.data if kind == RewardKind.CONSUMABLE else None,
        )
