"""Forms of mentoring: the offer, the wish, a request, an answer, a session, the end and feedback.

They check what a person can fix at once (every error shows together); the services check it
again, with the rules that need the database, and name the field a refusal is about.
"""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from base.form_fields import ErrorSummary, MultiCheckboxField, stripped
from base.i18n import lazy_gettext as _l
from blueprints.mentoring.catalogue import LANGUAGE_LABELS, RHYTHM_LABELS
from blueprints.mentoring.models import Rhythm
from blueprints.mentoring.services import (
    CAPACITY_MAX,
    FEEDBACK_MAX,
    GOAL_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    NOTES_MAX,
    OfferInput,
    WishInput,
)
from blueprints.mentoring.topics import THEME_PREFIX, offered_topics

ACCEPT, DECLINE = "accept", "decline"


def at_most(limit: int) -> Length:
    """The services' own words for a text that is too long."""
    return Length(max=limit, message=_l("Keep it to %(num)s characters.", num=limit))


def chosen(message):
    """At least one box ticked."""

    def check(form, field) -> None:
        if not field.data:
            raise ValidationError(message)

    return check


def whole_number(value):
    """A select's value as a number, or None (the field's own check then says what to choose)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_LABELS.get(code, code)) for code in current_app.config["LANGUAGES"]]


class ChoicesForm(ErrorSummary, FlaskForm):
    """Topics (each form names them its way) and languages, from the lists offered now."""

    # An unknown value is refused by the service, in its words (not WTForms' "not a valid choice").
    languages = MultiCheckboxField(
        _l("Languages"),
        validators=[chosen(_l("Choose at least one language from the list."))],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [(topic.key, topic.label) for topic in offered_topics()]
        self.languages.choices = language_choices()

    def topic_groups(self) -> list[tuple[str, list]]:
        """The topic boxes in two groups, each with its legend: the skills comms manage, then
        the content themes (a group with no box is left out)."""
        boxes = list(self.topics)
        skills = [box for box in boxes if not box.data.startswith(THEME_PREFIX)]
        themes = [box for box in boxes if box.data.startswith(THEME_PREFIX)]
        groups = ((_l("Skills"), skills), (_l("Content themes"), themes))
        return [(legend, group) for legend, group in groups if group]


NO_TOPIC = _l("Choose at least one topic from the list.")


class OfferForm(ChoicesForm):
    topics = MultiCheckboxField(
        _l("Topics you can help with"), validators=[chosen(NO_TOPIC)], validate_choice=False
    )
    capacity = SelectField(
        _l("How many mentees at once"),
        coerce=whole_number,
        validate_choice=False,  # the check below says it in the services' words
        default=1,
    )
    note = TextAreaField(
        _l("How you like to work (optional)"),
        filters=[stripped],
        validators=[Optional(), at_most(NOTE_MAX)],
        render_kw={"rows": 4, "maxlength": NOTE_MAX},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacity.choices = [(number, str(number)) for number in range(1, CAPACITY_MAX + 1)]

    def validate_capacity(self, field) -> None:
        if field.data is None or not 1 <= field.data <= CAPACITY_MAX:
            raise ValidationError(_l("Take between 1 and %(num)s mentees at once.", num=CAPACITY_MAX))

    def offer(self) -> OfferInput:
        return OfferInput(self.topics.data, self.languages.data, self.capacity.data, self.note.data or "")


class WishForm(ChoicesForm):
    topics = MultiCheckboxField(
        _l("Topics you would like help with"), validators=[chosen(NO_TOPIC)], validate_choice=False
    )
    goal = TextAreaField(
        _l("Your goal, in your own words"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Say in a few words what you would like to achieve.")),
            at_most(GOAL_MAX),
        ],
        render_kw={"rows": 4, "maxlength": GOAL_MAX},
    )

    def wish(self) -> WishInput:
        return WishInput(self.topics.data, self.languages.data, self.goal.data)


class RequestForm(ErrorSummary, FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        filters=[stripped],
        validators=[DataRequired(_l("Write a few words to introduce yourself.")), at_most(MESSAGE_MAX)],
        render_kw={"rows": 5, "maxlength": MESSAGE_MAX},
    )


class AnswerForm(ErrorSummary, FlaskForm):
    """Yes or no to a waiting proposal: one button each; the reply and the rhythm are the mentor's.
    Several on a page: each has the prefix ``answer-<pair id>``."""

    decision = StringField(validators=[AnyOf((ACCEPT, DECLINE))])
    reply = TextAreaField(
        _l("Your reply (optional)"),
        filters=[stripped],
        validators=[Optional(), at_most(MESSAGE_MAX)],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )
    rhythm = SelectField(
        _l("Suggested rhythm, if you say yes"),
        choices=lambda: list(RHYTHM_LABELS.items()),
        default=Rhythm.FORTNIGHTLY.value,
    )

    @classmethod
    def for_pair(cls, pair_id: int, **kwargs) -> "AnswerForm":
        return cls(prefix=f"answer-{pair_id}", **kwargs)


class SessionForm(ErrorSummary, FlaskForm):
    held_on = DateField(
        _l("Date of the session"),
        validators=[InputRequired(_l("Give the date of the session."))],
        render_kw={"autocomplete": "off"},
    )
    notes = StringField(
        _l("In a line (optional)"),
        filters=[stripped],
        validators=[Optional(), at_most(NOTES_MAX)],
        render_kw={"maxlength": NOTES_MAX, "autocomplete": "off"},
    )


class EndForm(ErrorSummary, FlaskForm):
    feedback = TextAreaField(
        _l("Feedback for the comms team (optional)"),
        filters=[stripped],
        validators=[Optional(), at_most(FEEDBACK_MAX)],
        render_kw={"rows": 3, "maxlength": FEEDBACK_MAX},
    )


class FeedbackForm(ErrorSummary, FlaskForm):
    feedback = TextAreaField(
        _l("Your feedback for the comms team"),
        filters=[stripped],
        validators=[DataRequired(_l("Write your feedback first.")), at_most(FEEDBACK_MAX)],
        render_kw={"rows": 4, "maxlength": FEEDBACK_MAX},
    )
