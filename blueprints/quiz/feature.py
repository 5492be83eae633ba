"""The quiz and the ambassador profile pages ("personae" in the code)."""

from flask_babel import lazy_gettext as _l

from base.registry import Feature, NavEntry
from blueprints.accounts.models import Role
from blueprints.quiz import verbs
from blueprints.quiz.routes import bp

feature = Feature(
    "quiz",
    blueprints=[bp],
    verbs=verbs.VERBS,
    navigation=[
        NavEntry("quiz.intro", _l("Quiz"), Role.EMPLOYEE, ("quiz.intro", "quiz.question", "quiz.result"), 10),
        NavEntry(
            "quiz.personae", _l("Ambassador profiles"), Role.EMPLOYEE, ("quiz.personae", "quiz.persona"), 40
        ),
    ],
)
