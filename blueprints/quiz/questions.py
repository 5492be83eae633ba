"""The persona quiz, version 1: ten questions that weigh personae, one on networks.

Each option adds weights to one or more personae. Changing weights or options
means a new QUIZ_VERSION; stored results keep their answers, so they can be
re-scored.
"""

from dataclasses import dataclass, field

from base.i18n import lazy_gettext as _l
from base.vocabularies import NETWORKS

QUIZ_VERSION = 1


@dataclass(frozen=True)
class Option:
    key: str
    label: object
    weights: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    key: str
    text: object
    options: tuple[Option, ...]
    multiple: bool = False  # several options may be chosen (networks)

    def option_keys(self) -> set[str]:
        return {option.key for option in self.options}


NETWORKS_QUESTION = "networks"
NO_NETWORK = "none"

QUESTIONS = (
    Question(
        "good_news",
        _l("The company announces good news. What do you do?"),
        (
            Option("relay", _l("I relay the official post with a short word"), {"messenger": 3, "liker": 1}),
            Option("react", _l("I like and comment on it"), {"liker": 3}),
            Option("explain", _l("I explain in my own words what it changes"), {"explainer": 3, "expert": 1}),
            Option("figures", _l("I look for the figures behind it"), {"fact_checker": 3}),
            Option("nothing", _l("Nothing for now, I watch"), {}),
        ),
    ),
    Question(
        "phone",
        _l("Your phone is full of…"),
        (
            Option("photos", _l("Photos of my team and my workplace"), {"reporter": 3, "insider": 1}),
            Option("articles", _l("Saved articles to read"), {"curator": 3, "fact_checker": 1}),
            Option("notes", _l("Notes and ideas for my work"), {"expert": 2, "agitator": 1}),
            Option("messages", _l("Messages from colleagues asking for help"), {"helper": 3}),
        ),
    ),
    Question(
        "event",
        _l("You attend a trade fair for the company. You…"),
        (
            Option("live", _l("Post live stories and photos"), {"insider": 3, "reporter": 2}),
            Option("recap", _l("Write a recap of what I learnt afterwards"), {"expert": 2, "explainer": 2}),
            Option("contacts", _l("Meet people who could join us"), {"talent_scout": 3}),
            Option("relay", _l("Relay the company's posts about it"), {"messenger": 2, "liker": 2}),
        ),
    ),
    Question(
        "colleague_question",
        _l("A colleague asks how to post about their project. You…"),
        (
            Option("help", _l("Sit down with them and help"), {"helper": 3}),
            Option("simplify", _l("Help them say it simply"), {"explainer": 3}),
            Option("debate", _l("Suggest a question to spark a discussion"), {"agitator": 3}),
            Option("boost", _l("Promise to react as soon as it is online"), {"liker": 3}),
        ),
    ),
    Question(
        "feed_reading",
        _l("When you scroll through your feed, you stop on…"),
        (
            Option("industry", _l("Analyses of my industry"), {"expert": 2, "curator": 2}),
            Option("stories", _l("Stories of people at work"), {"reporter": 2, "talent_scout": 1}),
            Option("debates", _l("Lively debates"), {"agitator": 3}),
            Option("data", _l("Studies and figures"), {"fact_checker": 3, "curator": 1}),
            Option("friends", _l("News of colleagues and friends"), {"liker": 2, "messenger": 1}),
        ),
    ),
    Question(
        "job_offer",
        _l("Your team is hiring. You…"),
        (
            Option("share", _l("Share the offer saying why I like my job"), {"talent_scout": 3}),
            Option(
                "network",
                _l("Think of someone in my network and tell them"),
                {"talent_scout": 2, "helper": 1},
            ),
            Option("relay", _l("Relay the offer as it is"), {"messenger": 2}),
            Option("day", _l("Post a photo of a day in our team"), {"reporter": 2, "talent_scout": 1}),
        ),
    ),
    Question(
        "expertise",
        _l("In your field, people see you as someone who…"),
        (
            Option("knows", _l("Knows the subject in depth"), {"expert": 3}),
            Option("clear", _l("Makes things clear"), {"explainer": 3}),
            Option("informed", _l("Is always informed first"), {"curator": 3}),
            Option("questions", _l("Questions habits"), {"agitator": 3}),
            Option("available", _l("Is always available to help"), {"helper": 3}),
        ),
    ),
    Question(
        "misinformation",
        _l("You read something wrong about your industry. You…"),
        (
            Option("correct", _l("Correct it with sources"), {"fact_checker": 3}),
            Option(
                "explain",
                _l("Post a simple explanation of the real situation"),
                {"explainer": 2, "expert": 1},
            ),
            Option("debate", _l("Start a debate about it"), {"agitator": 2}),
            Option("ignore", _l("Let it go: not my role"), {"messenger": 1}),
        ),
    ),
    Question(
        "time",
        _l("How much time would you like to give each week?"),
        (
            Option("minutes", _l("A few minutes, to relay and react"), {"liker": 2, "messenger": 2}),
            Option(
                "hour",
                _l("About an hour, to write or take photos"),
                {"reporter": 1, "expert": 1, "explainer": 1},
            ),
            Option("more", _l("More: I love it and want to help others"), {"helper": 2, "insider": 1}),
            Option("events", _l("Mostly during events"), {"insider": 3}),
        ),
    ),
    Question(
        "motivation",
        _l("What would make you proud as an ambassador?"),
        (
            Option("visibility", _l("That our news reaches more people"), {"messenger": 2, "liker": 1}),
            Option("recognition", _l("Being recognised for my expertise"), {"expert": 3}),
            Option("recruit", _l("Bringing a great person into the company"), {"talent_scout": 3}),
            Option("helping", _l("Helping colleagues dare to post"), {"helper": 3}),
            Option("showing", _l("Showing what life here is really like"), {"reporter": 2, "insider": 1}),
            Option("ideas", _l("Moving ideas forward in my field"), {"agitator": 2, "curator": 1}),
        ),
    ),
    Question(
        NETWORKS_QUESTION,
        _l("Which social networks do you use? (choose all that apply)"),
        (
            *(Option(key, network.name) for key, network in NETWORKS.items()),
            Option(NO_NETWORK, _l("None of them yet")),
        ),
        multiple=True,
    ),
)
