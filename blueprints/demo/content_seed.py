"""The demo's content library: items, a charter, suggestions, and a history of shares, clicks and likes."""

import io
import random
import secrets
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFilter

from base.database import db
from blueprints.accounts.models import Role, User
from blueprints.activity.services import record
from blueprints.content import verbs as content_verbs
from blueprints.content.catalogue import Status
from blueprints.content.models import (
    Charter,
    CharterAcceptance,
    ContentItem,
    LinkPreview,
    Reaction,
    Share,
    ShareText,
)
from blueprints.content.services import SUGGESTIONS_WAITING
from blueprints.demo.data_files import load
from blueprints.notifications.services import notify

HISTORY_DAYS = 80
SHARERS = 0.4  # share of people who have shared something
MAX_CLICKS = 12
LIKERS = 0.6
NEWCOMER = "employee@example.com"  # has not accepted the charter yet: the demo shows the gate
COMPANY_SITE = "https://www.lumen-co.example/"
COMPANY_SITE_NAME = "Lumen & Co"
# The demo's link previews are drawn here (the company site does not exist): night skies
# lit by street lights, in a colour per theme, from the top of the sky to the horizon.
SKIES = {
    "company_news": ((34, 45, 134), (120, 92, 190)),
    "life_at_work": ((120, 53, 15), (236, 146, 72)),
    "expertise": ((15, 60, 90), (46, 150, 170)),
    "products": ((40, 40, 60), (110, 110, 150)),
    "careers": ((20, 83, 45), (96, 170, 110)),
    "events": ((110, 30, 80), (230, 110, 130)),
    "impact": ((25, 70, 60), (140, 190, 120)),
}

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
    for item in items:
        if item.url:
            item.preview = _preview(item)
    _suggestions(rng, people, now)
    _tell_moderators(people, now)
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


def _preview(item: ContentItem) -> LinkPreview:
    """The link's preview as the fetcher would have stored it when comms saved the item."""
    image = night_sky(item.theme, random.Random(item.title))  # its own draw: the demo's rng is kept
    return LinkPreview(
        url=item.url,
        title=item.title,
        site_name=COMPANY_SITE_NAME,
        image=image,
        image_width=640,
        image_height=336,
        fetched_at=item.created_at,
    )


def night_sky(theme: str, rng: random.Random, width: int = 640, height: int = 336) -> bytes:
    top, bottom = SKIES.get(theme, SKIES["company_news"])
    sky = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(sky)
    for y in range(height):
        mix = y / (height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    horizon = int(height * rng.uniform(0.74, 0.84))
    lamps = [(rng.randint(30, width - 30), rng.randint(80, 150)) for _ in range(rng.randint(4, 7))]
    glow = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    halo = ImageDraw.Draw(glow)
    for x, pole in lamps:
        radius = rng.randint(30, 50)
        top_y = horizon - pole
        halo.ellipse([x - radius, top_y - radius, x + radius, top_y + radius], fill=(255, 214, 120, 120))
        halo.polygon(
            [(x - 6, top_y), (x + 6, top_y), (x + 40, horizon), (x - 40, horizon)], fill=(255, 220, 140, 45)
        )
    glow = glow.filter(ImageFilter.GaussianBlur(16))
    sky.paste(glow, mask=glow)
    draw = ImageDraw.Draw(sky)
    for _ in range(40):  # a few stars
        draw.point((rng.randint(0, width), rng.randint(0, horizon // 2)), fill=(255, 255, 255))
    ground = tuple(round(c * 0.3) for c in bottom)
    draw.rectangle([0, horizon, width, height], fill=ground)
    for x, pole in lamps:  # the street lights themselves
        draw.line([(x, horizon), (x, horizon - pole)], fill=(20, 22, 30), width=3)
        draw.ellipse([x - 5, horizon - pole - 4, x + 5, horizon - pole + 4], fill=(255, 240, 200))
    out = io.BytesIO()
    sky.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    return out.getvalue()


def _tell_moderators(people: list[User], now: datetime) -> None:
    """Comms and admins are told of the suggestions waiting, as a new suggestion does."""
    waiting = len(LIBRARY["suggestions"])
    for person in people:
        if person.role in (Role.COMMS, Role.ADMIN):
            notice = notify(
                person, SUGGESTIONS_WAITING, {"count": waiting}, link=("console.content.queue", {})
            )
            notice.created_at = now - timedelta(hours=3)


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
