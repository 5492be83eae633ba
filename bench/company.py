"""The benchmark's synthetic company, planned in Python from one seed (no database here).

``plan(existing, scale, seed)`` turns what the database already holds (the demo company, read
by ``bench.build``) into a ``World``: rows for each table, in the columns of ``COLUMNS``, and
an activity log. ``bench.build`` loads them and derives the rest in SQL (points, badges, streaks, challenge
entries). Every row is what the app's own services would have written: the same verbs,
payloads, notification kinds and links (imported from the features), the person's department
and site on each action, a share for each ``content_shared``, a click for each
``click_received``...

Moments are whole seconds since the epoch, relative to an anchor (now, to the hour): the
history covers the year before it, so the feed always has fresh items. People follow the
1 % / 9 % / 90 % shape of real programmes: a few creators do most of the sharing, some
react now and then, most only sign in from time to time.
"""

import base64
import heapq
import json
import random
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from base.vocabularies import SHARE_NETWORKS, THEMES
from blueprints.auth import verbs as auth_verbs
from blueprints.challenges import verbs as challenge_verbs
from blueprints.challenges.models import GroupBy, Mode, RewardKind
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import KINDS as CONTENT_KINDS
from blueprints.content.catalogue import Status
from blueprints.content.models import BOOKMARK, LIKE
from blueprints.content.services import SUGGESTION_RECEIVED, SUGGESTIONS_WAITING
from blueprints.contributions import verbs as contribution_verbs
from blueprints.contributions.catalogue import KINDS as CONTRIBUTION_KINDS
from blueprints.contributions.catalogue import SUGGESTED_PERSONA
from blueprints.contributions.models import ContributionStatus
from blueprints.contributions.services import DECLINED_NOTICE, VALIDATED_NOTICE
from blueprints.demo.content_seed import SKIES, night_sky
from blueprints.events import verbs as event_verbs
from blueprints.events.models import EventStatus, RegistrationStatus
from blueprints.events.services import REMINDER_BEFORE, REMINDER_KIND
from blueprints.kudos import verbs as kudos_verbs
from blueprints.kudos.services import FROM_COMMS, FROM_MANAGER, MAX_PER_DAY, RECEIVED_NOTICE
from blueprints.mentoring import services as mentoring
from blueprints.mentoring import verbs as mentoring_verbs
from blueprints.mentoring.matching import Fit, Mentee, Mentor, compatibility, shared_languages, shared_topics
from blueprints.mentoring.models import PairOrigin, PairStatus, Rhythm
from blueprints.mentoring.topics import THEME_PREFIX
from blueprints.quiz import verbs as quiz_verbs
from blueprints.quiz.personae import PERSONA_KEYS
from blueprints.quiz.questions import NETWORKS_QUESTION, NO_NETWORK, QUESTIONS, QUIZ_VERSION
from blueprints.quiz.scoring import persona_scores, rank_personae
from blueprints.rewards import verbs as reward_verbs
from blueprints.rewards.models import RedemptionStatus
from blueprints.rewards.services import CANCELLED, CATALOGUE_LINK, DELIVERED, FAME_KIND

HOUR, DAY, WEEK = 3600, 86_400, 7 * 86_400
HISTORY = 365 * DAY  # the activity log covers the year before the anchor
LAUNCH = 400 * DAY  # most of the company was imported this long before the anchor
DOMAIN = "staff.lumen-co.example"  # the synthetic people's addresses: how a second run is detected
DEMO_EMPLOYEE, DEMO_COMMS = "employee@example.com", "comms@example.com"
COMPANY_SITE = "https://www.lumen-co.example/"
MEETINGS = "https://meet.lumen-co.example/"

# --- Sizes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    people: int
    items: int
    suggestions: int
    events: int
    redemptions: int
    comms: int
    admins: int
    running_participants: int  # in each running challenge
    finished_participants: int
    upcoming_participants: int


LARGE = Scale(10_000, 5_000, 250, 300, 300, 30, 2, 2_000, 2_000, 300)


def divided(scale: Scale, by: int) -> Scale:
    """The same shape, ``by`` times smaller (a few roles kept so every page has its people)."""
    small = {name: max(1, round(value / by)) for name, value in vars(scale).items()}
    return Scale(**{**small, "comms": max(3, small["comms"]), "suggestions": max(5, small["suggestions"])})


SCALES = {"large": LARGE, "small": divided(LARGE, 50)}


@dataclass(frozen=True)
class Habits:
    """A tier's yearly actions (for someone there all year) and sign-ins per week."""

    share: float  # share of the company
    shares: float
    likes: float
    bookmarks: float
    sign_ins: float
    quiz: float  # chance of having taken the quiz
    kudos: float
    contributions: float
    suggestions: float
    events: float  # weight when seats are taken
    challenges: float  # weight when people join a challenge


CREATOR, REACTOR, WATCHER = "creator", "reactor", "watcher"
HABITS = {
    CREATOR: Habits(0.01, 600, 720, 60, 5, 0.9, 30, 3, 1, 8, 10),
    REACTOR: Habits(0.09, 70, 180, 20, 2, 0.7, 8, 0.6, 0.15, 4, 5),
    WATCHER: Habits(0.90, 0.4, 1.7, 0.5, 0.35, 0.28, 0.4, 0.01, 0.002, 0.35, 1),
}

# --- Words -----------------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """The words of a text: lists of names written as prose."""
    return tuple(text.split())


FIRST_NAMES = {
    "fr": words(
        "Adèle Agathe Alexandre Alice Amandine Antoine Arthur Aurélie Bastien Baptiste Benoît Camille "
        "Céline Charlotte Chloé Claire Clément Damien Élise Émilie Emma Étienne Fabien Florence Gabriel "
        "Guillaume Hélène Hugo Inès Isabelle Jade Jeanne Julien Juliette Karim Laure Léa Léo Louis Lucas "
        "Lucie Manon Marc Margaux Marie Mathilde Maxime Mehdi Nadia Nathalie Nicolas Noémie Océane Olivier "
        "Pauline Pierre Quentin Raphaël Romain Salomé Samuel Sarah Sébastien Sophie Thomas Valentin Yasmine "
        "Zoé"
    ),
    "en": words(
        "Aaron Abigail Amelia Amy Ben Charlie Chloe Daniel David Eleanor Emily Ethan Freya George Grace "
        "Hannah Harry Isla Jack James Jessica Joshua Katie Liam Lily Lucy Matthew Megan Mia Noah Oliver "
        "Olivia Oscar Priya Rachel Rosie Ryan Sam Sophie Thomas Zara"
    ),
}
LAST_NAMES = {
    "fr": words(
        "Arnaud Aubert Benoit Bernard Bertrand Blanc Bonnet Boyer Brun Chevalier Clément Colin David "
        "Denis Dubois Dumont Dupont Durand Faure Fontaine Fournier Francois Garcia Garnier Gauthier Girard "
        "Guerin Henry Lambert Laurent Lefebvre Legrand Leroy Lopez Marchand Martin Masson Mathieu Mercier "
        "Michel Morel Moreau Muller Nicolas Perrin Petit Renard Richard Robert Robin Roche Rousseau Roux "
        "Roy Simon Vincent"
    ),
    "en": words(
        "Adams Baker Bennett Brown Campbell Carter Clarke Cooper Davies Edwards Evans Green Hall Harris "
        "Hughes Jackson James Johnson Jones King Lewis Martin Moore Morgan Patel Phillips Roberts Robinson "
        "Scott Smith Taylor Thompson Turner Walker Ward White Williams Wilson Wood Wright"
    ),
}
NEW_DEPARTMENTS = {"Juridique": "Legal", "Achats": "Purchasing"}
NEW_SITES = {"Bordeaux": ("Bordeaux", "Europe/Paris"), "Lille": ("Lille", "Europe/Paris")}
COMMS_DEPARTMENT = "Communication"
ADMIN_DEPARTMENT = "Informatique"
# Where people work, by the language they speak (names of the demo's sites and the new ones).
SITE_WEIGHTS = {
    "fr": {"Paris": 40, "Lyon": 15, "Nantes": 10, "Bordeaux": 9, "Lille": 9, "Montréal": 6},
    "en": {"Londres": 65, "Montréal": 35},
}
DEPARTMENT_WEIGHTS = {"Commercial": 4, "Opérations": 4, "R&D": 3, "Informatique": 2, "Marketing": 2}

TOPICS = {
    "company_news": {
        "fr": [
            "nos résultats du trimestre",
            "l'ouverture de notre site de Bordeaux",
            "le rachat d'une start-up lyonnaise",
            "notre nouvelle organisation régionale",
            "le lancement de notre marque en Belgique",
            "notre plan stratégique à cinq ans",
            "la visite de la ministre à Nantes",
            "notre entrée au palmarès des entreprises innovantes",
        ],
        "en": [
            "our quarterly results",
            "the opening of our Bordeaux site",
            "the acquisition of a Lyon start-up",
            "our new regional organisation",
            "the launch of our brand in Belgium",
            "our five-year strategic plan",
            "the minister's visit to Nantes",
            "our place among the most innovative companies",
        ],
    },
    "life_at_work": {
        "fr": [
            "la semaine du télétravail",
            "notre nouvelle cafétéria à Lyon",
            "le tournoi de pétanque inter-équipes",
            "la journée portes ouvertes aux familles",
            "nos ateliers bien-être",
            "le club de course à pied du site de Paris",
            "l'arrivée de nos nouveaux alternants",
        ],
        "en": [
            "remote work week",
            "our new cafeteria in Lyon",
            "the inter-team pétanque tournament",
            "family open day",
            "our well-being workshops",
            "the Paris site's running club",
            "the arrival of our new apprentices",
        ],
    },
    "expertise": {
        "fr": [
            "l'éclairage adaptatif des villes",
            "les capteurs de présence basse consommation",
            "la maintenance prédictive des réseaux",
            "l'intelligence artificielle au service de l'éclairage",
            "la pollution lumineuse et la biodiversité",
            "la cybersécurité des objets connectés",
            "le recyclage des luminaires",
        ],
        "en": [
            "adaptive city lighting",
            "low-power presence sensors",
            "predictive maintenance of networks",
            "artificial intelligence for lighting",
            "light pollution and biodiversity",
            "the security of connected devices",
            "recycling light fittings",
        ],
    },
    "products": {
        "fr": [
            "notre nouveau lampadaire solaire",
            "la gamme Lumen Ville",
            "l'application de pilotage à distance",
            "l'éclairage du stade de Nantes",
            "la rénovation de l'éclairage d'un lycée",
            "notre borne lumineuse pour parcs",
        ],
        "en": [
            "our new solar street light",
            "the Lumen City range",
            "the remote control app",
            "the lighting of the Nantes stadium",
            "a school's lighting renovation",
            "our light bollard for parks",
        ],
    },
    "careers": {
        "fr": [
            "nos métiers de la R&D",
            "le parcours de nos techniciens",
            "le programme jeunes diplômés",
            "la mobilité interne",
            "nos engagements pour l'égalité professionnelle",
        ],
        "en": [
            "our R&D jobs",
            "our technicians' career paths",
            "the graduate programme",
            "internal mobility",
            "our commitments to equal opportunities",
        ],
    },
    "events": {
        "fr": [
            "le salon des maires",
            "notre hackathon d'automne",
            "la Fête des lumières",
            "le forum de l'emploi de Lille",
            "nos portes ouvertes industrielles",
            "la conférence Villes durables",
        ],
        "en": [
            "the mayors' trade fair",
            "our autumn hackathon",
            "the Festival of Lights",
            "the Lille job fair",
            "our factory open days",
            "the Sustainable Cities conference",
        ],
    },
    "impact": {
        "fr": [
            "notre bilan carbone",
            "les villages éclairés au Sénégal",
            "le mécénat de compétences",
            "nos fournisseurs locaux",
            "la sobriété énergétique de nos sites",
            "nos engagements pour le climat",
        ],
        "en": [
            "our carbon footprint",
            "lit villages in Senegal",
            "skills-based volunteering",
            "our local suppliers",
            "energy savings on our sites",
            "our climate commitments",
        ],
    },
}
PATTERNS = {
    "news": {
        "fr": ["Actualité : {topic}", "{Topic}, ce qu'il faut retenir", "Ce qui change avec {topic}"],
        "en": ["News: {topic}", "{Topic}: what to remember", "What changes with {topic}"],
    },
    "expertise": {
        "fr": ["Le regard de nos experts sur {topic}", "Trois questions sur {topic}", "Comprendre {topic}"],
        "en": ["Our experts on {topic}", "Three questions on {topic}", "Understanding {topic}"],
    },
    "testimonial": {
        "fr": ["Témoignage : {topic}, vu de l'intérieur", "Un client raconte {topic}"],
        "en": ["Testimonial: {topic}, from the inside", "A customer tells us about {topic}"],
    },
    "job_offer": {
        "fr": ["Nous recrutons pour {topic}", "Rejoignez-nous : {topic}"],
        "en": ["We are hiring for {topic}", "Join us: {topic}"],
    },
    "event_recap": {
        "fr": ["Retour sur {topic}", "En images : {topic}"],
        "en": ["Looking back at {topic}", "In pictures: {topic}"],
    },
    "training": {
        "fr": ["Formation : tout savoir sur {topic}", "Tutoriel : {topic} en cinq minutes"],
        "en": ["Training: all about {topic}", "Tutorial: {topic} in five minutes"],
    },
}
THEME_KINDS = {
    "careers": ("job_offer", "job_offer", "testimonial", "news"),
    "events": ("event_recap", "event_recap", "news"),
    "expertise": ("expertise", "expertise", "training", "news"),
    "products": ("news", "testimonial", "expertise"),
}
CITIES = {"fr": ["Paris", "Lyon", "Nantes", "Bordeaux", "Lille"], "en": ["London", "Montreal", "Paris"]}
SUMMARIES = {
    "fr": [
        "Tout ce qu'il faut savoir en quelques lignes, avec les chiffres clés et les prochaines étapes.",
        "Nos équipes de {city} racontent comment le projet est né et ce qu'il change au quotidien.",
        "Un sujet qui nous tient à cœur, expliqué simplement pour vos réseaux.",
        "À partager sans modération : une belle histoire d'équipe, de {city} à nos clients.",
    ],
    "en": [
        "All you need to know in a few lines, with the key figures and what comes next.",
        "Our teams in {city} tell how the project started and what it changes every day.",
        "A subject close to our hearts, explained simply for your networks.",
        "One to share: a great team story, from {city} to our customers.",
    ],
}
SHARE_TEXTS = {
    "linkedin": {
        "fr": [
            "Fier·e de partager : {title}. {summary} #LumenCo",
            "{title} — à lire pour comprendre ce que nous construisons chez Lumen & Co.",
            "Une belle nouvelle de mon entreprise : {title}. Qu'en pensez-vous ?",
        ],
        "en": [
            "Proud to share: {title}. {summary} #LumenCo",
            "{title} — worth a read to see what we build at Lumen & Co.",
            "Good news from my company: {title}. What do you think?",
        ],
    },
    "x": {
        "fr": ["{title} #LumenCo", "À lire : {title}"],
        "en": ["{title} #LumenCo", "Worth a read: {title}"],
    },
    "facebook": {"fr": ["{title} : {summary}"], "en": ["{title}: {summary}"]},
}
IMAGE_SIZE = (480, 252)  # the link previews' images
SUGGESTION_SITES = ("lesechos.example", "usine-nouvelle.example", "theguardian.example", "wired.example")
SUGGESTION_REASONS = {
    "fr": [
        "Un article de presse sur notre projet, très positif.",
        "Nos clients en parlent, ce serait bien de le relayer.",
        "Un beau portrait d'une collègue, à partager largement.",
    ],
    "en": [
        "A press article about our project, very positive.",
        "Our customers talk about it: worth relaying.",
        "A lovely portrait of a colleague, to share widely.",
    ],
}
REJECTION_REASONS = [
    "Merci ! Ce sujet a déjà été publié la semaine dernière.",
    "Thank you! This article is behind a paywall: our colleagues could not read it.",
    "Merci pour l'idée : le sujet est encore confidentiel, nous en reparlerons.",
]
EVENT_TITLES = {
    "social_cafe": {"fr": "Café social : {topic}", "en": "Social café: {topic}"},
    "webinar": {"fr": "Webinaire : {topic}", "en": "Webinar: {topic}"},
    "training": {"fr": "Atelier : {topic}", "en": "Workshop: {topic}"},
    "talk": {"fr": "Conférence : {topic}", "en": "Talk: {topic}"},
}
EVENT_DESCRIPTIONS = {
    "fr": "Une heure pour découvrir {topic}, poser vos questions et repartir avec des idées à partager.",
    "en": "An hour to discover {topic}, ask your questions and leave with ideas to share.",
}
ROOMS = ("salle 2.04", "salle 3.14", "cafétéria", "auditorium", "espace projet")
KUDOS_MESSAGES = {
    "fr": [
        "Merci pour ton aide sur la présentation client, elle a fait mouche !",
        "Bravo pour ton post sur le salon, il a été très partagé.",
        "Merci d'avoir pris le temps de m'expliquer le nouvel outil.",
        "Ton atelier LinkedIn m'a donné envie de publier : merci !",
        "Merci pour ta relecture express, c'était parfait.",
        "Super animation du café social, on en redemande.",
        "Merci d'avoir accueilli les stagiaires avec autant de soin.",
        "Ta photo de l'équipe sur le chantier est superbe, merci de l'avoir partagée.",
    ],
    "en": [
        "Thank you for your help with the customer presentation, it hit the mark!",
        "Well done on your trade fair post, it was shared a lot.",
        "Thanks for taking the time to show me the new tool.",
        "Your LinkedIn workshop made me want to post: thank you!",
        "Thanks for the speedy proofreading, it was perfect.",
        "Great hosting of the social café, we want more.",
        "Thank you for welcoming the interns so warmly.",
    ],
}
CONTRIBUTION_TITLES = {
    "talk": ("Intervention à l'école d'ingénieurs de {city}", "Talk at an engineering school in {city}"),
    "panel": ("Table ronde sur la ville durable à {city}", "Panel on sustainable cities in {city}"),
    "jury": ("Jury d'un concours étudiant à {city}", "Jury of a student competition in {city}"),
    "article": ("Article de blog sur notre métier", "A blog post about our work"),
    "group_answers": ("Réponses dans un groupe d'ingénieurs", "Answers in an engineers' group"),
    "referral": ("Cooptation d'un technicien à {city}", "Referred a technician in {city}"),
    "live_coverage": ("Couverture en direct du salon de {city}", "Live coverage of the {city} fair"),
    "other": ("Stand au forum des associations de {city}", "Stand at the {city} community fair"),
}
DECLINE_REASONS = [
    "Merci ! Cette intervention était à titre personnel : nous ne pouvons pas la compter ici.",
    "Thank you! We could not find a trace of it: add a link and declare it again.",
]

# --- What the database already holds ---------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A person already in the database (the demo accounts the synthetic company includes)."""

    id: int
    email: str
    name: str
    role: str
    department_id: int | None
    site_id: int | None
    manager_id: int | None
    language: str
    timezone: str | None
    created_at: int


@dataclass(frozen=True)
class RewardRow:
    id: int
    kind: str
    title_fr: str
    title_en: str
    cost: int
    stock: int | None


@dataclass(frozen=True)
class Existing:
    anchor: int
    zone: str  # the programme's time zone (DEFAULT_TIMEZONE)
    next_ids: dict[str, int]  # the first free id of each table the plan writes ids into
    departments: dict[str, int]  # name: id
    sites: dict[str, tuple[int, str]]  # name: (id, time zone)
    accounts: dict[str, Account]  # the demo's three accounts, by e-mail
    charter: tuple[int, int]  # the current charter: id, version
    accepted: dict[int, int]  # who already accepted it, and when
    quizzed: frozenset[int]  # who already has a quiz result
    pending_suggestions: tuple[int, ...]  # when the suggestions already waiting were submitted
    password_hash: str
    mentoring: "MentoringSetup"


# --- The plan --------------------------------------------------------------------------------

COLUMNS = {
    "departments": words("id name name_en"),
    "sites": words("id name name_en"),
    "users": words(
        "id email display_name password_hash role department_id site_id manager_id language "
        "timezone active created_at last_seen_at directory_opt_in content_languages "
        "session_version anonymous_on_boards"
    ),
    "rewards": words("id kind title_fr title_en description_fr description_en cost stock active created_at"),
    "content_items": words(
        "id title summary url theme kind language target_personae status publish_at expire_at "
        "pinned author_id suggestion_reason rejection_reason moderated_by_id moderated_at "
        "created_at updated_at"
    ),
    "share_texts": words("item_id network position body"),
    "link_previews": words("item_id url title site_name image image_width image_height fetched_at"),
    "charter_acceptances": words("user_id charter_id accepted_at"),
    "shares": words("id user_id item_id network token clicks created_at"),
    "reactions": words("user_id item_id kind created_at"),
    "quiz_results": words("id user_id version attempt answers networks primary_persona created_at"),
    "persona_scores": words("result_id persona score rank held also_you"),
    "events": words(
        "id title description kind starts_at ends_at place online_url capacity language "
        "target_personae organiser_id status sequence created_at updated_at"
    ),
    "registrations": words(
        "id event_id user_id status created_at waitlisted_at confirmed_at cancelled_at attended"
    ),
    "reminders_sent": words("registration_id kind starts_at sent_at"),
    "kudos": words("id sender_id recipient_id message from_comms from_manager created_at"),
    "contributions": words(
        "id user_id kind happened_on title link description persona status decline_reason "
        "reviewed_by_id reviewed_at created_at"
    ),
    "challenges": words(
        "id title_fr title_en description_fr description_en mode metric starts_at ends_at target "
        "group_by reward_kind reward_fr reward_en reward_id winners audience_departments "
        "audience_sites audience_personae daily_cap created_by_id created_at"
    ),
    "challenge_participations": words("id challenge_id user_id joined_at left_at"),
    "redemptions": words("id reward_id user_id cost status created_at handled_at handled_by_id"),
    "mentor_offers": words("id user_id topics languages capacity note open created_at updated_at"),
    "mentee_wishes": words("id user_id topics languages goal open created_at updated_at"),
    "mentoring_pairs": words(
        "id mentor_id mentee_id status origin topics goal message reply rhythm score mentor_agreed_at "
        "mentee_agreed_at requested_at expires_at answered_at started_at ended_at ended_by_id "
        "mentor_feedback mentee_feedback"
    ),
    "mentoring_sessions": words("id pair_id held_on notes logged_by_id created_at"),
    "notifications": words("user_id kind params link_endpoint link_values created_at read_at"),
    "fame_entries": words(
        "kind user_id other_user_id params link_endpoint link_values key created_at featured_at hidden"
    ),
}
# The order tables are loaded in: each after those its rows refer to.
LOAD_ORDER = tuple(COLUMNS)


@dataclass
class Person:
    id: int
    name: str
    role: str
    department_id: int | None
    site_id: int | None
    language: str
    timezone: str | None
    tier: str
    created_at: int
    reads: tuple[str, ...]
    manager_id: int | None = None
    email: str = ""
    demo: bool = False
    boost: float = 1.0  # how much more than the tier this person does
    personae: tuple[str, ...] = ()  # their own personae, from their latest quiz result
    last_seen: int | None = None

    @property
    def start(self) -> int:
        """When the person could first act: an hour after their account was created."""
        return self.created_at + HOUR

    @property
    def is_comms(self) -> bool:
        return self.role in ("comms", "admin")


@dataclass
class Item:
    id: int
    language: str
    publish: int
    until: int  # when it stopped being live (expiry, archiving), else far ahead
    has_link: bool
    networks: tuple[str, ...]
    weight: float


class Pool:
    """Items drawn at random in proportion to their popularity."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.bounds = list(accumulate(item.weight for item in items))

    def draw(self, rng: random.Random) -> Item:
        return self.items[bisect_right(self.bounds, rng.random() * self.bounds[-1])]


def as_json(value) -> str:
    """JSON as the app's JSON columns store it (SQLAlchemy's default ``json.dumps``)."""
    return json.dumps(value)


def moment(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@dataclass
class World:
    """The plan being made: what every step reads and adds to."""

    rng: random.Random
    existing: Existing
    scale: Scale
    next_ids: dict[str, int]
    rows: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    log: list[tuple] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    by_id: dict[int, Person] = field(default_factory=dict)
    comms: list[Person] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    rewards: list[RewardRow] = field(default_factory=list)
    challenges: list["ChallengePlan"] = field(default_factory=list)

    @property
    def anchor(self) -> int:
        return self.existing.anchor

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.existing.zone)

    def new_id(self, table: str) -> int:
        number = self.next_ids[table]
        self.next_ids[table] += 1
        return number

    def act(self, at: int, person: Person, verb: str, object_type=None, object_id=None, payload=None) -> None:
        self.log.append((at, person.id, verb, object_type, object_id, as_json(payload) if payload else "{}"))

    def notify(self, person: Person, kind: str, params: dict, link: tuple[str, dict], at: int) -> None:
        endpoint, values = link
        self.rows["notifications"].append(
            (
                person.id,
                kind,
                as_json(params),
                endpoint,
                as_json(values),
                moment(at),
                self.read_at(at),
            )
        )

    def read_at(self, at: int) -> datetime | None:
        """Older notifications were read within two days; about half of the last ten days' are not."""
        if at > self.anchor - 10 * DAY and self.rng.random() < 0.55:
            return None
        read = at + self.rng.randrange(600, 2 * DAY)
        return moment(read) if read < self.anchor else None

    def celebrate(self, kind, person_id, key, params, link, at, other_id=None, featured=False) -> None:
        endpoint, values = link or (None, {})
        self.rows["fame_entries"].append(
            (
                kind,
                person_id,
                other_id,
                as_json(params),
                endpoint,
                as_json(values),
                key,
                moment(at),
                moment(at) if featured else None,
                False,
            )
        )

    def comms_at(self, at: int) -> Person:
        """A comms person already there at that moment."""
        present = [person for person in self.comms if person.start <= at]
        return self.rng.choice(present or self.comms)

    @property
    def employee(self) -> Person | None:
        """The demo employee, who looks like an ordinary active person here."""
        return next((person for person in self.people if person.email == DEMO_EMPLOYEE), None)

    def local_date(self, at: int) -> date:
        return moment(at).astimezone(self.zone).date()

    def local_midnight(self, day: date) -> int:
        return int(datetime.combine(day, time(), self.zone).timestamp())

    def between(self, first: int, last: int) -> int:
        """A moment in [first, last), or ``first`` when the span is empty."""
        return self.rng.randrange(first, last) if last > first else first


def plan(existing: Existing, scale: Scale, seed: int) -> "World":
    """The whole synthetic company, the same for the same seed, anchor and database."""
    world = World(random.Random(seed), existing, scale, dict(existing.next_ids))
    plan_organisation(world)
    plan_rewards(world)
    plan_content(world)
    plan_quiz(world)
    plan_reading(world)
    plan_events(world)
    plan_kudos(world)
    plan_contributions(world)
    plan_mentoring(world)
    plan_sign_ins(world)
    world.challenges = plan_challenges(world)
    plan_user_rows(world)
    return world


# --- The organisation --------------------------------------------------------------------------


def plan_organisation(world: World) -> None:
    """The people: imported at launch (each logged and welcomed as a sign-up), in the demo's
    departments and sites and a few new ones, with their roles and managers."""
    departments = add_named(world, "departments", world.existing.departments, NEW_DEPARTMENTS)
    sites = dict(world.existing.sites)
    for name, (name_en, zone) in NEW_SITES.items():
        if name not in sites:
            sites[name] = (world.new_id("sites"), zone)
            world.rows["sites"].append((sites[name][0], name, name_en))
    tiers = tier_list(world)
    for number, tier in enumerate(tiers):
        language = "fr" if world.rng.random() < 0.78 else "en"
        site = pick_site(world, sites, language)
        world.people.append(
            Person(
                id=world.new_id("users"),
                name=person_name(world.rng, language),
                role="employee",
                department_id=pick_department(world.rng, departments),
                site_id=site[0],
                language=language,
                timezone=site[1],
                tier=tier,
                created_at=arrival(world, number),
                reads=("fr", "en") if world.rng.random() < 0.12 else (language,),
            )
        )
    give_roles(world, departments)
    assign_managers(world)
    add_demo_accounts(world)
    world.by_id = {person.id: person for person in world.people}
    world.comms = [person for person in world.people if person.role == "comms"]
    for person in world.people:
        if not person.demo:
            world.act(person.created_at, person, auth_verbs.SIGNED_UP, "user", person.id)
            world.notify(
                person, "welcome", {"name": person.name.split()[0]}, ("profile.me", {}), person.created_at
            )


def add_named(world: World, table: str, known: dict[str, int], new: dict[str, str]) -> dict[str, int]:
    named = dict(known)
    for name, name_en in new.items():
        if name not in named:
            named[name] = world.new_id(table)
            world.rows[table].append((named[name], name, name_en))
    return named


def tier_list(world: World) -> list[str]:
    count = world.scale.people
    creators = max(2, round(count * HABITS[CREATOR].share))
    reactors = max(4, round(count * HABITS[REACTOR].share))
    tiers = [CREATOR] * creators + [REACTOR] * reactors + [WATCHER] * (count - creators - reactors)
    world.rng.shuffle(tiers)
    return tiers


def pick_department(rng: random.Random, departments: dict[str, int]) -> int:
    weights = [DEPARTMENT_WEIGHTS.get(name, 1) for name in departments]
    return rng.choices(list(departments.values()), weights)[0]


def pick_site(world: World, sites: dict[str, tuple[int, str]], language: str) -> tuple[int, str]:
    weights = {name: weight for name, weight in SITE_WEIGHTS[language].items() if name in sites}
    if not weights:
        return sites[world.rng.choice(sorted(sites))]
    name = world.rng.choices(list(weights), list(weights.values()))[0]
    return sites[name]


def person_name(rng: random.Random, language: str) -> str:
    return f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}"


def arrival(world: World, number: int) -> int:
    """Most people came with the import at launch (a second apart); some joined during the year."""
    if world.rng.random() < 0.85:
        return world.anchor - LAUNCH + number
    return world.between(world.anchor - HISTORY, world.anchor - 7 * DAY)


def give_roles(world: World, departments: dict[str, int]) -> None:
    """A few dozen comms among the active people, in Communication; a few admins in IT. The
    first comms arrived with the launch: they publish from day one."""
    active = [person for person in world.people if person.tier != WATCHER]
    for number, person in enumerate(active[: world.scale.comms]):
        person.role = "comms"
        person.department_id = departments.get(COMMS_DEPARTMENT, person.department_id)
        if number < 3:
            person.created_at = world.anchor - LAUNCH
    watchers = [person for person in world.people if person.tier == WATCHER]
    for person in watchers[: world.scale.admins]:
        person.role = "admin"
        person.department_id = departments.get(ADMIN_DEPARTMENT, person.department_id)
        person.created_at = world.anchor - LAUNCH
    for person in world.people:
        person.email = email_of(person)


def email_of(person: Person) -> str:
    plain = unicodedata.normalize("NFKD", person.name.lower()).encode("ascii", "ignore").decode()
    return f"{plain.replace(' ', '.')}.{person.id}@{DOMAIN}"


def assign_managers(world: World) -> None:
    """In each department, the first person is its head, one in twelve leads a team under the
    head, and everyone else reports to a lead."""
    by_department: dict[int, list[Person]] = defaultdict(list)
    for person in world.people:
        by_department[person.department_id].append(person)
    for members in by_department.values():
        head, rest = members[0], members[1:]
        leads = rest[: max(1, len(rest) // 12)]
        for lead in leads:
            lead.manager_id = head.id
        for person in rest[len(leads) :]:
            person.manager_id = world.rng.choice(leads).id


def add_demo_accounts(world: World) -> None:
    """The demo's accounts take part like ordinary people: the employee as an active one."""
    boosts = {DEMO_EMPLOYEE: (REACTOR, 2.5), DEMO_COMMS: (REACTOR, 2.0)}
    for email, account in world.existing.accounts.items():
        tier, boost = boosts.get(email, (WATCHER, 1.0))
        world.people.append(
            Person(
                id=account.id,
                name=account.name,
                role=account.role,
                department_id=account.department_id,
                site_id=account.site_id,
                language=account.language,
                timezone=account.timezone,
                tier=tier,
                created_at=account.created_at,
                reads=(account.language,),
                manager_id=account.manager_id,
                email=email,
                demo=True,
                boost=boost,
            )
        )


def yearly(world: World, person: Person, per_year: float) -> int:
    """How many actions a person does at this yearly rate over their time in the history."""
    span = max(0, world.anchor - max(person.start, world.anchor - HISTORY)) / HISTORY
    expected = per_year * span * person.boost * world.rng.uniform(0.4, 1.6)
    whole = int(expected)
    return whole + (world.rng.random() < expected - whole)


def habits(person: Person) -> Habits:
    return HABITS[person.tier]


# --- Rewards -----------------------------------------------------------------------------------

NEW_REWARDS = (
    (RewardKind.CONSUMABLE, "Un sweat brodé Porte-voix", "An embroidered Porte-voix sweatshirt", 120, 50),
    (RewardKind.CONSUMABLE, "Une place pour une conférence", "A seat at a conference of your choice", 500, 8),
    (
        RewardKind.SYMBOLIC,
        "Dix arbres plantés au nom du programme",
        "Ten trees planted in the programme's name",
        80,
        None,
    ),
)


def plan_rewards(world: World) -> None:
    """Three rewards comms added at launch, the stocks sized to the company (per thousand people)."""
    thousands = max(1, world.scale.people // 1000)
    for kind, title_fr, title_en, cost, stock in NEW_REWARDS:
        stock = stock * thousands if stock is not None else None
        reward = RewardRow(world.new_id("rewards"), kind.value, title_fr, title_en, cost, stock)
        created = world.anchor - LAUNCH + 10 * DAY
        world.rows["rewards"].append(
            (reward.id, reward.kind, title_fr, title_en, "", "", cost, reward.stock, True, moment(created))
        )
        world.act(
            created, world.comms[0], reward_verbs.REWARD_CREATED, "reward", reward.id, reward_titles(reward)
        )
        world.rewards.append(reward)


def reward_titles(reward: RewardRow) -> dict:
    return {"title_fr": reward.title_fr, "title_en": reward.title_en}


# --- Content -----------------------------------------------------------------------------------

EMPLOYEE_SUGGESTIONS = 6
READING_MODERATORS = 3  # synthetic comms who read each "suggestions waiting" notice (and comms@)
PINNED = 3
DRAFTS, ARCHIVED, EXPIRED, SCHEDULED = 0.008, 0.012, 0.004, 0.002  # shares of the comms' items


@dataclass
class Draft:
    """An item of the library before it gets its id (ids follow the order of creation)."""

    title: str
    theme: str
    kind: str
    language: str
    author: Person
    created: int
    publish: int
    status: Status = Status.PUBLISHED
    summary: str = ""
    link: str | None = None
    personae: list[str] = field(default_factory=list)
    expire: int | None = None
    archived: int | None = None
    pinned: bool = False
    reason: str | None = None  # a suggestion's
    rejection: str | None = None
    moderator: Person | None = None
    moderated: int | None = None
    texts: list[tuple[str, int, str]] = field(default_factory=list)


def plan_content(world: World) -> None:
    """The comms' items over the year and the employees' suggestions, with ids in the order
    they were created, their share texts, link previews, log entries and notices."""
    count = world.scale.items - world.scale.suggestions
    drafts = [comms_item(world) for _ in range(count)]
    vary_states(world, drafts)
    suggestions = [suggested_item(world, suggester) for suggester in suggesters(world)]
    images = theme_images()
    for draft in sorted(drafts + suggestions, key=lambda draft: draft.created):
        item_id = world.new_id("content_items")
        if draft.link and draft.reason is None:
            draft.link += str(item_id)  # the page of our site the item presents
        write_item(world, item_id, draft)
        write_preview(world, item_id, draft, images)
        log_item(world, item_id, draft)
        if draft.status in (Status.PUBLISHED, Status.ARCHIVED):
            world.items.append(pool_item(world, item_id, draft))
    tell_reading_moderators(world, suggestions)


def comms_item(world: World) -> Draft:
    """An item comms prepared a little before its publication, at any time of the year."""
    rng = world.rng
    publish = world.between(world.anchor - HISTORY, world.anchor - HOUR)
    created = max(publish - rng.randrange(HOUR, 3 * DAY), world.anchor - LAUNCH + DAY)
    language = "fr" if rng.random() < 0.7 else "en"
    theme = rng.choice(list(THEMES))
    draft = Draft(*titled(rng, theme, language), language, world.comms_at(created), created, publish)
    draft.summary = rng.choice(SUMMARIES[language]).format(city=rng.choice(CITIES[language]))
    draft.link = None if rng.random() < 0.06 else f"{COMPANY_SITE}{language}/{theme.replace('_', '-')}/"
    draft.personae = rng.sample(PERSONA_KEYS, rng.randint(1, 3)) if rng.random() < 0.55 else []
    draft.texts = share_texts(rng, draft)
    return draft


def titled(rng: random.Random, theme: str, language: str) -> tuple[str, str, str]:
    """A title, the theme and a kind that fits it."""
    kind = rng.choice(THEME_KINDS.get(theme, tuple(CONTENT_KINDS)))
    topic = rng.choice(TOPICS[theme][language])
    title = rng.choice(PATTERNS[kind][language]).format(topic=topic, Topic=topic[:1].upper() + topic[1:])
    if rng.random() < 0.4:
        title += (" à " if language == "fr" else " in ") + rng.choice(CITIES[language])
    return title[:200], theme, kind


def share_texts(rng: random.Random, draft: Draft) -> list[tuple[str, int, str]]:
    """A few suggested texts per network: LinkedIn and X always, Facebook for half the items."""
    counts = {"linkedin": rng.randint(1, 3), "x": rng.randint(1, 2), "facebook": rng.random() < 0.5}
    texts = []
    for network, count in counts.items():
        patterns = rng.sample(SHARE_TEXTS[network][draft.language], min(count, 3))
        for position, pattern in enumerate(patterns):
            body = pattern.format(title=draft.title, summary=draft.summary).strip()
            texts.append((network, position, body[: SHARE_NETWORKS[network].text_limit_with_link(True)]))
    return texts


def vary_states(world: World, drafts: list[Draft]) -> None:
    """A few drafts, archived, expired and scheduled items; the newest live ones pinned."""
    rng, anchor = world.rng, world.anchor
    for draft in drafts:
        draw = rng.random()
        ended = (
            world.between(draft.publish + DAY, anchor - HOUR) if draft.publish + DAY < anchor - HOUR else None
        )
        if draw < DRAFTS:
            draft.status, draft.texts = Status.DRAFT, draft.texts[:1]
            draft.created = world.between(anchor - 30 * DAY, anchor - HOUR)
            draft.publish = draft.created + rng.randrange(DAY, 20 * DAY)
            draft.author = world.comms_at(draft.created)
        elif draw < DRAFTS + ARCHIVED and ended:
            draft.status, draft.archived = Status.ARCHIVED, ended
        elif draw < DRAFTS + ARCHIVED + EXPIRED and ended:
            draft.expire = ended
        elif draw < DRAFTS + ARCHIVED + EXPIRED + SCHEDULED:
            draft.created = anchor - rng.randrange(HOUR, 3 * DAY)
            draft.publish = anchor + rng.randrange(DAY, 10 * DAY)
            draft.author = world.comms_at(draft.created)
    live = [d for d in drafts if d.status == Status.PUBLISHED and d.expire is None and d.publish < anchor]
    for draft in sorted(live, key=lambda draft: -draft.publish)[:PINNED]:
        draft.pinned = True


def suggesters(world: World) -> list[Person]:
    """Who suggested each item: employees, by their habits; the demo employee several times."""
    employees = [person for person in world.people if not person.is_comms]
    weights = [habits(person).suggestions * person.boost for person in employees]
    count = world.scale.suggestions
    chosen = world.rng.choices(employees, weights, k=count)
    if world.employee is not None:
        chosen[: min(EMPLOYEE_SUGGESTIONS, count // 2)] = [world.employee] * min(
            EMPLOYEE_SUGGESTIONS, count // 2
        )
    return chosen


def suggested_item(world: World, suggester: Person) -> Draft:
    """An employee's link: approved (edited and published by a moderator), rejected, or waiting."""
    rng = world.rng
    created = world.between(max(suggester.start, world.anchor - HISTORY), world.anchor - HOUR)
    language = suggester.language
    title = titled(rng, rng.choice(list(THEMES)), language)[0]
    draft = Draft(title, "company_news", "news", language, suggester, created, created, Status.PENDING)
    draft.link = f"https://www.{rng.choice(SUGGESTION_SITES)}/{created}"
    draft.reason = rng.choice(SUGGESTION_REASONS[language])
    decided = created + rng.randrange(2 * HOUR, 3 * DAY)
    if decided >= world.anchor - HOUR or rng.random() < 0.04:
        return draft
    draft.moderator, draft.moderated = world.comms_at(decided), decided
    if rng.random() < 0.15:
        draft.status, draft.rejection = Status.REJECTED, rng.choice(REJECTION_REASONS)
        return draft
    draft.status, draft.publish = Status.PUBLISHED, decided
    draft.title, draft.theme, draft.kind = titled(rng, rng.choice(list(THEMES)), language)
    draft.summary = rng.choice(SUMMARIES[language]).format(city=rng.choice(CITIES[language]))
    draft.personae = rng.sample(PERSONA_KEYS, rng.randint(1, 2)) if rng.random() < 0.5 else []
    draft.texts = share_texts(rng, draft)
    return draft


def write_item(world: World, item_id: int, draft: Draft) -> None:
    updated = draft.archived or draft.moderated or draft.created
    world.rows["content_items"].append(
        (
            item_id,
            draft.title,
            draft.summary,
            draft.link,
            draft.theme,
            draft.kind,
            draft.language,
            as_json(draft.personae),
            draft.status.value,
            moment(draft.publish),
            moment(draft.expire) if draft.expire else None,
            draft.pinned,
            draft.author.id,
            draft.reason,
            draft.rejection,
            draft.moderator.id if draft.moderator else None,
            moment(draft.moderated) if draft.moderated else None,
            moment(draft.created),
            moment(updated),
        )
    )
    world.rows["share_texts"] += [
        (item_id, network, position, body) for network, position, body in draft.texts
    ]


def write_preview(world: World, item_id: int, draft: Draft, images: dict[str, bytes]) -> None:
    """What the fetcher stored: our site's pages have an image; other sites gave their name only."""
    if not draft.link or draft.status in (Status.PENDING, Status.REJECTED):
        return
    if draft.reason is None:
        row = (draft.link, draft.title, "Lumen & Co", images[draft.theme], *IMAGE_SIZE, moment(draft.created))
    else:
        host = draft.link.split("/")[2].removeprefix("www.")
        row = (draft.link, None, host, None, None, None, moment(draft.moderated))
    world.rows["link_previews"].append((item_id, *row))


def log_item(world: World, item_id: int, draft: Draft) -> None:
    """The item's entries in the log and its author's notifications, as the services record them."""
    if draft.reason is None:
        world.act(draft.created, draft.author, content_verbs.CONTENT_CREATED, "content", item_id)
        if draft.pinned:
            world.act(draft.publish, draft.author, content_verbs.CONTENT_PINNED, "content", item_id)
        if draft.archived:
            world.act(
                draft.archived,
                world.comms_at(draft.archived),
                content_verbs.CONTENT_ARCHIVED,
                "content",
                item_id,
            )
        return
    suggester = draft.author
    world.act(draft.created, suggester, content_verbs.SUGGESTION_SUBMITTED, "content", item_id)
    world.notify(
        suggester, SUGGESTION_RECEIVED, {"title": draft.title}, ("content.suggest", {}), draft.created
    )
    if draft.status == Status.PUBLISHED:
        world.act(draft.moderated, suggester, content_verbs.SUGGESTION_APPROVED, "content", item_id)
        world.act(draft.moderated, draft.moderator, content_verbs.MODERATION_APPROVED, "content", item_id)
        link = ("content.item", {"item_id": item_id})
        world.notify(suggester, "suggestion_approved", {"title": draft.title}, link, draft.moderated)
    elif draft.status == Status.REJECTED:
        world.act(draft.moderated, draft.moderator, content_verbs.MODERATION_REJECTED, "content", item_id)
        params = {"title": draft.title, "reason": draft.rejection}
        world.notify(suggester, "suggestion_rejected", params, ("content.suggest", {}), draft.moderated)


def pool_item(world: World, item_id: int, draft: Draft) -> Item:
    until = min(moment_or_far(draft.expire), moment_or_far(draft.archived))
    weight = min(world.rng.paretovariate(1.1), 200.0) * (3 if draft.pinned else 1)
    networks = tuple(dict.fromkeys(network for network, _position, _body in draft.texts))
    return Item(
        item_id,
        draft.language,
        draft.publish,
        until,
        bool(draft.link),
        networks,
        weight,
    )


def moment_or_far(ts: int | None) -> int:
    return ts if ts is not None else 2**62


def tell_reading_moderators(world: World, suggestions: list[Draft]) -> None:
    """The "suggestions waiting" notices of the moderators who read them: one per suggestion
    arriving once they had read the previous one, else the unread one brought up to date
    (what ``services._tell_moderators`` does). Those who never read theirs only have the
    current one, which ``bench.build`` writes from the queue."""
    readers = [person for person in world.comms if not person.demo][:READING_MODERATORS]
    readers += [person for person in world.comms if person.email == DEMO_COMMS]
    arrivals = sorted([*[(d.created, d.moderated) for d in suggestions], *queued(world)])
    for reader in readers:
        last: list | None = None  # the reader's latest notice: [row index, read at]
        for submitted, _decided in arrivals:
            if submitted < reader.start:
                continue
            waiting = sum(1 for s, d in arrivals if s <= submitted and (d is None or d > submitted))
            last = waiting_notice(world, reader, submitted, waiting, last)


def queued(world: World) -> list[tuple[int, int | None]]:
    return [(submitted, None) for submitted in world.existing.pending_suggestions]


def waiting_notice(world: World, reader: Person, at: int, waiting: int, last: list | None) -> list:
    params, link = as_json({"count": waiting}), ("console.content.queue", {})
    read_after = at + world.rng.randrange(600, 6 * HOUR)  # a reader: read within hours
    read = moment(read_after) if read_after < world.anchor else None
    rows = world.rows["notifications"]
    if last is not None and (last[1] is None or last[1] > moment(at)):  # unread: brought to the top
        row = rows[last[0]]
        rows[last[0]] = (*row[:2], params, *row[3:5], moment(at), row[6])
        return last
    rows.append((reader.id, SUGGESTIONS_WAITING, params, link[0], as_json(link[1]), moment(at), read))
    return [len(rows) - 1, read]


def theme_images() -> dict[str, bytes]:
    """A small JPEG per theme, the demo's night sky in its colours, as link previews store them."""
    return {theme: night_sky(theme, random.Random(theme), *IMAGE_SIZE) for theme in SKIES}


# --- The quiz --------------------------------------------------------------------------------

RETAKES = 0.05
DIRECTORY_OPT_IN = 0.4


def plan_quiz(world: World) -> None:
    """A third of the company took the quiz (more among the active), a few twice."""
    attempts = []
    for person in world.people:
        if person.id in world.existing.quizzed:
            continue
        if person.email == DEMO_EMPLOYEE or world.rng.random() < habits(person).quiz:
            taken = world.between(person.start, world.anchor - HOUR)
            attempts.append((taken, person))
            if world.rng.random() < RETAKES and taken + DAY < world.anchor - HOUR:
                attempts.append((world.between(taken + DAY, world.anchor - HOUR), person))
    for taken, person in sorted(attempts, key=lambda attempt: (attempt[0], attempt[1].id)):
        save_result(world, person, taken)


def save_result(world: World, person: Person, taken: int) -> None:
    """What ``quiz.services.save_result`` stores: the answers, the scores of every persona, the log entry."""
    answers = leaning_answers(world.rng, world.rng.choice(PERSONA_KEYS))
    ranked = rank_personae(persona_scores(answers))
    networks = [network for network in answers[NETWORKS_QUESTION] if network != NO_NETWORK]
    result_id = world.new_id("quiz_results")
    attempt = f"{world.rng.getrandbits(128):032x}"
    world.rows["quiz_results"].append(
        (
            result_id,
            person.id,
            QUIZ_VERSION,
            attempt,
            as_json(answers),
            as_json(networks),
            ranked[0].persona,
            moment(taken),
        )
    )
    world.rows["persona_scores"] += [
        (result_id, r.persona, r.score, r.rank, r.held, r.also_you) for r in ranked
    ]
    world.act(
        taken, person, quiz_verbs.QUIZ_COMPLETED, "quiz_result", result_id, {"primary": ranked[0].persona}
    )
    person.personae = tuple(r.persona for r in ranked if r.held and (r.rank == 1 or r.also_you))


def leaning_answers(rng: random.Random, leaning: str) -> dict:
    """Answers that lean to one persona, as the demo's colleagues answer."""
    answers = {}
    for question in QUESTIONS:
        keys = [option.key for option in question.options]
        if question.multiple:
            answers[question.key] = sorted(
                rng.sample([k for k in keys if k != NO_NETWORK], rng.randint(1, 3))
            )
        elif rng.random() < 0.6:
            answers[question.key] = max(question.options, key=lambda o: o.weights.get(leaning, 0)).key
        else:
            answers[question.key] = rng.choice(keys)
    return answers


# --- Reading, sharing, liking ------------------------------------------------------------------

UNLIKED = 0.02
CLICK_TAIL = 1.45  # clicks per share: a Pareto tail, most shares get a few, some get hundreds
MAX_CLICKS = 400
NETWORK_WEIGHTS = {"linkedin": 55, "x": 25, "facebook": 20}


def plan_reading(world: World) -> None:
    """Each person's shares (the charter accepted before the first), with the clicks on their
    links, then their likes and bookmarks; shares take their ids in the order they happened."""
    pools = reading_pools(world)
    planned = []
    for person in world.people:
        reads = pools[person.reads]
        shares = pick_shares(world, person, reads["shared"], yearly(world, person, habits(person).shares))
        if shares:
            accept_charter(world, person, min(at for at, _item, _network in shares))
        planned += [(at, person, item, network) for at, item, network in shares]
        plan_reactions(world, person, reads["all"])
    for at, person, item, network in sorted(planned, key=lambda share: (share[0], share[1].id)):
        write_share(world, at, person, item, network)


def reading_pools(world: World) -> dict[tuple[str, ...], dict[str, Pool]]:
    """Popular items for each set of reading languages: all of them, and those one can share."""
    pools = {}
    for reads in {person.reads for person in world.people}:
        readable = [item for item in world.items if item.language in reads]
        pools[reads] = {"all": Pool(readable), "shared": Pool([item for item in readable if item.has_link])}
    return pools


def moment_on(world: World, item: Item, start: int) -> int | None:
    """When someone acts on a live item: mostly in its first days, sometimes much later."""
    first, last = max(item.publish, start), min(item.until, world.anchor - 60)
    if first >= last:
        return None
    if world.rng.random() < 0.85:
        at = item.publish + int(world.rng.expovariate(1 / (2 * DAY)))
        if first <= at < last:
            return at
    return world.rng.randrange(first, last)


def pick_shares(world: World, person: Person, pool: Pool, count: int) -> list[tuple[int, Item, str]]:
    """Distinct (item, network) shares, each while the item was live, after the person's start
    (and after their acceptance of the charter, for those who had accepted it already)."""
    start = max(person.start + DAY, world.existing.accepted.get(person.id, 0) + 60)
    shares, done = [], set()
    for _ in range(count * 4):
        if len(shares) >= count:
            break
        item = pool.draw(world.rng)
        network = pick_network(world.rng, item)
        at = moment_on(world, item, start)
        if at is not None and (item.id, network) not in done:
            done.add((item.id, network))
            shares.append((at, item, network))
    return shares


def pick_network(rng: random.Random, item: Item) -> str:
    offered = [network for network in NETWORK_WEIGHTS if network in item.networks] or ["linkedin"]
    return rng.choices(offered, [NETWORK_WEIGHTS[network] for network in offered])[0]


def accept_charter(world: World, person: Person, first_share: int) -> None:
    """The charter accepted before the first share (as sharing requires), unless done already."""
    if person.id in world.existing.accepted:
        return
    charter_id, version = world.existing.charter
    accepted = max(person.start, first_share - world.rng.randrange(300, 2 * DAY))
    world.rows["charter_acceptances"].append((person.id, charter_id, moment(accepted)))
    world.act(accepted, person, content_verbs.CHARTER_ACCEPTED, "charter", charter_id, {"version": version})


def write_share(world: World, at: int, person: Person, item: Item, network: str) -> None:
    """A share with its tracked link, its log entry, and a click entry for each visit of the link."""
    share_id = world.new_id("shares")
    token = base64.urlsafe_b64encode(world.rng.getrandbits(96).to_bytes(12, "big")).decode()
    clicks = click_moments(world, person, at)
    world.rows["shares"].append((share_id, person.id, item.id, network, token, len(clicks), moment(at)))
    world.act(
        at, person, content_verbs.CONTENT_SHARED, "content", item.id, {"network": network, "share": share_id}
    )
    for clicked in clicks:
        world.act(clicked, person, content_verbs.CLICK_RECEIVED, "content", item.id, {"share": share_id})


def click_moments(world: World, person: Person, shared: int) -> list[int]:
    rng = world.rng
    count = min(int(rng.paretovariate(CLICK_TAIL)) - 1, MAX_CLICKS)
    if person.tier == CREATOR:  # their networks are larger
        count += count // 2
    moments = (shared + int(rng.expovariate(1 / (1.5 * DAY))) for _ in range(count))
    return sorted(at for at in moments if at < world.anchor - 60)


def plan_reactions(world: World, person: Person, pool: Pool) -> None:
    """Likes (a few taken back later) and bookmarks of distinct live items."""
    for at, item in distinct_moments(world, person, pool, yearly(world, person, habits(person).likes)):
        world.act(at, person, content_verbs.CONTENT_LIKED, "content", item.id)
        undone = at + 60 + int(world.rng.expovariate(1 / (3 * DAY)))
        if world.rng.random() < UNLIKED and undone < world.anchor:
            world.act(undone, person, content_verbs.CONTENT_UNLIKED, "content", item.id)
        else:
            world.rows["reactions"].append((person.id, item.id, LIKE, moment(at)))
    for at, item in distinct_moments(world, person, pool, yearly(world, person, habits(person).bookmarks)):
        world.rows["reactions"].append((person.id, item.id, BOOKMARK, moment(at)))


def distinct_moments(world: World, person: Person, pool: Pool, count: int) -> list[tuple[int, Item]]:
    found, seen = [], set()
    for _ in range(count * 3):
        if len(found) >= count:
            break
        item = pool.draw(world.rng)
        at = moment_on(world, item, person.start)
        if at is not None and item.id not in seen:
            seen.add(item.id)
            found.append((at, item))
    return found


# --- Events --------------------------------------------------------------------------------------

EVENT_WEIGHTS = {"social_cafe": 30, "webinar": 30, "training": 20, "talk": 20}
CAPACITIES = {"social_cafe": (12, 30), "training": (10, 20), "talk": (40, 150), "webinar": (100, 300)}
EVENT_CANCELLED = 0.02
EVENT_MOVED = 0.04
REGISTRATION_CANCELLED = 0.08
ATTENDED = 0.78


@dataclass
class EventPlan:
    id: int
    title: str
    kind: str
    language: str
    starts: int
    ends: int
    capacity: int | None
    organiser: Person
    created: int
    cancelled: int | None  # when the organiser cancelled it
    moved: int | None  # when the organiser changed its time (to the one above)


@dataclass
class Seat:
    """A registration while the event's sign-ups are replayed."""

    id: int
    person: Person
    created: int
    status: RegistrationStatus
    confirmed: int | None = None
    waitlisted: int | None = None
    cancelled: int | None = None
    attended: bool = False


def plan_events(world: World) -> None:
    """A year of events, some still to come: sign-ups replayed in order, so seats, waiting
    lists, promotions, reminders and attendance follow the app's rules."""
    events = sorted(
        (event_plan(world) for _ in range(world.scale.events)), key=lambda e: (e.created, e.starts)
    )
    readers = {language: [p for p in world.people if language in p.reads] for language in ("fr", "en")}
    for event in events:
        event.id = world.new_id("events")
        seats = replay_sign_ups(world, event, registrants(world, event, readers[event.language]))
        remind(world, event, seats)
        take_attendance(world, event, seats)
        write_event(world, event, seats)


def event_plan(world: World) -> EventPlan:
    """An event in the year before the anchor or the weeks after it, announced weeks ahead."""
    rng = world.rng
    kind = rng.choices(list(EVENT_WEIGHTS), list(EVENT_WEIGHTS.values()))[0]
    language = "fr" if rng.random() < 0.72 else "en"
    day = world.local_date(world.between(world.anchor - 355 * DAY, world.anchor + 45 * DAY))
    starts = world.local_midnight(day) + rng.randrange(9, 17) * HOUR + rng.choice((0, 1800))
    created = min(
        max(starts - rng.randrange(14, 36) * DAY, world.anchor - LAUNCH + 20 * DAY), world.anchor - DAY
    )
    topic = rng.choice(TOPICS[rng.choice(list(THEMES))][language])
    cancelled = moved = None
    draw = rng.random()
    if draw < EVENT_CANCELLED:
        cancelled = world.between(created + HOUR, min(starts, world.anchor))
    elif draw < EVENT_CANCELLED + EVENT_MOVED and created + HOUR < min(starts - 2 * DAY, world.anchor):
        moved = world.between(created + HOUR, min(starts - 2 * DAY, world.anchor))
    return EventPlan(
        0,
        EVENT_TITLES[kind][language].format(topic=topic),
        kind,
        language,
        starts,
        starts + (90 if kind == "training" else 60) * 60,
        capacity_of(rng, kind),
        world.comms_at(created),
        created,
        cancelled,
        moved,
    )


def capacity_of(rng: random.Random, kind: str) -> int | None:
    """Seats: a small room for cafés and workshops, an auditorium for talks, most webinars open."""
    if kind == "webinar" and rng.random() < 0.7:
        return None
    return rng.randint(*CAPACITIES[kind])


def registrants(world: World, event: EventPlan, readers: list[Person]) -> list[Person]:
    """Who signs up: people who read the event's language, the active ones more often."""
    deadline = min(event.starts, event.cancelled or event.starts, world.anchor)
    present = [person for person in readers if person.start < deadline - HOUR]
    wanted = {
        "social_cafe": (event.capacity or 20) + world.rng.randint(-4, 6),
        "training": (event.capacity or 15) + world.rng.randint(-3, 4),
        "talk": round((event.capacity or 80) * world.rng.uniform(0.5, 1.1)),
        "webinar": world.rng.randint(60, 400),
    }[event.kind]
    wanted = min(max(wanted, 1), len(present) // 4 or 1)
    weights = [habits(person).events * person.boost**2 for person in present]
    return weighted_sample(world.rng, present, weights, wanted)


def weighted_sample(rng: random.Random, people: list, weights: list[float], count: int) -> list:
    """``count`` distinct people, each chance in proportion to its weight (Efraimidis–Spirakis)."""
    keyed = ((rng.random() ** (1 / weight), n) for n, weight in enumerate(weights))
    return [people[n] for _key, n in heapq.nlargest(count, keyed)]


def replay_sign_ups(world: World, event: EventPlan, people: list[Person]) -> list[Seat]:
    """Sign-ups and cancellations in order: seats while some are left, then the waiting list;
    a seat given up before the start goes to the first in line."""
    deadline = min(event.starts, event.cancelled or event.starts, world.anchor)
    steps = []
    for person in people:
        signed = world.between(max(event.created, person.start), deadline)
        steps.append((signed, "sign_up", person))
        if world.rng.random() < REGISTRATION_CANCELLED and signed + 60 < deadline:
            steps.append((world.between(signed + 60, deadline), "cancel", person))
    seats: dict[int, Seat] = {}
    for at, step, person in sorted(steps, key=lambda s: (s[0], s[1], s[2].id)):
        if step == "sign_up":
            seats[person.id] = sign_up(world, event, person, at, seats)
        else:
            cancel_seat(world, event, seats[person.id], at, seats)
    return list(seats.values())


def sign_up(world: World, event: EventPlan, person: Person, at: int, seats: dict[int, Seat]) -> Seat:
    """``events.services._register``: a seat while some are left, else a place in line (told)."""
    confirmed = sum(seat.status == RegistrationStatus.CONFIRMED for seat in seats.values())
    seat = Seat(world.new_id("registrations"), person, at, RegistrationStatus.CONFIRMED, confirmed=at)
    if event.capacity is None or confirmed < event.capacity:
        world.act(at, person, event_verbs.EVENT_REGISTERED, "event", event.id)
        return seat
    seat.status, seat.confirmed, seat.waitlisted = RegistrationStatus.WAITLISTED, None, at
    world.act(at, person, event_verbs.EVENT_WAITLISTED, "event", event.id)
    position = sum(s.status == RegistrationStatus.WAITLISTED for s in seats.values()) + 1
    world.notify(
        person, "event_waitlisted", {"title": event.title, "position": position}, event_link(event), at
    )
    return seat


def cancel_seat(world: World, event: EventPlan, seat: Seat, at: int, seats: dict[int, Seat]) -> None:
    was_confirmed = seat.status == RegistrationStatus.CONFIRMED
    seat.status, seat.cancelled = RegistrationStatus.CANCELLED, at
    world.act(at, seat.person, event_verbs.EVENT_REGISTRATION_CANCELLED, "event", event.id)
    line = sorted(
        (s for s in seats.values() if s.status == RegistrationStatus.WAITLISTED),
        key=lambda s: (s.waitlisted, s.id),
    )
    if was_confirmed and line:
        first = line[0]
        first.status, first.confirmed = RegistrationStatus.CONFIRMED, at
        world.act(at, first.person, event_verbs.EVENT_PROMOTED, "event", event.id)
        world.notify(first.person, "event_promoted", {"title": event.title}, event_link(event), at)


def event_link(event: EventPlan) -> tuple[str, dict]:
    return "events.detail", {"event_id": event.id}


def remind(world: World, event: EventPlan, seats: list[Seat]) -> None:
    """The reminder job: 24 hours before the start, each person confirmed by then (later
    confirmed people at the job's next run), unless the event was cancelled first."""
    due = event.starts - int(REMINDER_BEFORE.total_seconds())
    params = {"title": event.title, "starts_at": moment(event.starts).isoformat()}
    for seat in seats:
        if seat.confirmed is None:
            continue
        sent = max(due, seat.confirmed) + world.rng.randrange(0, 900)
        if sent >= min(event.starts, world.anchor) or (seat.cancelled and seat.cancelled <= sent):
            continue
        if event.cancelled and event.cancelled <= sent:
            continue
        world.rows["reminders_sent"].append((seat.id, REMINDER_KIND, moment(event.starts), moment(sent)))
        world.notify(seat.person, "event_reminder", params, event_link(event), sent)


def take_attendance(world: World, event: EventPlan, seats: list[Seat]) -> None:
    """After a past event, the organiser ticks most of the people confirmed."""
    if event.cancelled or event.ends > world.anchor:
        return
    for seat in seats:
        if seat.status == RegistrationStatus.CONFIRMED and world.rng.random() < ATTENDED:
            seat.attended = True
            ticked = world.between(event.starts, min(event.ends + 3 * HOUR, world.anchor))
            world.act(
                ticked, seat.person, event_verbs.EVENT_ATTENDED, "event", event.id, {"by": event.organiser.id}
            )


def write_event(world: World, event: EventPlan, seats: list[Seat]) -> None:
    rng = world.rng
    online = event.kind == "webinar"
    place = "" if online else f"{rng.choice(CITIES[event.language])}, {rng.choice(ROOMS)}"
    status = EventStatus.CANCELLED if event.cancelled else EventStatus.SCHEDULED
    personae = rng.sample(PERSONA_KEYS, rng.randint(1, 2)) if rng.random() < 0.5 else []
    world.rows["events"].append(
        (
            event.id,
            event.title,
            EVENT_DESCRIPTIONS[event.language].format(topic=event.title.split(": ")[-1]),
            event.kind,
            moment(event.starts),
            moment(event.ends),
            place,
            f"{MEETINGS}{event.kind}-{event.id}" if online else None,
            event.capacity,
            event.language,
            as_json(personae),
            event.organiser.id,
            status.value,
            1 if event.cancelled or event.moved else 0,
            moment(event.created),
            moment(event.cancelled or event.moved or event.created),
        )
    )
    world.act(event.created, event.organiser, event_verbs.EVENT_CREATED, "event", event.id)
    if event.moved:
        move_event(world, event, seats)
    if event.cancelled:
        cancel_event(world, event, seats)
    world.rows["registrations"] += [
        (
            seat.id,
            event.id,
            seat.person.id,
            seat.status.value,
            moment(seat.created),
            moment(seat.waitlisted) if seat.waitlisted else None,
            moment(seat.confirmed) if seat.confirmed else None,
            moment(seat.cancelled) if seat.cancelled else None,
            seat.attended,
        )
        for seat in seats
    ]


def move_event(world: World, event: EventPlan, seats: list[Seat]) -> None:
    """A new time, announced to everyone registered then (``services.update_event``)."""
    world.act(event.moved, event.organiser, event_verbs.EVENT_UPDATED, "event", event.id)
    params = {"title": event.title, "starts_at": moment(event.starts).isoformat()}
    for seat in seats:
        if seat.created <= event.moved and (seat.cancelled is None or seat.cancelled > event.moved):
            world.notify(seat.person, "event_changed", params, event_link(event), event.moved)


def cancel_event(world: World, event: EventPlan, seats: list[Seat]) -> None:
    """Everyone still registered is told; the registrations stay as they were."""
    world.act(event.cancelled, event.organiser, event_verbs.EVENT_CANCELLED, "event", event.id)
    for seat in seats:
        if seat.status != RegistrationStatus.CANCELLED:
            world.notify(
                seat.person, "event_cancelled", {"title": event.title}, event_link(event), event.cancelled
            )


# --- Kudos -------------------------------------------------------------------------------------

EMPLOYEE_KUDOS = 120


def plan_kudos(world: World) -> None:
    """Thanks between colleagues, at most five a day per sender; the demo employee is often thanked."""
    sent_per_day: Counter = Counter()
    planned = []
    for sender in world.people:
        for _ in range(yearly(world, sender, habits(sender).kudos)):
            planned.append(thank(world, sender, recipient_for(world, sender), sent_per_day))
    employee = world.employee
    if employee is not None:
        colleagues = [p for p in world.people if p.tier != WATCHER and p.id != employee.id]
        for _ in range(EMPLOYEE_KUDOS * world.scale.people // LARGE.people or 2):
            planned.append(thank(world, world.rng.choice(colleagues), employee, sent_per_day))
    for at, sender, recipient in sorted((kudos for kudos in planned if kudos), key=lambda k: (k[0], k[1].id)):
        write_kudos(world, at, sender, recipient)


def recipient_for(world: World, sender: Person) -> Person:
    rng = world.rng
    if rng.random() < 0.5:
        colleague = rng.choice(world.people)
        if colleague.department_id == sender.department_id and colleague.id != sender.id:
            return colleague
    if sender.manager_id in world.by_id and rng.random() < 0.3:
        return world.by_id[sender.manager_id]
    return rng.choice(world.people)


def thank(world: World, sender: Person, recipient: Person, sent_per_day: Counter) -> tuple | None:
    if recipient.id == sender.id:
        return None
    at = world.between(max(sender.start, recipient.start), world.anchor - 60)
    day = (sender.id, world.local_date(at))
    if sent_per_day[day] >= MAX_PER_DAY:
        return None
    sent_per_day[day] += 1
    return at, sender, recipient


def write_kudos(world: World, at: int, sender: Person, recipient: Person) -> None:
    """What ``kudos.services.send`` saves: the kudos, both entries, the notice and the wall of fame."""
    kudos_id = world.new_id("kudos")
    message = world.rng.choice(KUDOS_MESSAGES[sender.language])
    from_manager = recipient.manager_id == sender.id
    world.rows["kudos"].append(
        (kudos_id, sender.id, recipient.id, message, sender.is_comms, from_manager, moment(at))
    )
    world.act(at, sender, kudos_verbs.KUDOS_SENT, "kudos", kudos_id)
    world.act(at, recipient, kudos_verbs.KUDOS_RECEIVED, "kudos", kudos_id, {"from": sender.id})
    mark = FROM_MANAGER if from_manager else FROM_COMMS if sender.is_comms else ""
    params = {"sender": sender.name, "message": message, "from": mark}
    world.notify(recipient, RECEIVED_NOTICE, params, ("kudos.index", {}), at)
    world.celebrate("kudos", recipient.id, f"kudos:{kudos_id}", {"message": message}, None, at, sender.id)


# --- Declared contributions -----------------------------------------------------------------------


def plan_contributions(world: World) -> None:
    planned = []
    for person in world.people:
        for _ in range(yearly(world, person, habits(person).contributions)):
            planned.append((world.between(person.start, world.anchor - HOUR), person))
    for at, person in sorted(planned, key=lambda c: (c[0], c[1].id)):
        declare(world, at, person)


def declare(world: World, at: int, person: Person) -> None:
    """A declaration, and the comms' decision when it came: validated (on the wall of fame,
    sometimes featured) or declined with a reason; the newest still wait."""
    rng = world.rng
    contribution_id = world.new_id("contributions")
    kind = rng.choice(list(CONTRIBUTION_KINDS))
    title_fr, title_en = CONTRIBUTION_TITLES[kind]
    title = (title_fr if person.language == "fr" else title_en).format(
        city=rng.choice(CITIES[person.language])
    )
    happened = moment(at).astimezone(ZoneInfo(person.timezone or world.existing.zone)).date()
    happened -= timedelta(days=rng.randint(0, 20))
    persona = SUGGESTED_PERSONA[kind] if rng.random() < 0.85 else None
    link = f"https://www.example.org/{kind}/{contribution_id}" if rng.random() < 0.5 else None
    reviewed = at + rng.randrange(2 * HOUR, 5 * DAY)
    decided = reviewed < world.anchor - HOUR and rng.random() < 0.95
    reviewer = world.comms_at(reviewed)
    if reviewer.id == person.id:
        decided = False
    status = ContributionStatus.PENDING
    reason = None
    if decided:
        status = ContributionStatus.VALIDATED if rng.random() < 0.85 else ContributionStatus.DECLINED
        reason = rng.choice(DECLINE_REASONS) if status == ContributionStatus.DECLINED else None
    world.rows["contributions"].append(
        (
            contribution_id,
            person.id,
            kind,
            happened,
            title,
            link,
            "",
            persona,
            status.value,
            reason,
            reviewer.id if decided else None,
            moment(reviewed) if decided else None,
            moment(at),
        )
    )
    world.act(at, person, contribution_verbs.CONTRIBUTION_DECLARED, "contribution", contribution_id)
    if decided:
        review(world, contribution_id, person, reviewer, reviewed, status, title, kind, reason)


def review(world: World, contribution_id, person, reviewer, at, status, title, kind, reason) -> None:
    link = ("contributions.detail", {"contribution_id": contribution_id})
    if status == ContributionStatus.VALIDATED:
        world.act(at, person, contribution_verbs.CONTRIBUTION_VALIDATED, "contribution", contribution_id)
        world.act(
            at, reviewer, contribution_verbs.CONTRIBUTION_REVIEW_VALIDATED, "contribution", contribution_id
        )
        world.notify(person, VALIDATED_NOTICE, {"title": title}, link, at)
        featured = world.rng.random() < 0.05
        params = {"title": title, "kind": kind}
        world.celebrate(
            "contribution", person.id, f"contribution:{contribution_id}", params, link, at, featured=featured
        )
        return
    world.act(at, person, contribution_verbs.CONTRIBUTION_DECLINED, "contribution", contribution_id)
    world.act(at, reviewer, contribution_verbs.CONTRIBUTION_REVIEW_DECLINED, "contribution", contribution_id)
    world.notify(person, DECLINED_NOTICE, {"title": title, "reason": reason}, link, at)


# --- Mentoring -------------------------------------------------------------------------------------

MENTORS, MENTEES = 0.04, 0.06  # shares of the company who offer to mentor, who ask for a mentor
MENTOR_WEIGHTS = {CREATOR: 6, REACTOR: 3, WATCHER: 1}  # the active ones offer more often
MENTEE_WEIGHTS = {CREATOR: 1, REACTOR: 2, WATCHER: 1}
OFFER_CLOSED, WISH_CLOSED_AFTER_END, WISH_CLOSED = 0.05, 0.6, 0.1
ROUND_EVERY, LAST_ROUND = 6 * WEEK, 3 * DAY  # comms' matching rounds; the latest a few days ago
FROM_A_ROUND = 0.25  # share of proposals that came from a round (when one came soon enough)
# Before the last proposal: how many went nowhere, and how (a withdrawal is a request's only).
MISSES = {0: 75, 1: 20, 2: 5}
MISSED = {PairStatus.DECLINED: 2, PairStatus.EXPIRED: 1, PairStatus.WITHDRAWN: 1}
# The last one: a pairing still going, one that ended, one waiting for an answer, or none yet.
OUTCOMES = {PairStatus.ACTIVE: 45, PairStatus.ENDED: 20, PairStatus.PROPOSED: 10, None: 25}
RHYTHM_DAYS = {Rhythm.WEEKLY: 7, Rhythm.FORTNIGHTLY: 14, Rhythm.MONTHLY: 30}
SESSION_SKIPPED = 0.15
MENTORING_TEXTS = {
    "note": {
        "fr": [
            "Avec plaisir pour un café par mois : je partage ce que j'ai appris en publiant.",
            "J'ai fait toutes les erreurs possibles sur LinkedIn, je vous aide à les éviter.",
            "Disponible en visio le midi, n'hésitez pas !",
        ],
        "en": [
            "Happy to meet once a month over coffee and share what I've learnt.",
            "I've made every mistake there is on LinkedIn: let me help you skip them.",
            "Free for a call at lunchtime, just ask!",
        ],
    },
    "goal": {
        "fr": [
            "Publier régulièrement sans y passer mes soirées.",
            "Oser parler de mon métier sur les réseaux.",
            "Donner envie à des candidats de nous rejoindre.",
            "Savoir quoi répondre aux commentaires négatifs.",
        ],
        "en": [
            "Post regularly without spending my evenings on it.",
            "Dare to talk about my work on social networks.",
            "Make candidates want to join us.",
            "Know how to answer negative comments.",
        ],
    },
    "message": {
        "fr": ["Bonjour, votre offre tombe à pic : auriez-vous un peu de temps pour moi ?"],
        "en": ["Hello, your offer is just what I need: would you have some time for me?"],
    },
    "reply": {
        "fr": ["Avec plaisir ! Je vous propose un premier café la semaine prochaine.", ""],
        "en": ["With pleasure! Let's have a first coffee next week.", ""],
    },
    "declined": {
        "fr": ["Désolé, je n'ai pas assez de temps ce trimestre."],
        "en": ["Sorry, I don't have enough time this quarter."],
    },
    "notes": {
        "fr": [
            "Relecture du dernier post et idées pour le suivant.",
            "Travail sur l'accroche et le choix des photos.",
            "Point sur les objectifs du mois.",
            "",
        ],
        "en": [
            "Went through the latest post and ideas for the next one.",
            "Worked on the opening line and the pictures.",
            "Reviewed this month's goals.",
            "",
        ],
    },
    "feedback": {
        "fr": ["Très utile, merci !", "De bons conseils, on a manqué un peu de temps."],
        "en": ["Very useful, thank you!", "Good advice; we ran a little short of time."],
    },
}


@dataclass(frozen=True)
class MentoringSetup:
    """What mentoring offers in the database: the topics (key: the personae that complement it)
    and the days a proposal waits for an answer."""

    topics: dict[str, tuple[str, ...]]
    reply_days: int


@dataclass
class OfferPlan:
    id: int
    person: Person
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int
    created: int
    closed: int | None
    places: list[tuple[int, int | None]] = field(default_factory=list)  # [from, until) of each place taken

    def free_at(self, at: int) -> int:
        """Places free at that moment (waiting proposals take one, as for a request)."""
        if at < self.created or (self.closed is not None and at >= self.closed):
            return 0
        return self.capacity - sum(
            1 for start, end in self.places if start <= at and (end is None or at < end)
        )


@dataclass
class WishPlan:
    id: int
    person: Person
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    goal: str
    created: int
    closed: int | None = None


@dataclass
class Proposal:
    """A request or a round's proposal, as planned before its mentor is chosen."""

    wish: WishPlan
    status: PairStatus  # what came of it
    origin: PairOrigin
    asked: int
    answered: int | None = None  # the mentor's answer (a refusal: whoever refused), the job's expiry
    mentee_answered: int | None = None  # to a round's proposal
    ended: int | None = None
    rhythm: Rhythm = Rhythm.FORTNIGHTLY
    refused_by_mentee: bool = False

    @property
    def started(self) -> int | None:
        if self.status not in (PairStatus.ACTIVE, PairStatus.ENDED):
            return None
        return max(self.answered, self.mentee_answered or self.answered)

    @property
    def until(self) -> int | None:
        """When the mentor's place is free again (None: it is still taken)."""
        if self.status in (PairStatus.ACTIVE, PairStatus.PROPOSED):
            return None
        return self.ended if self.status == PairStatus.ENDED else self.answered


def plan_mentoring(world: World) -> None:
    """Offers to mentor and wishes for a mentor; each mentee's requests and round proposals in
    time order, each to an allowed mentor with a free place then (never in their manager chain,
    never a previous partner, a shared topic and language), declined, expired, withdrawn, still
    waiting or accepted; the pairings' sessions; the log entries and notices the services write."""
    setup = world.existing.mentoring
    rng = world.rng
    candidates = [p for p in world.people if not p.demo and p.start < world.anchor - 30 * DAY]
    mentors = weighted_sample(
        rng, candidates, [MENTOR_WEIGHTS[p.tier] for p in candidates], round(len(world.people) * MENTORS)
    )
    taken = {person.id for person in mentors}
    rest = [person for person in candidates if person.id not in taken]
    mentees = weighted_sample(
        rng, rest, [MENTEE_WEIGHTS[p.tier] for p in rest], round(len(world.people) * MENTEES)
    )
    offers = [plan_offer(world, setup, person) for person in sorted(mentors, key=lambda p: p.id)]
    wishes = [plan_wish(world, setup, person) for person in sorted(mentees, key=lambda p: p.id)]
    proposals = sorted(
        (proposal for wish in wishes for proposal in plan_proposals(world, setup, wish)),
        key=lambda proposal: (proposal.asked, proposal.wish.id),
    )
    chains = {person.id: manager_chain(world, person) for person in world.people}
    partners: dict[int, set[int]] = defaultdict(set)
    stopped: set[int] = set()  # wishes left without an allowed mentor: no later proposal
    rounds: Counter = Counter()
    pairs = []
    for proposal in proposals:
        wish = proposal.wish
        if wish.id in stopped:
            continue
        chosen = choose_mentor(world, setup, proposal, offers, chains, partners[wish.person.id])
        if chosen is None:
            stopped.add(wish.id)
            continue
        offer, fit = chosen
        offer.places.append((proposal.asked, proposal.until))
        partners[wish.person.id].add(offer.person.id)
        pairs.append(write_pair(world, proposal, offer, fit))
        if proposal.origin == PairOrigin.ROUND:
            rounds[proposal.asked] += 1
    for at, count in sorted(rounds.items()):
        organiser = world.rng.choice([p for p in world.comms if not p.demo and p.start <= at] or world.comms)
        world.act(at, organiser, mentoring_verbs.ROUND_CONFIRMED, None, None, {"pairs": count})
    close_wishes(world, wishes, pairs)
    plan_sessions(world, pairs)


def plan_offer(world: World, setup: MentoringSetup, person: Person) -> OfferPlan:
    rng = world.rng
    created = world.between(max(person.start, world.anchor - HISTORY), world.anchor - 20 * DAY)
    closes = rng.random() < OFFER_CLOSED and created + 30 * DAY < world.anchor - HOUR  # never in the future
    closed = world.between(created + 30 * DAY, world.anchor - HOUR) if closes else None
    other = "en" if person.language == "fr" else "fr"
    languages = tuple(dict.fromkeys([*person.reads, *([other] if rng.random() < 0.2 else [])]))
    offer = OfferPlan(
        world.new_id("mentor_offers"),
        person,
        pick_topics(rng, setup, rng.randint(1, 3)),
        languages,
        rng.randint(1, 3),
        created,
        closed if closed and closed > created else None,
    )
    world.rows["mentor_offers"].append(
        (
            offer.id,
            person.id,
            as_json(list(offer.topics)),
            as_json(list(offer.languages)),
            offer.capacity,
            rng.choice(MENTORING_TEXTS["note"][person.language]),
            offer.closed is None,
            moment(created),
            moment(offer.closed or created),
        )
    )
    world.act(created, person, mentoring_verbs.OFFER_SAVED, "mentor_offer", offer.id)
    if offer.closed:
        world.act(offer.closed, person, mentoring_verbs.OFFER_CLOSED, "mentor_offer", offer.id)
    return offer


def pick_topics(rng: random.Random, setup: MentoringSetup, count: int) -> tuple[str, ...]:
    """Topics of the list, the ones comms manage more often than the themes."""
    keys = list(setup.topics)
    weights = [1 if key.startswith(THEME_PREFIX) else 3 for key in keys]
    return tuple(weighted_sample(rng, keys, weights, min(count, len(keys))))


def plan_wish(world: World, setup: MentoringSetup, person: Person) -> WishPlan:
    rng = world.rng
    created = world.between(max(person.start, world.anchor - HISTORY), world.anchor - 2 * DAY)
    other = "en" if person.language == "fr" else "fr"
    languages = (person.language, other) if rng.random() < 0.1 else (person.language,)
    goal = rng.choice(MENTORING_TEXTS["goal"][person.language])
    topics = pick_topics(rng, setup, rng.randint(1, 2))
    return WishPlan(world.new_id("mentee_wishes"), person, topics, languages, goal, created)


def plan_proposals(world: World, setup: MentoringSetup, wish: WishPlan) -> list[Proposal]:
    """The mentee's proposals one after the other: a few that went nowhere, then the last."""
    rng = world.rng
    misses = rng.choices(list(MISSES), list(MISSES.values()))[0]
    kinds = rng.choices(list(MISSED), list(MISSED.values()), k=misses)
    kinds.append(rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0])
    reply, last = setup.reply_days * DAY, world.anchor - HOUR
    at = wish.created + rng.randrange(HOUR, 10 * DAY)
    proposals = []
    for status in kinds:
        if status is None:
            break
        if status == PairStatus.PROPOSED:  # still waiting: asked in the last days
            at = max(at, world.anchor - rng.randrange(HOUR, reply - DAY))
        origin, asked = PairOrigin.REQUEST, at
        latest_round = next_round(world, at)
        if status != PairStatus.WITHDRAWN and latest_round is not None and rng.random() < FROM_A_ROUND:
            origin, asked = PairOrigin.ROUND, latest_round
        proposal = Proposal(wish, status, origin, asked, rhythm=rng.choice(list(RHYTHM_DAYS)))
        if not answer_in_time(world, proposal, reply) or (proposal.until or asked) >= last:
            break
        proposals.append(proposal)
        if proposal.until is None:
            break
        at = proposal.until + rng.randrange(HOUR, 14 * DAY)
    return proposals


def next_round(world: World, at: int) -> int | None:
    """The first matching round at or after that moment, if one came before the anchor."""
    latest = world.anchor - LAST_ROUND
    if at > latest:
        return None
    return latest - (latest - at) // ROUND_EVERY * ROUND_EVERY


def answer_in_time(world: World, proposal: Proposal, reply: int) -> bool:
    """The answers' moments, as the status calls for; False when they would come after the anchor."""
    rng, asked, last = world.rng, proposal.asked, world.anchor - HOUR
    if proposal.status == PairStatus.PROPOSED:
        return asked + reply > world.anchor and asked < last
    if proposal.status == PairStatus.EXPIRED:
        proposal.answered = asked + reply + rng.randrange(0, HOUR)  # the job's next run
        return proposal.answered < last
    proposal.answered = asked + rng.randrange(HOUR, 3 * DAY)
    if proposal.origin == PairOrigin.ROUND:
        proposal.mentee_answered = asked + rng.randrange(HOUR, 3 * DAY)
        if proposal.status == PairStatus.DECLINED and rng.random() < 0.5:  # the mentee said no
            proposal.refused_by_mentee, proposal.answered = True, proposal.mentee_answered
    if proposal.status == PairStatus.ENDED:
        proposal.ended = proposal.started + rng.randrange(30 * DAY, 150 * DAY)
        if proposal.ended >= last:
            proposal.status, proposal.ended = PairStatus.ACTIVE, None
    return max(proposal.answered, proposal.mentee_answered or 0) < last


def manager_chain(world: World, person: Person) -> set[int]:
    chain, manager = set(), person.manager_id
    while manager is not None and manager not in chain:
        chain.add(manager)
        manager = world.by_id[manager].manager_id if manager in world.by_id else None
    return chain


def choose_mentor(
    world: World,
    setup: MentoringSetup,
    proposal: Proposal,
    offers: list[OfferPlan],
    chains: dict[int, set[int]],
    previous: set[int],
) -> tuple[OfferPlan, Fit] | None:
    """The round's best allowed mentor with a free place then, or one of the mentee's five best
    suggestions for a request; None when nobody fits."""
    wish, at = proposal.wish, proposal.asked
    mentee = Mentee(wish.person.id, wish.topics, wish.languages)
    complements = {key: frozenset(personae) for key, personae in setup.topics.items()}
    fitting = []
    for offer in offers:
        mentor_id, free = offer.person.id, offer.free_at(at)
        if mentor_id == mentee.user_id or free <= 0 or mentor_id in previous:
            continue
        if mentor_id in chains[mentee.user_id] or mentee.user_id in chains[mentor_id]:
            continue
        mentor = Mentor(
            mentor_id, offer.topics, offer.languages, frozenset(offer.person.personae), offer.capacity,
            offer.capacity - free,
        )  # fmt: skip
        if shared_topics(mentee, mentor) and shared_languages(mentee, mentor):
            fitting.append((offer, compatibility(mentee, mentor, complements)))
    if not fitting:
        return None
    fitting.sort(key=lambda found: (-found[1].score, -found[1].free, found[0].person.id))
    return fitting[0] if proposal.origin == PairOrigin.ROUND else world.rng.choice(fitting[:5])


def write_pair(world: World, proposal: Proposal, offer: OfferPlan, fit: Fit) -> tuple:
    """The pair's row, and what the services logged and told along the way."""
    rng, wish = world.rng, proposal.wish
    mentor, mentee = offer.person, wish.person
    pair_id = world.new_id("mentoring_pairs")
    language = fit.languages[0]
    link = ("mentoring.pair", {"pair_id": pair_id})
    request = proposal.origin == PairOrigin.REQUEST
    status, asked, answered = proposal.status, proposal.asked, proposal.answered
    mentor_agreed = mentee_agreed = None
    if request:
        mentee_agreed = asked
        world.act(asked, mentee, mentoring_verbs.REQUESTED, "mentoring_pair", pair_id)
        world.notify(mentor, mentoring.REQUESTED_NOTICE, {"name": mentee.name}, link, asked)
    else:
        world.notify(mentor, mentoring.PROPOSED_TO_MENTOR_NOTICE, {"name": mentee.name}, link, asked)
        world.notify(mentee, mentoring.PROPOSED_TO_MENTEE_NOTICE, {"name": mentor.name}, link, asked)
    reply = ""
    if status in (PairStatus.ACTIVE, PairStatus.ENDED):
        mentor_agreed = answered
        reply = rng.choice(MENTORING_TEXTS["reply"][language])
        world.act(answered, mentor, mentoring_verbs.ACCEPTED, "mentoring_pair", pair_id)
        if request:
            world.notify(mentee, mentoring.ACCEPTED_NOTICE, {"name": mentor.name}, link, answered)
        else:
            mentee_agreed = proposal.mentee_answered
            world.act(mentee_agreed, mentee, mentoring_verbs.ACCEPTED, "mentoring_pair", pair_id)
            for person, other in ((mentor, mentee), (mentee, mentor)):
                world.notify(person, mentoring.STARTED_NOTICE, {"name": other.name}, link, proposal.started)
    elif status == PairStatus.DECLINED:
        refuser, other = (mentee, mentor) if proposal.refused_by_mentee else (mentor, mentee)
        params = {"name": refuser.name}
        if refuser is mentor:
            reply = rng.choice(MENTORING_TEXTS["declined"][language])
            params["next"] = ""
        world.act(answered, refuser, mentoring_verbs.DECLINED, "mentoring_pair", pair_id)
        world.notify(other, mentoring.DECLINED_NOTICE, params, ("mentoring.index", {}), answered)
    elif status == PairStatus.WITHDRAWN:
        world.act(answered, mentee, mentoring_verbs.WITHDRAWN, "mentoring_pair", pair_id)
    elif status == PairStatus.EXPIRED:
        world.act(answered, mentee, mentoring_verbs.EXPIRED, "mentoring_pair", pair_id)
        params = {"name": mentor.name, "next": ""}
        world.notify(mentee, mentoring.EXPIRED_NOTICE, params, ("mentoring.index", {}), answered)
    ender, feedback = None, {"mentor": "", "mentee": ""}
    if status == PairStatus.ENDED:
        sides = ["mentor", "mentee"]
        rng.shuffle(sides)  # who ended it, then the other
        ender, other = (mentor, mentee) if sides[0] == "mentor" else (mentee, mentor)
        world.act(proposal.ended, ender, mentoring_verbs.ENDED, "mentoring_pair", pair_id)
        world.notify(other, mentoring.ENDED_NOTICE, {"name": ender.name}, link, proposal.ended)
        for side, chance in zip(sides, (0.7, 0.5), strict=True):  # private feedback, more often the ender's
            if rng.random() < chance:
                feedback[side] = rng.choice(MENTORING_TEXTS["feedback"][language])
    world.rows["mentoring_pairs"].append(
        (
            pair_id,
            mentor.id,
            mentee.id,
            status.value,
            proposal.origin.value,
            as_json(list(fit.topics)),
            wish.goal,
            rng.choice(MENTORING_TEXTS["message"][mentee.language]) if request else "",
            reply,
            proposal.rhythm.value,
            fit.score,
            moment(mentor_agreed) if mentor_agreed else None,
            moment(mentee_agreed) if mentee_agreed else None,
            moment(asked),
            moment(asked + world.existing.mentoring.reply_days * DAY),
            moment(answered) if status != PairStatus.PROPOSED else None,
            moment(proposal.started) if proposal.started else None,
            moment(proposal.ended) if proposal.ended else None,
            ender.id if ender else None,
            feedback["mentor"],
            feedback["mentee"],
        )
    )
    return pair_id, proposal, mentor, mentee, language


def close_wishes(world: World, wishes: list[WishPlan], pairs: list[tuple]) -> None:
    """Most mentees whose pairing ended stopped looking; a few without one gave up, after their
    last answer. The rows last, with the state they have now."""
    ended = {proposal.wish.id for _id, proposal, *_rest in pairs if proposal.ended}
    going = {proposal.wish.id for _id, proposal, *_rest in pairs if proposal.until is None}
    settled: dict[int, int] = {}  # each wish's last answer or end
    for _id, proposal, *_rest in pairs:
        if proposal.until is not None:
            settled[proposal.wish.id] = max(settled.get(proposal.wish.id, 0), proposal.until)
    for wish in wishes:
        rng = world.rng
        chance = WISH_CLOSED_AFTER_END if wish.id in ended else WISH_CLOSED
        if wish.id not in going and rng.random() < chance:
            after = max(wish.created + 7 * DAY, settled.get(wish.id, 0) + HOUR)
            if after < world.anchor - HOUR:
                wish.closed = world.between(after, world.anchor - HOUR)
        world.rows["mentee_wishes"].append(
            (
                wish.id,
                wish.person.id,
                as_json(list(wish.topics)),
                as_json(list(wish.languages)),
                wish.goal,
                wish.closed is None,
                moment(wish.created),
                moment(wish.closed or wish.created),
            )
        )
        world.act(wish.created, wish.person, mentoring_verbs.WISH_SAVED, "mentee_wish", wish.id)
        if wish.closed:
            world.act(wish.closed, wish.person, mentoring_verbs.WISH_CLOSED, "mentee_wish", wish.id)


def plan_sessions(world: World, pairs: list[tuple]) -> None:
    """The sessions of the pairings, at their rhythm with a few skipped, each logged by one side
    that evening: both get it in their activity. Ids in the order they were logged."""
    rng, sessions = world.rng, []
    for pair_id, proposal, mentor, mentee, language in pairs:
        if proposal.started is None:
            continue
        every = RHYTHM_DAYS[proposal.rhythm] * DAY
        last = min(proposal.ended or world.anchor, world.anchor) - HOUR
        at = proposal.started + rng.randrange(2 * DAY, every + 1)
        while at < last:
            if rng.random() >= SESSION_SKIPPED:
                logger = rng.choice((mentor, mentee))
                sessions.append(
                    (at, pair_id, mentor, mentee, logger, rng.choice(MENTORING_TEXTS["notes"][language]))
                )
            at += int(every * rng.uniform(0.8, 1.2))
    for at, pair_id, mentor, mentee, logger, notes in sorted(sessions, key=lambda s: (s[0], s[1])):
        session_id = world.new_id("mentoring_sessions")
        held_on = moment(at).astimezone(ZoneInfo(logger.timezone or world.existing.zone)).date()
        world.rows["mentoring_sessions"].append((session_id, pair_id, held_on, notes, logger.id, moment(at)))
        payload = {"session": session_id}
        world.act(at, mentor, mentoring_verbs.SESSION_GIVEN, "mentoring_pair", pair_id, payload)
        world.act(at, mentee, mentoring_verbs.SESSION_RECEIVED, "mentoring_pair", pair_id, payload)


# --- Signing in --------------------------------------------------------------------------------


def plan_sign_ins(world: World) -> None:
    """Sign-ins week after week: several a week for creators, one every other week for most."""
    for person in world.people:
        rate = habits(person).sign_ins * person.boost * world.rng.uniform(0.4, 1.6)
        week = max(person.start, world.anchor - HISTORY)
        while week < world.anchor:
            count = int(rate) + (world.rng.random() < rate - int(rate))
            for _ in range(count):
                world.act(
                    world.between(week, min(week + WEEK, world.anchor - 60)), person, auth_verbs.SIGNED_IN
                )
            week += WEEK


# --- Challenges ------------------------------------------------------------------------------------

LEAVING = 0.02


@dataclass(frozen=True)
class ChallengeSpec:
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    mode: Mode
    metric: str  # a key of the registry's metrics
    starts: int  # programme days from the anchor's
    ends: int
    target: int | None  # collective targets are for the large company, scaled to the plan's
    reward_fr: str
    reward_en: str
    reward_kind: RewardKind = RewardKind.SYMBOLIC
    group_by: GroupBy | None = None
    winners: int = 3
    daily_cap: int | None = None
    catalogue_reward: bool = False  # the winners get the catalogue's first consumable reward
    departments: tuple[str, ...] = ()  # the audience (names); none: everyone
    personae: tuple[str, ...] = ()


FAME_REWARD = (
    "Les gagnants sont mis à l'honneur sur le mur des réussites.",
    "The winners are featured on the wall of fame.",
)
GIFT = ("Un sweat brodé pour chaque gagnant.", "An embroidered sweatshirt for each winner.")
DONATION = (
    "Un don à l'association choisie par l'équipe gagnante.",
    "A donation to the charity the winning team chooses.",
)
CHALLENGES = (
    ChallengeSpec(
        title_fr="Le marathon du partage",
        title_en="The sharing marathon",
        description_fr="Chaque partage compte, trois par jour au plus.",
        description_en="Every share counts, three a day at most.",
        mode=Mode.PERSONAL,
        metric="shares",
        starts=-21,
        ends=9,
        target=30,
        reward_fr=FAME_REWARD[0],
        reward_en=FAME_REWARD[1],
        daily_cap=3,
    ),
    ChallengeSpec(
        title_fr="Le trimestre des équipes",
        title_en="Team quarter",
        description_fr="Chaque point gagné compte pour votre département.",
        description_en="Every point earned counts for your department.",
        mode=Mode.COLLECTIVE,
        metric="points",
        starts=-40,
        ends=50,
        target=30_000,
        reward_fr=DONATION[0],
        reward_en=DONATION[1],
        group_by=GroupBy.DEPARTMENT,
        winners=1,
    ),
    ChallengeSpec(
        title_fr="Des liens qui voyagent",
        title_en="Links that travel",
        description_fr="Les clics sur vos liens partagés comptent.",
        description_en="Clicks on the links you shared count.",
        mode=Mode.PERSONAL,
        metric="clicks",
        starts=-14,
        ends=16,
        target=50,
        reward_fr=GIFT[0],
        reward_en=GIFT[1],
        reward_kind=RewardKind.CONSUMABLE,
        winners=5,
        catalogue_reward=True,
        departments=("Commercial", "Marketing", "Communication"),
    ),
    ChallengeSpec(
        title_fr="Les sites se rencontrent",
        title_en="Sites meet up",
        description_fr="Chaque participation à un événement compte pour votre site.",
        description_en="Every event attended counts for your site.",
        mode=Mode.COLLECTIVE,
        metric="attendances",
        starts=-30,
        ends=30,
        target=400,
        reward_fr=DONATION[0],
        reward_en=DONATION[1],
        group_by=GroupBy.SITE,
        winners=1,
    ),
    ChallengeSpec(
        title_fr="Les dénicheurs",
        title_en="The scouts",
        description_fr="Proposez des contenus : chaque suggestion publiée compte.",
        description_en="Suggest content: each suggestion published counts.",
        mode=Mode.PERSONAL,
        metric="suggestions",
        starts=7,
        ends=37,
        target=3,
        reward_fr=FAME_REWARD[0],
        reward_en=FAME_REWARD[1],
        personae=("curator", "expert", "fact_checker"),
    ),
    ChallengeSpec(
        title_fr="Le sprint de printemps",
        title_en="The spring sprint",
        description_fr="Chaque partage compte, trois par jour au plus.",
        description_en="Every share counts, three a day at most.",
        mode=Mode.PERSONAL,
        metric="shares",
        starts=-120,
        ends=-92,
        target=20,
        reward_fr=FAME_REWARD[0],
        reward_en=FAME_REWARD[1],
        daily_cap=3,
    ),
    ChallengeSpec(
        title_fr="La coupe des départements",
        title_en="The departments' cup",
        description_fr="Chaque partage compte pour votre département.",
        description_en="Every share counts for your department.",
        mode=Mode.COLLECTIVE,
        metric="shares",
        starts=-200,
        ends=-170,
        target=1_500,
        reward_fr=DONATION[0],
        reward_en=DONATION[1],
        group_by=GroupBy.DEPARTMENT,
        winners=1,
    ),
    ChallengeSpec(
        title_fr="Ambassadeurs hors les murs",
        title_en="Ambassadors out and about",
        description_fr="Chaque contribution validée compte.",
        description_en="Every validated contribution counts.",
        mode=Mode.PERSONAL,
        metric="contributions",
        starts=-300,
        ends=-240,
        target=2,
        reward_fr=GIFT[0],
        reward_en=GIFT[1],
        reward_kind=RewardKind.CONSUMABLE,
        catalogue_reward=True,
    ),
    ChallengeSpec(
        title_fr="Le mois des clics",
        title_en="Click month",
        description_fr="Les clics sur vos liens partagés comptent.",
        description_en="Clicks on the links you shared count.",
        mode=Mode.PERSONAL,
        metric="clicks",
        starts=-60,
        ends=-31,
        target=100,
        reward_fr=FAME_REWARD[0],
        reward_en=FAME_REWARD[1],
    ),
    ChallengeSpec(
        title_fr="Les sites en fête",
        title_en="Sites celebrate",
        description_fr="Chaque participation à un événement compte pour votre site.",
        description_en="Every event attended counts for your site.",
        mode=Mode.COLLECTIVE,
        metric="attendances",
        starts=-150,
        ends=-90,
        target=400,
        reward_fr=DONATION[0],
        reward_en=DONATION[1],
        group_by=GroupBy.SITE,
        winners=1,
    ),
)


@dataclass(frozen=True)
class ChallengePlan:
    id: int
    starts: int
    ends: int

    def finished(self, now: int) -> bool:
        return self.ends <= now


def plan_challenges(world: World) -> list[ChallengePlan]:
    planned = []
    for spec in CHALLENGES:
        today = world.local_date(world.anchor)
        starts = world.local_midnight(today + timedelta(days=spec.starts))
        ends = world.local_midnight(today + timedelta(days=spec.ends))
        challenge = ChallengePlan(world.new_id("challenges"), starts, ends)
        created = min(world.anchor, starts) - 5 * DAY
        write_challenge(world, spec, challenge, created)
        for person in participants(world, spec, challenge):
            join(world, challenge, person, created)
        planned.append(challenge)
    return planned


def write_challenge(world: World, spec: ChallengeSpec, challenge: ChallengePlan, created: int) -> None:
    target = spec.target
    if spec.mode == Mode.COLLECTIVE and target:
        target = max(1, target * world.scale.people // LARGE.people)
    consumables = [reward.id for reward in world.rewards if reward.kind == RewardKind.CONSUMABLE.value]
    departments = [
        world.existing.departments[name] for name in spec.departments if name in world.existing.departments
    ]
    author = world.comms_at(created)
    world.rows["challenges"].append(
        (
            challenge.id,
            spec.title_fr,
            spec.title_en,
            spec.description_fr,
            spec.description_en,
            spec.mode.value,
            spec.metric,
            moment(challenge.starts),
            moment(challenge.ends),
            target,
            spec.group_by.value if spec.group_by else None,
            spec.reward_kind.value,
            spec.reward_fr,
            spec.reward_en,
            consumables[0] if spec.catalogue_reward else None,
            spec.winners,
            as_json(departments),
            as_json([]),
            as_json(list(spec.personae)),
            spec.daily_cap,
            author.id,
            moment(created),
        )
    )
    titles = {"title_fr": spec.title_fr, "title_en": spec.title_en}
    world.act(created, author, challenge_verbs.CHALLENGE_CREATED, "challenge", challenge.id, titles)


def participants(world: World, spec: ChallengeSpec, challenge: ChallengePlan) -> list[Person]:
    """People of the audience who joined: the active ones more often; the demo employee in every
    challenge open to them that is not over."""
    scale = world.scale
    if challenge.finished(world.anchor):
        count = scale.finished_participants
    else:
        count = (
            scale.running_participants if challenge.starts <= world.anchor else scale.upcoming_participants
        )
    last = min(challenge.ends, world.anchor) - 2 * HOUR
    audience = [person for person in world.people if person.start < last and in_audience(world, spec, person)]
    weights = [habits(person).challenges for person in audience]
    chosen = weighted_sample(world.rng, audience, weights, min(count, len(audience)))
    employee = world.employee
    if employee in audience and employee not in chosen and not challenge.finished(world.anchor):
        chosen.append(employee)
    return chosen


def in_audience(world: World, spec: ChallengeSpec, person: Person) -> bool:
    departments = {world.existing.departments.get(name) for name in spec.departments}
    if spec.departments and person.department_id in departments:
        return True
    if spec.personae and set(spec.personae) & set(person.personae):
        return True
    return not (spec.departments or spec.personae)


def join(world: World, challenge: ChallengePlan, person: Person, created: int) -> None:
    """Joined around the start (before it too), never after the end; a few left later."""
    last = min(challenge.ends, world.anchor) - HOUR
    if challenge.starts > world.anchor:
        joined = world.between(max(created, person.start), last)
    else:
        around = challenge.starts + world.rng.randrange(-2 * DAY, 3 * DAY)
        joined = min(max(around, created + 60, person.start), last)
    left = None
    if world.rng.random() < LEAVING and joined + HOUR < last and not person.demo:
        left = world.between(joined + HOUR, last)
    world.rows["challenge_participations"].append(
        (
            world.new_id("challenge_participations"),
            challenge.id,
            person.id,
            moment(joined),
            moment(left) if left else None,
        )
    )
    world.act(joined, person, challenge_verbs.CHALLENGE_JOINED, "challenge", challenge.id)
    if left:
        world.act(left, person, challenge_verbs.CHALLENGE_LEFT, "challenge", challenge.id)


# --- The people's rows ---------------------------------------------------------------------------

ANONYMOUS = 0.04


# Entries recorded for a person by someone else's action: they say nothing of the person's visits.
DONE_BY_OTHERS = {
    content_verbs.CLICK_RECEIVED,
    content_verbs.SUGGESTION_APPROVED,
    *kudos_verbs.PASSIVE,
    *contribution_verbs.PASSIVE,
    *event_verbs.PASSIVE,
    *mentoring_verbs.PASSIVE,
    # Either side logs a session, and both get an entry: neither says who came that day.
    mentoring_verbs.SESSION_GIVEN,
    mentoring_verbs.SESSION_RECEIVED,
}


def plan_user_rows(world: World) -> None:
    """The synthetic people, last seen at their latest visit; some listed in their persona's
    directory, a few anonymous on public boards."""
    seen: dict[int, int] = {}
    for at, user_id, verb, *_rest in world.log:
        if at > seen.get(user_id, 0) and verb not in DONE_BY_OTHERS:
            seen[user_id] = at
    for person in world.people:
        if person.demo:
            continue
        rng = world.rng
        last_seen = seen.get(person.id)
        world.rows["users"].append(
            (
                person.id,
                person.email,
                person.name,
                world.existing.password_hash,
                person.role,
                person.department_id,
                person.site_id,
                person.manager_id,
                person.language,
                person.timezone,
                True,
                moment(person.created_at),
                moment(last_seen) if last_seen else None,
                bool(person.personae) and rng.random() < DIRECTORY_OPT_IN,
                as_json(list(person.reads) if len(person.reads) > 1 else []),
                1,
                rng.random() < ANONYMOUS,
            )
        )


# --- Redemptions, once points are known --------------------------------------------------------------

REDEEMED_WITHIN = 90 * DAY


def plan_redemptions(world: World, spendable: dict[int, int], rewards: list[RewardRow]) -> World:
    """Rewards redeemed in the last three months by people who had the points: delivered or
    cancelled by comms, the newest pending. Returns a world holding only these new rows."""
    later = World(
        world.rng,
        world.existing,
        world.scale,
        world.next_ids,
        people=world.people,
        by_id=world.by_id,
        comms=world.comms,
    )
    stock = {reward.id: reward.stock for reward in rewards}
    cheapest = min(reward.cost for reward in rewards)
    buyers = sorted(
        user_id for user_id, points in spendable.items() if points >= cheapest and user_id in world.by_id
    )
    redemptions = []
    employee = world.employee  # has something to show on the rewards page
    first = [employee.id] if employee is not None and employee.id in buyers else []
    for _ in range(world.scale.redemptions * 3):
        if len(redemptions) >= world.scale.redemptions or not buyers:
            break
        person = world.by_id[first.pop() if first else world.rng.choice(buyers)]
        affordable = [
            reward for reward in rewards if reward.cost <= spendable[person.id] and stock[reward.id] != 0
        ]
        if not affordable:
            continue
        reward = world.rng.choice(affordable)
        spendable[person.id] -= reward.cost
        if stock[reward.id] is not None:
            stock[reward.id] -= 1
        at = later.between(max(person.start, world.anchor - REDEEMED_WITHIN), world.anchor - HOUR)
        redemptions.append((at, person, reward))
    for at, person, reward in sorted(redemptions, key=lambda r: (r[0], r[1].id)):
        redeem(later, at, person, reward)
    return later


def redeem(world: World, at: int, person: Person, reward: RewardRow) -> None:
    """What ``rewards.services`` records: the redemption and its entry, then comms' handling."""
    redemption_id = world.new_id("redemptions")
    titles = reward_titles(reward)
    world.act(
        at,
        person,
        reward_verbs.REWARD_REDEEMED,
        "reward",
        reward.id,
        {"cost": reward.cost, "redemption": redemption_id},
    )
    handled = at + world.rng.randrange(HOUR, 7 * DAY)
    status, handler = RedemptionStatus.PENDING, None
    if handled < world.anchor - HOUR and world.rng.random() < 0.9:
        handler = world.comms_at(handled)
        status = RedemptionStatus.DELIVERED if world.rng.random() < 0.93 else RedemptionStatus.CANCELLED
    world.rows["redemptions"].append(
        (
            redemption_id,
            reward.id,
            person.id,
            reward.cost,
            status.value,
            moment(at),
            moment(handled) if handler else None,
            handler.id if handler else None,
        )
    )
    if status == RedemptionStatus.DELIVERED:
        world.act(handled, handler, reward_verbs.REDEMPTION_DELIVERED, "redemption", redemption_id, titles)
        world.notify(person, DELIVERED, titles, CATALOGUE_LINK, handled)
        if reward.kind == RewardKind.SYMBOLIC.value:
            world.celebrate(FAME_KIND, person.id, f"reward:{redemption_id}", titles, CATALOGUE_LINK, handled)
    elif status == RedemptionStatus.CANCELLED:
        world.act(
            handled,
            handler,
            reward_verbs.REDEMPTION_CANCELLED,
            "redemption",
            redemption_id,
            {**titles, "cost": reward.cost},
        )
        world.notify(person, CANCELLED, {**titles, "points": reward.cost}, CATALOGUE_LINK, handled)


def week_of_local(at: datetime, zone: str) -> date:
    """The Monday of the programme's week holding ``at`` (``periods.week_of`` without an app)."""
    day = at.astimezone(ZoneInfo(zone)).date()
    return day - timedelta(days=day.weekday())
