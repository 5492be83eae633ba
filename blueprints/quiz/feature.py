"""The quiz and the ambassador profile pages ("personae" in the code)."""

from base.i18n import lazy_gettext as _l
from base.registry import EVER, Badge, Feature, NavEntry, Points
from blueprints.accounts.models import Role
from blueprints.quiz import verbs
from blueprints.quiz.routes import bp

feature = Feature(
    "quiz",
    blueprints=[bp],
    verbs=verbs.VERBS,
    points={verbs.QUIZ_COMPLETED: Points(_l("Taking the quiz"), 10, cap=1, period=EVER)},
    badges=[
        Badge(
            "quiz_done",
            _l("Ambassador profile"),
            _l("Take the quiz and discover your ambassador profile."),
            "🧭",
            (verbs.QUIZ_COMPLETED,),
        )
    ],
    navigation=[
        NavEntry("quiz.intro", _l("Quiz"), Role.EMPLOYEE, ("quiz.intro", "quiz.question", "quiz.result"), 10),
        NavEntry(
            "quiz.personae", _l("Ambassador profiles"), Role.EMPLOYEE, ("quiz.personae", "quiz.persona"), 40
        ),
    ],
)
