"""The eleven ambassador personae of SPEC §3, in their fixed order.

The order breaks ties between equal scores. Keys are stable identifiers used in
data and URLs. Texts are translated when shown.
"""

from dataclasses import dataclass

from base.i18n import lazy_gettext as _l

# Next steps after the quiz: (endpoint, label, personae it fits — None for everyone).
NEXT_STEPS = (
    (
        "events.index",
        _l("Sign up for an event and tell its story, live or afterwards"),
        ("reporter", "insider"),
    ),
    (
        "content.feed",
        _l("Relay a post from your feed, with one sentence of your own"),
        ("messenger", "liker"),
    ),
    (
        "content.feed",
        _l("Pick something from your feed that your network will find worth reading"),
        ("curator",),
    ),
    (
        "content.suggest",
        _l("Suggest an article or a post for colleagues to share"),
        ("curator", "expert", "fact_checker"),
    ),
    (
        "mentoring.offer",
        _l("Offer to mentor a colleague who is taking their first steps"),
        ("expert", "agitator"),
    ),
    ("quiz.personae", _l("Discover the other ways to be an ambassador"), None),
    (
        "profile.me",
        _l("Complete your profile and let colleagues who share your ambassador profile find you"),
        None,
    ),
)


@dataclass(frozen=True)
class Persona:
    key: str
    name: object
    summary: object
    description: object
    does: tuple
    tips: tuple
    themes: tuple[str, ...]


PERSONAE = (
    Persona(
        "messenger",
        _l("Messenger"),
        _l("Relays company news without exposing much of themselves — already valuable."),
        _l(
            "You like to pass on good news from the company to your network. You do not need to write much: a relayed post with one sentence of your own already makes the company visible and trusted."
        ),
        (
            _l("Relays official posts and announcements"),
            _l("Adds a short sentence to say why it matters"),
            _l("Shares regularly, a little at a time"),
        ),
        (
            _l("Start with a post from the company page: one click, one sentence."),
            _l("Say what you find interesting in it, in your own words."),
            _l("Once a week is plenty: regularity beats volume."),
        ),
        ("company_news", "products", "events"),
    ),
    Persona(
        "reporter",
        _l("Reporter"),
        _l("Shows company life through photos and video."),
        _l(
            "You have an eye for the moments that tell what working here is really like: a team lunch, a site visit, a product leaving the workshop. Your pictures make the company human."
        ),
        (
            _l("Takes photos and short videos of daily life at work"),
            _l("Shows the people behind the products"),
            _l("Posts behind-the-scenes stories"),
        ),
        (
            _l("Always ask colleagues before showing them."),
            _l("Check that nothing confidential is in the frame (screens, boards, documents)."),
            _l("A good caption says who, where and why it matters."),
        ),
        ("life_at_work", "events", "products"),
    ),
    Persona(
        "expert",
        _l("Expert"),
        _l("Gives viewpoints, analyses and opinions in their field."),
        _l(
            "You know your field and like to explain what is changing in it. Your opinions and analyses show the company's know-how and build your own professional reputation."
        ),
        (
            _l("Writes short analyses and opinions in their field"),
            _l("Comments on news of their industry"),
            _l("Answers questions from peers"),
        ),
        (
            _l("Start by commenting on a post in your field with one precise point."),
            _l("Stay in your field and stick to public information."),
            _l("A coach or a mentor can help with a first longer post."),
        ),
        ("expertise", "products", "careers"),
    ),
    Persona(
        "liker",
        _l("Amplifier"),
        _l("Boosts colleagues' posts with reactions."),
        _l(
            "You may not post much yourself, but you react, like and comment: each reaction carries colleagues' posts further in the networks. It is the easiest way to take part, and it counts."
        ),
        (
            _l("Likes and reacts to colleagues' posts"),
            _l("Leaves short encouraging comments"),
            _l("Helps good posts reach more people"),
        ),
        (
            _l("Follow the company page and your colleagues who post."),
            _l("A comment carries a post further than a like: add a few words."),
            _l("Five minutes a week is enough to make a difference."),
        ),
        ("company_news", "life_at_work", "events"),
    ),
    Persona(
        "explainer",
        _l("Explainer"),
        _l("Makes complex topics simple."),
        _l(
            "You have a gift for turning complicated subjects into clear words, examples and pictures. Your explanations help people outside the company understand what it does and why."
        ),
        (
            _l("Explains technical topics with simple words"),
            _l("Uses examples, comparisons and diagrams"),
            _l("Turns long reports into a few key points"),
        ),
        (
            _l("Pick one idea per post, not five."),
            _l("Test your explanation on a colleague from another team."),
            _l("A simple diagram often says more than a paragraph."),
        ),
        ("expertise", "products", "impact"),
    ),
    Persona(
        "curator",
        _l("Curator"),
        _l("First on what is new; watches and selects."),
        _l(
            "You read a lot and spot what matters before others do. By sharing the best articles and studies with a short comment, you become a trusted source in your network."
        ),
        (
            _l("Watches the news of their field"),
            _l("Shares a selection of the best articles"),
            _l("Adds a short comment on why it is worth reading"),
        ),
        (
            _l("Quote your sources and link to them."),
            _l("Share less but better: one good article beats five average ones."),
            _l("Suggest your finds to the comms team on Porte-voix."),
        ),
        ("expertise", "company_news", "impact"),
    ),
    Persona(
        "fact_checker",
        _l("Fact-checker"),
        _l("Argues from facts and figures."),
        _l(
            "You trust figures more than slogans. You bring data, sources and nuance to discussions, which makes the company's messages more credible."
        ),
        (
            _l("Backs up messages with facts and figures"),
            _l("Corrects misconceptions politely"),
            _l("Quotes reliable sources"),
        ),
        (
            _l("Use only public figures, never internal ones."),
            _l("Link to the source of every figure you quote."),
            _l("Stay courteous: the goal is to inform, not to win."),
        ),
        ("impact", "expertise", "products"),
    ),
    Persona(
        "helper",
        _l("Helper"),
        _l("Loves helping and answering questions."),
        _l(
            "You like to help: answering questions, giving advice, sharing tips with colleagues and with your network. You are the one others turn to, and it makes the programme stronger."
        ),
        (
            _l("Answers questions in comments and groups"),
            _l("Helps colleagues take their first steps"),
            _l("Shares practical tips"),
        ),
        (
            _l("Offer to mentor a colleague who is starting."),
            _l("Join a social café to meet people who need help."),
            _l("When you do not know, point to the right person."),
        ),
        ("careers", "life_at_work", "expertise"),
    ),
    Persona(
        "talent_scout",
        _l("Talent scout"),
        _l("Helps the company recruit."),
        _l(
            "You love your job and would like friends and former colleagues to join you. By sharing job offers and telling what working here is like, you help the company find the right people."
        ),
        (
            _l("Shares job offers with a personal word"),
            _l("Tells what their job and team are really like"),
            _l("Recommends people from their network"),
        ),
        (
            _l("Say in one sentence why you like working here."),
            _l("Share offers in your own field: you know what they mean."),
            _l("Point candidates to the official offer, never promise anything."),
        ),
        ("careers", "life_at_work", "events"),
    ),
    Persona(
        "insider",
        _l("Insider"),
        _l("Covers events live."),
        _l(
            "You like to be where things happen: trade fairs, conferences, launches. You share the moment live so that people who are not there can follow it."
        ),
        (
            _l("Posts live from events and trade fairs"),
            _l("Shares key moments and quotes"),
            _l("Writes a short recap afterwards"),
        ),
        (
            _l("Prepare the event's hashtag and accounts before you go."),
            _l("Ask speakers before quoting them."),
            _l("A recap the next day reaches people who missed it."),
        ),
        ("events", "products", "company_news"),
    ),
    Persona(
        "agitator",
        _l("Challenger"),
        _l("Starts debates and shakes ideas up."),
        _l(
            "You like to question habits and open debates. Your questions and bold ideas make conversations livelier and show that the company welcomes new thinking."
        ),
        (
            _l("Asks open questions to start a discussion"),
            _l("Shares bold ideas on their field"),
            _l("Invites others to give their view"),
        ),
        (
            _l("Debate ideas, never people."),
            _l("Avoid topics the charter keeps out (politics, confidential matters)."),
            _l("Coaching helps to find the right tone for a first debate."),
        ),
        ("expertise", "impact", "careers"),
    ),
)

PERSONA_KEYS = tuple(persona.key for persona in PERSONAE)
BY_KEY = {persona.key: persona for persona in PERSONAE}
