"""The console's topic form: the service checks the values (and says what is wrong)."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from base.form_fields import MultiCheckboxField, stripped
from base.i18n import lazy_gettext as _l
from base.vocabularies import THEMES
from blueprints.mentoring.services import TOPIC_NAME_MAX, TopicInput
from blueprints.quiz.personae import PERSONAE


class TopicForm(FlaskForm):
    """Filled from a topic with ``TopicForm(obj=topic)``; ``changes()`` gives what to save."""

    name = StringField(
        _l("Name in French"), filters=[stripped], render_kw={"lang": "fr", "maxlength": TOPIC_NAME_MAX}
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[stripped],
        render_kw={"lang": "en", "maxlength": TOPIC_NAME_MAX},
    )
    personae = MultiCheckboxField(
        _l("Ambassador profiles that make good mentors for it"),
        choices=[SelectChoice(persona.key, persona.name) for persona in PERSONAE],
        validate_choice=False,  # the service refuses an unknown one, in words of ours
    )
    theme = SelectField(
        _l("Content theme that fits it (optional)"),
        choices=[SelectChoice("", _l("None"))] + [SelectChoice(key, label) for key, label in THEMES.items()],
        validate_choice=False,
    )

    def changes(self) -> TopicInput:
        return TopicInput(
            name=self.name.data or "",
            name_en=self.name_en.data or "",
            personae=list(self.personae.data or []),
            theme=self.theme.data or None,
        )
