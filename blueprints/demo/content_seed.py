"""The demo's content library: items, a charter, suggestions, and a history of shares, clicks and likes."""

import random
import secrets
from datetime import datetime, timedelta

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import Charter, CharterAcceptance, ContentItem, Reaction, Share, ShareText
from blueprints.demo.data_files import load

HISTORY_DAYS = 80
SHARERS = 0.4  # share of people who have shared something
MAX_CLICKS = 12
LIKERS = 0.6
NEWCOMER = "employee@example.com"  # has not accepted the charter yet: the demo shows the gate
COMPANY_SITE = "https://www.lumen-co.example/"

# The charter, the library's items and the pending suggestions: see data/content.toml.
LIBRARY = load("content.toml")


def seed_content(rng: random.Random, people: list[User], now: datetime) -> None:
    comms = next(person for person in people if person.role == Role.COMMS)
    texts = LIBRARY["charter"]
    charter = Charter(version=1, body_fr=texts["fr"], body_en=texts["en"], created_by=comms)
    charter.created_at = now - timedelta(days=HISTORY_DAYS + 5)
    db.session.add(charter)
    items = [_item(rng, data, comms, now) for data in LIBRARY["items"]]
    _vary_states(items, now)
    db.session.add_all(items)
    db.session.flush()
    _suggestions(rng, people, now)
    live = [item for item in items if item.is_live(now)]
    for person in people:
        _reader_history(rng, person, live, charter, now)


def _item(rng: random.Random, data: dict, author: User, now: datetime) -> ContentItem:
    published = now - timedelta(hours=rng.uniform(2, HISTORY_DAYS * 24))
    item = ContentItem(
        title=data["title"],
        summary=data["summary"],
        url=_url(data),
        theme=data["theme"],
        kind=data["kind"],
        language=data["language"],
        target_personae=list(data["personae"]),
        status=Status.PUBLISHED,
        publish_at=published,
        author=author,
        created_at=published - timedelta(days=1),
    )
    item.share_texts = [
        ShareText(network=network, position=position, body=body)
        for network, bodies in data["share_texts"].items()
        for position, body in enumerate(bodies)
    ]
    return item


def _url(data: dict) -> str | None:
    """Items link to a page of the company site in their language, or to nothing."""
    if "path" not in data:
        return None
    return COMPANY_SITE + ("fr" if data["language"] == "fr" else "en") + data["path"]


def _vary_states(items: list[ContentItem], now: datetime) -> None:
    """A few items show the console's other states: pinned, scheduled, draft, archived, expired."""
    french = [item for item in items if item.language == "fr"]
    english = [item for item in items if item.language == "en"]
    for group in (french, english):
        group[0].pinned = True
        group[0].publish_at = now - timedelta(days=2)
        group[1].publish_at = now + timedelta(days=3)  # scheduled
        group[2].status = Status.DRAFT
    french[3].status = Status.ARCHIVED
    english[3].expire_at = now - timedelta(days=1)


def _suggestions(rng: random.Random, people: list[User], now: datetime) -> None:
    employees = [person for person in people if person.role == Role.EMPLOYEE and person.email != NEWCOMER]
    for number, data in enumerate(LIBRARY["suggestions"]):
        suggester = rng.choice([person for person in employees if person.language == data["language"]])
        submitted = now - timedelta(days=number + 1, hours=rng.randint(0, 8))
        item = ContentItem(
            title=data["title"],
            url=data["url"],
            summary="",
            suggestion_reason=data["reason"],
            theme="company_news",
            kind="news",
            language=data["language"],
            status=Status.PENDING,
            author=suggester,
            created_at=submitted,
            publish_at=submitted,
        )
        db.session.add(item)
        db.session.flush()
        record(suggester, content_verbs.SUGGESTION_SUBMITTED, "content", item.id, at=submitted)


def _reader_history(
    rng: random.Random, person: User, live: list[ContentItem], charter: Charter, now: datetime
):
    if person.email == NEWCOMER:
        return
    readable = [item for item in live if item.language == person.language]
    accepted = now - timedelta(days=rng.randint(HISTORY_DAYS // 2, HISTORY_DAYS))
    if rng.random() < SHARERS:
        db.session.add(CharterAcceptance(user_id=person.id, charter_id=charter.id, accepted_at=accepted))
        record(person, content_verbs.CHARTER_ACCEPTED, "charter", charter.id, {"version": 1}, at=accepted)
        for item in rng.sample(readable, rng.randint(1, 6)):
            _share(rng, person, item, now)
    if rng.random() < LIKERS:
        for item in rng.sample(readable, rng.randint(1, 8)):
            liked = _moment_after(rng, item.publish_at, now)
            db.session.add(Reaction(user_id=person.id, item_id=item.id, kind="like", created_at=liked))
            record(person, content_verbs.CONTENT_LIKED, "content", item.id, at=liked)


def _share(rng: random.Random, person: User, item: ContentItem, now: datetime) -> None:
    network = rng.choice([key for key in ("linkedin", "linkedin", "x", "facebook") if item.texts_for(key)])
    shared = _moment_after(rng, item.publish_at, now)
    share = Share(user_id=person.id, item_id=item.id, network=network, token=secrets.token_urlsafe(12))
    share.created_at = shared
    share.clicks = rng.randint(0, MAX_CLICKS)
    db.session.add(share)
    db.session.flush()
    record(
        person,
        content_verbs.CONTENT_SHARED,
        "content",
        item.id,
        {"network": network, "share": share.id},
        at=shared,
    )
    for _ in range(share.clicks):
        clicked = _moment_after(rng, shared, now)
        record(person, content_verbs.CLICK_RECEIVED, "content", item.id, {"share": share.id}, at=clicked)


def _moment_after(rng: random.Random, start: datetime, now: datetime) -> datetime:
    return start + (now - start) * rng.random()
