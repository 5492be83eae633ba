"""The console's challenge editor: both languages, what counts, the window in the programme's
time zone (where its days and weeks are counted), the reward and the audience."""

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from base.form_fields import ErrorSummary, LocalMomentField, MultiCheckboxField, bounded_integer, stripped
from base.i18n import lazy_gettext as _l
from base.i18n import lazy_number
from base.registry import registry
from blueprints.challenges.editing import (
    MAX_DAILY_CAP,
    MAX_DESCRIPTION,
    MAX_REWARD_TEXT,
    MAX_TARGET,
    MAX_TITLE,
    MAX_WINNERS,
    ChallengeChanges,
    EditorChoices,
)
from blueprints.challenges.models import GroupBy, Mode, RewardKind
from blueprints.quiz.personae import PERSONAE
from blueprints.recognition.periods import programme_zone
from blueprints.rewards.catalogue import reward_title

MODES = {
    Mode.PERSONAL: _l("Personal: each person against the others"),
    Mode.COLLECTIVE: _l("Collective: groups together, compared by the average per active member"),
}
GROUPS = {GroupBy.DEPARTMENT: _l("Departments"), GroupBy.SITE: _l("Sites")}
REWARD_KINDS = {
    RewardKind.SYMBOLIC: _l("Symbolic: on the wall of fame, a donation to a cause…"),
    RewardKind.CONSUMABLE: _l("Consumable: something the winners receive"),
}


class ProgrammeMomentField(LocalMomentField):
    """A moment entered in the programme's time zone (a challenge's days and weeks are the
    programme's), whatever the editor's own; filled from the stored UTC moment."""

    def process_data(self, value):
        self.data = (
            value.astimezone(programme_zone()).replace(tzinfo=None, second=0, microsecond=0)
            if value
            else None
        )


def programme_moment(local: datetime) -> datetime:
    """A wall-clock time of the programme's time zone as an aware UTC moment."""
    return local.replace(tzinfo=programme_zone()).astimezone(UTC)


def _value(member):
    return member.value if hasattr(member, "value") else member


def _optional_id(value):
    if value in (None, ""):
        return None
    if hasattr(value, "id"):
        return value.id
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: refused as such


def _text(label, limit, lang, rows=None):
    render = {"lang": lang}
    if rows:
        render["rows"] = rows
        return TextAreaField(
            label, filters=[stripped], validators=[Optional(), Length(max=limit)], render_kw=render
        )
    return StringField(
        label, filters=[stripped], validators=[Optional(), Length(max=limit)], render_kw=render
    )


class ChallengeForm(ErrorSummary, FlaskForm):
    """Filled from a challenge with ``ChallengeForm(obj=challenge)``; ``changes()`` gives what to
    save. ``set_choices`` gives it the departments, sites and catalogue rewards to choose from."""

    title_fr = _text(_l("Title in French"), MAX_TITLE, "fr")
    title_en = _text(_l("Title in English"), MAX_TITLE, "en")
    description_fr = _text(_l("Description in French"), MAX_DESCRIPTION, "fr", rows=4)
    description_en = _text(_l("Description in English"), MAX_DESCRIPTION, "en", rows=4)
    mode = RadioField(
        _l("Mode"),
        choices=[SelectChoice(mode.value, label) for mode, label in MODES.items()],
        default=Mode.PERSONAL.value,
        coerce=_value,
        validators=[InputRequired(message=_l("Choose a mode."))],
    )
    # No "required" flag: a select always sends one of its options (anything else is not a valid choice).
    metric = SelectField(
        _l("What counts"), choices=lambda: [(key, metric.label) for key, metric in registry().metrics.items()]
    )
    group_by = SelectField(
        _l("Groups (collective mode)"),
        choices=[
            SelectChoice("", _l("None (personal mode)")),
            *(SelectChoice(g.value, label) for g, label in GROUPS.items()),
        ],
        coerce=lambda value: _value(value) if value else "",
    )
    starts_at = ProgrammeMomentField(_l("Starts"), validators=[DataRequired(message=_l("Give the start."))])
    ends_at = ProgrammeMomentField(
        _l("Ends (excluded)"), validators=[DataRequired(message=_l("Give the end."))]
    )
    target = bounded_integer(
        _l("Target"),
        1,
        MAX_TARGET,
        _l("The target is a whole number from 1 to %(max)s, or empty.", max=lazy_number(MAX_TARGET)),
    )
    daily_cap = bounded_integer(
        _l("Daily cap per person"),
        1,
        MAX_DAILY_CAP,
        _l("The daily cap is a whole number from 1 to %(max)s, or empty.", max=lazy_number(MAX_DAILY_CAP)),
    )
    reward_kind = RadioField(
        _l("Reward"),
        choices=[SelectChoice(kind.value, label) for kind, label in REWARD_KINDS.items()],
        default=RewardKind.SYMBOLIC.value,
        coerce=_value,
        validators=[InputRequired(message=_l("Choose the kind of reward."))],
    )
    reward_fr = _text(_l("The reward, in French"), MAX_REWARD_TEXT, "fr", rows=2)
    reward_en = _text(_l("The reward, in English"), MAX_REWARD_TEXT, "en", rows=2)
    reward_id = SelectField(_l("Reward from the catalogue, delivered to each winner"), coerce=_optional_id)
    winners = bounded_integer(
        _l("Winners (personal mode: the top ranks, ties included)"),
        1,
        MAX_WINNERS,
        _l("The number of winners is a whole number from 1 to %(max)s.", max=MAX_WINNERS),
        required=_l("Give the number of winners."),
        default=3,
    )
    audience_departments = MultiCheckboxField(_l("Departments"), coerce=int)
    audience_sites = MultiCheckboxField(_l("Sites"), coerce=int)
    audience_personae = MultiCheckboxField(
        _l("Ambassador profiles"), choices=lambda: [(persona.key, persona.name) for persona in PERSONAE]
    )

    def set_choices(self, choices: EditorChoices) -> None:
        self.audience_departments.choices = [(d.id, d.label) for d in choices.departments]
        self.audience_sites.choices = [(s.id, s.label) for s in choices.sites]
        self.reward_id.choices = [SelectChoice("", _l("None: the comms team delivers it as described"))] + [
            SelectChoice(reward.id, reward_title(reward).text) for reward in choices.rewards
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.title_fr.data or self.title_en.data):
            self.title_fr.errors.append(_l("Give a title in at least one language."))
            valid = False
        if self.starts_at.data and self.ends_at.data and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors.append(_l("The end must come after the start."))
            valid = False
        if self.mode.data == Mode.COLLECTIVE and not self.group_by.data:
            self.group_by.errors.append(_l("A collective challenge needs its groups: departments or sites."))
            valid = False
        if self.reward_id.data is not None and self.reward_kind.data != RewardKind.CONSUMABLE:
            self.reward_id.errors.append(
                _l("A reward from the catalogue is for a consumable reward: choose that kind, or none.")
            )
            valid = False
        return valid

    def changes(self) -> ChallengeChanges:
        """The edit as plain values for the services: moments in UTC, empty texts as stored,
        no groups in personal mode."""
        mode = Mode(self.mode.data)
        return ChallengeChanges(
            title_fr=self.title_fr.data or None,
            title_en=self.title_en.data or None,
            description_fr=self.description_fr.data or "",
            description_en=self.description_en.data or "",
            mode=mode,
            metric=self.metric.data,
            starts_at=programme_moment(self.starts_at.data),
            ends_at=programme_moment(self.ends_at.data),
            target=self.target.data,
            group_by=GroupBy(self.group_by.data) if mode == Mode.COLLECTIVE else None,
            reward_kind=RewardKind(self.reward_kind.data),
            reward_fr=self.reward_fr.data or "",
            reward_en=self.reward_en.data or "",
            reward_id=self.reward_id.data,
            winners=self.winners.data,
            daily_cap=self.daily_cap.data,
            audience_departments=list(self.audience_departments.data or []),
            audience_sites=list(self.audience_sites.data or []),
            audience_personae=[key for key in self.audience_personae.data or [] if key],
        )
