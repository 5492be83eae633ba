"""WCAG 2.1 A/AA as axe-core reports it, the phone header, focus rings, and HTML validity.

Every page of the main flows is audited as the role that uses it, in French and English,
at 390 and 1280 px, on the demo company (seeded once for the module). axe-core comes from
npm (``node_modules/axe-core``) and is injected by the tests only: the site never serves it,
so the audit contexts bypass the site's strict CSP. The Nu HTML checker (npm ``vnu-jar``,
run with Java) validates a few main pages fetched by the test client.
"""

import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.challenges.models import Challenge, Mode
from blueprints.content.catalogue import Status
from blueprints.content.models import CharterAcceptance, ContentItem
from blueprints.contributions.models import Contribution, ContributionStatus
from blueprints.demo.seed import seed_demo
from blueprints.events import services as event_services
from blueprints.events.models import Event
from blueprints.mentoring.models import MentoringPair, MentorOffer, PairStatus
from blueprints.quiz.models import QuizResult
from blueprints.rewards.models import Reward
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import base_config, csrf_token, empty_all_tables

ROOT = Path(__file__).parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Markup does not depend on the database: audited once, on the embedded SQLite run.
pytestmark = pytest.mark.sqlite_only

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["fr", "en"]
WIDTHS = {"390": PHONE, "1280": DESKTOP}
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
DEMO_PASSWORD = "demo"
# The demo accounts the audit signs in with; "ambassador" is found in the seeded company.
ACCOUNTS = {
    "newcomer": "employee@example.com",  # no quiz, charter not accepted: the demo's first steps
    "comms": "comms@example.com",
    "admin": "admin@example.com",
}


@dataclass(frozen=True)
class Visit:
    """A page of a flow: who opens it, where, and what they do before the audit."""

    name: str
    role: str | None  # None: signed out
    path: str  # formatted with the demo's ids
    action: str = ""  # see act()
    # Known violations in templates owned by others: {"": reason} for every language and width,
    # or {"fr-390": reason} for one; the case must fail (strict xfail) until fixed.
    known: dict = field(default_factory=dict)


VISITS = [
    Visit("sign-in", None, "/login"),
    Visit("sign-in-errors", None, "/login", action="submit"),
    Visit("sign-up", None, "/signup"),
    Visit("sign-up-errors", None, "/signup", action="submit"),
    Visit("home", "newcomer", "/"),
    Visit("account-menu", "newcomer", "/", action="open-account-menu"),
    Visit("feed", "newcomer", "/feed"),
    Visit("item-charter-gate", "newcomer", "/content/{item}"),
    Visit("item-share-panel", "ambassador", "/content/{item}"),
    Visit("suggest", "newcomer", "/suggest"),
    Visit("suggest-errors", "newcomer", "/suggest", action="submit"),
    Visit("events-upcoming", "newcomer", "/events"),
    Visit("events-past", "newcomer", "/events?when=past"),
    Visit("event", "newcomer", "/events/{full_event}"),
    Visit("quiz-intro", "newcomer", "/quiz"),
    Visit("quiz-question", "newcomer", "/quiz/1"),
    Visit("quiz-result", "ambassador", "/quiz/result"),
    Visit("personae", "ambassador", "/personae"),
    Visit("persona", "ambassador", "/personae/{persona}"),
    Visit("notifications", "newcomer", "/notifications"),
    Visit("me", "newcomer", "/me"),
    Visit("sign-out", "newcomer", "/logout"),
    Visit("not-found", "newcomer", "/content/999999"),
    Visit("console", "comms", "/admin/"),
    Visit("content-library", "comms", "/admin/content"),
    Visit("content-figures", "comms", "/admin/content/{item}"),
    Visit("item-editor", "comms", "/admin/content/{item}/edit"),
    Visit("moderation-queue", "comms", "/admin/moderation"),
    Visit("moderation-review", "comms", "/admin/moderation/{suggestion}"),
    Visit("charter-console", "comms", "/admin/charter"),
    Visit("events-console", "comms", "/admin/events"),
    Visit("event-editor", "comms", "/admin/events/{full_event}/edit"),
    Visit("attendance-sheet", "comms", "/admin/events/{past_event}"),
    Visit("personae-distribution", "comms", "/admin/personae"),
    Visit("people", "admin", "/admin/users"),
    Visit("new-person", "admin", "/admin/users/new"),
    Visit("new-person-errors", "admin", "/admin/users/new", action="submit"),
    Visit("person-created", "admin", "/admin/users/new", action="create-person"),
    Visit("fame", "newcomer", "/fame"),
    Visit("badges", "newcomer", "/badges"),
    Visit("badge", "ambassador", "/badges/first_share"),
    Visit("points-history", "ambassador", "/me/points"),
    Visit("rewards", "newcomer", "/rewards"),
    Visit("redeem", "ambassador", "/rewards/{reward}/redeem"),
    Visit("contributions", "newcomer", "/contributions"),
    Visit("contribution", "newcomer", "/contributions/{contribution}"),
    Visit("kudos", "newcomer", "/kudos?q=a"),
    Visit("points-table", "comms", "/admin/points"),
    Visit("points-rule", "comms", "/admin/points/event_registered"),
    Visit("points-recompute", "comms", "/admin/points/recompute"),
    Visit("fame-console", "comms", "/admin/fame"),
    Visit("rewards-console", "comms", "/admin/rewards"),
    Visit("reward-editor", "comms", "/admin/rewards/{reward}/edit"),
    Visit("contributions-console", "comms", "/admin/contributions"),
    Visit("contribution-review", "comms", "/admin/contributions/{pending_contribution}"),
    Visit("challenges", "newcomer", "/challenges"),
    Visit("challenge-personal", "newcomer", "/challenges/{personal_challenge}"),
    Visit("challenge-collective", "newcomer", "/challenges/{collective_challenge}"),
    Visit("challenge-finished", "newcomer", "/challenges/{finished_challenge}"),
    Visit("challenges-console", "comms", "/admin/challenges"),
    Visit("challenge-editor", "comms", "/admin/challenges/new"),
    Visit("challenge-editor-errors", "comms", "/admin/challenges/new", action="submit"),
    Visit("challenge-edit", "comms", "/admin/challenges/{personal_challenge}/edit"),
    Visit("challenge-cancel", "comms", "/admin/challenges/{collective_challenge}/cancel"),
    Visit("mentoring", "newcomer", "/mentoring"),
    Visit("mentoring-offer", "newcomer", "/mentoring/offer"),
    Visit("mentoring-ask", "newcomer", "/mentoring/ask"),
    Visit("mentoring-mentor", "newcomer", "/mentoring/mentors/{mentor}"),
    Visit("mentoring-request-to-answer", "newcomer", "/mentoring/pairs/{request_to_answer}"),
    Visit("mentoring-console", "comms", "/admin/mentoring"),
    Visit("mentoring-round", "comms", "/admin/mentoring/round"),
    Visit("mentoring-topics", "comms", "/admin/mentoring/topics"),
    Visit("mentoring-pair-console", "comms", "/admin/mentoring/pairs/{active_pair}"),
]


def audit_cases():
    for language in LANGUAGES:
        for width in WIDTHS:
            for visit in VISITS:
                reason = visit.known.get(f"{language}-{width}") or visit.known.get("")
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(language, width, visit, id=f"{language}-{width}-{visit.name}", marks=marks)


# --- The demo site, served once for the module -------------------------------------------


@pytest.fixture(scope="module")
def demo(database_url, _schema):
    app = create_app(
        {**base_config(database_url), "DEMO_MODE": True, "ALLOWED_SIGNUP_DOMAINS": ["lumen.example"]}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        with app.app_context():
            seed_demo()
            ids = demo_ids()
            ambassador = ids.pop("ambassador")
        thread.start()
        yield SimpleNamespace(
            app=app,
            url=f"http://127.0.0.1:{server.server_port}",
            ids=ids,
            accounts={**ACCOUNTS, "ambassador": ambassador},
            languages={},
        )
    finally:
        if thread.is_alive():
            server.shutdown()
            thread.join(timeout=5)
        server.server_close()
        with app.app_context():  # the next tests start from empty tables, as tests/conftest.py's do
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()


def demo_ids() -> dict:
    """The pages worth auditing: a live item with share texts, a full event, a past one..."""
    now = utcnow()
    items = db.session.scalars(
        sa.select(ContentItem).where(ContentItem.language == "fr").order_by(ContentItem.id)
    ).all()
    item = next(item for item in items if item.is_live(now) and item.url and item.share_texts)
    suggestion = db.session.scalar(
        sa.select(ContentItem.id).where(ContentItem.status == Status.PENDING).order_by(ContentItem.id)
    )
    events = db.session.scalars(sa.select(Event).order_by(Event.starts_at)).all()
    full_event = next(
        event
        for event in events
        if event.starts_at > now
        and event_services.seats(event.id).full
        and event_services.seats(event.id).waiting
    )
    past_event = next(event for event in reversed(events) if event.ends_at <= now)
    # A French employee who accepted the charter and took the quiz: the share panel, the result.
    ambassador = db.session.scalars(
        sa.select(User)
        .join(CharterAcceptance, CharterAcceptance.user_id == User.id)
        .join(QuizResult, QuizResult.user_id == User.id)
        .where(User.role == Role.EMPLOYEE, User.language == "fr")
        .order_by(User.id)
    ).first()
    persona = db.session.scalar(
        sa.select(QuizResult.primary_persona).where(QuizResult.user_id == ambassador.id)
    )
    reward = db.session.scalar(sa.select(Reward.id).where(Reward.stock.is_not(None)).order_by(Reward.cost))
    contributions = {
        status: db.session.scalar(sa.select(Contribution.id).where(Contribution.status == status))
        for status in (ContributionStatus.VALIDATED, ContributionStatus.PENDING)
    }
    challenges = db.session.scalars(sa.select(Challenge).order_by(Challenge.id)).all()
    newcomer = db.session.scalar(sa.select(User.id).where(User.email == ACCOUNTS["newcomer"]))
    pairs = db.session.scalars(sa.select(MentoringPair).order_by(MentoringPair.id)).all()
    return {
        "mentor": db.session.scalar(
            sa.select(MentorOffer.user_id).where(MentorOffer.open, MentorOffer.user_id != newcomer).limit(1)
        ),
        "request_to_answer": next(
            p.id for p in pairs if p.mentor_id == newcomer and p.status == PairStatus.PROPOSED
        ),
        "active_pair": next(p.id for p in pairs if p.status == PairStatus.ACTIVE),
        "personal_challenge": next(c.id for c in challenges if c.mode == Mode.PERSONAL and c.ends_at > now),
        "collective_challenge": next(
            c.id for c in challenges if c.mode == Mode.COLLECTIVE and c.ends_at > now
        ),
        "finished_challenge": next(c.id for c in challenges if c.ends_at <= now),
        "reward": reward,
        "contribution": contributions[ContributionStatus.VALIDATED],
        "pending_contribution": contributions[ContributionStatus.PENDING],
        "item": item.id,
        "suggestion": suggestion,
        "full_event": full_event.id,
        "past_event": past_event.id,
        "persona": persona,
        "ambassador": ambassador.email,
    }


def speak(demo, role: str | None, language: str) -> None:
    """The account's interface language (it wins over the session's once signed in)."""
    if role is None or demo.languages.get(role) == language:
        return
    with demo.app.app_context():
        db.session.execute(sa.update(User).where(User.email == demo.accounts[role]).values(language=language))
        db.session.commit()
    demo.languages[role] = language


@pytest.fixture(scope="module")
def pages(browser, demo):
    """One context per role, language and width; each role signs in once and reuses its session."""
    states, opened = {}, {}

    def open_page(role: str | None, language: str, width: str):
        key = (role, language, width)
        if key not in opened:
            if role is not None and role not in states:
                states[role] = signed_in_state(browser, demo, demo.accounts[role])
            context = browser.new_context(
                viewport=WIDTHS[width],
                locale=LOCALES[language],
                bypass_csp=True,  # the site's CSP (script-src 'self') would refuse the injected axe-core
                storage_state=states.get(role),
            )
            opened[key] = context.new_page()
        speak(demo, role, language)
        return opened[key]

    yield open_page
    for page in opened.values():
        page.context.close()


def signed_in_state(browser, demo, email: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo.url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator(".auth-card button[type=submit]").click()
    page.wait_for_url(f"{demo.url}/")
    state = context.storage_state()
    context.close()
    return state


# --- axe-core ---------------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({target: node.target.join(" "), summary: node.failureSummary})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict], where: str) -> str:
    lines = [f"{len(violations)} axe-core violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    at {node['target']}: {node['summary']}" for node in violation["nodes"])
    return "\n".join(lines)


def act(page, visit: Visit, language: str, width: str) -> None:
    """What the person does on the page before the audit."""
    if visit.action == "submit":  # the form sent empty: its errors are shown
        page.locator("main form[method=post] button[type=submit]").first.click()
        page.locator(".field-error, .flash--error").first.wait_for()
    elif visit.action == "open-account-menu":
        page.locator(".account-menu summary").click()
        page.locator(".menu-panel").wait_for()
    elif visit.action == "create-person":
        page.locator("input[name=display_name]").fill("Zoé Audit")
        page.locator("input[name=email]").fill(f"zoe.audit.{language}.{width}@example.com")
        page.locator("main form[method=post] button[type=submit]").first.click()
        page.locator("main code").wait_for()  # the generated password, shown once


@pytest.mark.parametrize(("language", "width", "visit"), list(audit_cases()))
def test_no_axe_violations(pages, demo, language, width, visit):
    page = pages(visit.role, language, width)
    url = demo.url + visit.path.format(**demo.ids)
    page.goto(url, wait_until="domcontentloaded")  # the stylesheet is in: deferred scripts waited for it
    assert visit.role is None or "/login" not in page.url, f"{visit.role} was signed out"
    assert page.locator("html").get_attribute("lang") == language
    act(page, visit, language, width)
    violations = axe_violations(page)
    assert violations == [], describe(violations, f"{visit.path} as {visit.role} ({language}, {width} px)")


def test_axe_core_is_not_served_by_the_site(demo):
    """axe-core is a development dependency, injected by the tests: the site's vendor route refuses it."""
    assert AXE.is_file()
    client = demo.app.test_client()
    assert client.get("/static/vendor/axe.min.js").status_code == 404
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


# --- The header at phone width ------------------------------------------------------------

OUT_OF_VIEW = """() => {
  const width = document.documentElement.clientWidth;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    links: [...document.querySelectorAll(".main-nav a")].map((link) => {
      const box = link.getBoundingClientRect();
      return {text: link.textContent.trim(), left: box.left, right: box.right};
    }),
  };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["newcomer", "comms", "admin"])
def test_every_section_shows_in_the_phone_header(pages, demo, language, role):
    page = pages(role, language, "390")
    page.goto(demo.url + "/")
    links = page.locator(".main-nav a")
    expected = {"newcomer": 8, "comms": 9, "admin": 9}[role]
    assert links.count() == expected
    for index in range(links.count()):
        assert links.nth(index).is_visible()
    layout = page.evaluate(OUT_OF_VIEW)
    assert layout["scrollWidth"] <= layout["width"], "the page scrolls sideways"
    outside = [link for link in layout["links"] if link["left"] < 0 or link["right"] > layout["width"]]
    assert outside == []
    console = page.locator(".main-nav").get_by_role(
        "link", name={"fr": "Console comm", "en": "Comms console"}[language], exact=True
    )
    if role == "newcomer":
        assert console.count() == 0
    else:
        assert console.is_visible()
        box = console.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


# The focused element's ring (its box-shadow spread) must lie inside every ancestor that clips.
RING_CLIPPED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== "none" && !/^(transparent|rgba\\(.*,\\s*0\\))$/.test(style.outlineColor);
  if (style.boxShadow === "none" && !outlined) return {name: element.outerHTML, ring: false};
  const spread = Math.max(...[...style.boxShadow.matchAll(/(-?[\\d.]+)px/g)].map((m) => Math.abs(+m[1])), 0,
                          style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset));
  const box = element.getBoundingClientRect();
  const ring = {left: box.left - spread, right: box.right + spread, top: box.top - spread, bottom: box.bottom + spread};
  const clippers = [];
  for (let node = element.parentElement; node; node = node.parentElement) {
    const css = getComputedStyle(node);
    if (css.overflowX !== "visible" || css.overflowY !== "visible" || node === document.documentElement) {
      const frame = node === document.documentElement
        ? {left: 0, top: 0, right: document.documentElement.clientWidth, bottom: window.innerHeight}
        : node.getBoundingClientRect();
      const inside = ring.left >= frame.left - 0.5 && ring.right <= frame.right + 0.5
        && ring.top >= frame.top - 0.5 && ring.bottom <= frame.bottom + 0.5;
      if (!inside) clippers.push(node.className || node.tagName);
    }
  }
  return {name: (element.textContent || element.getAttribute("aria-label") || element.tagName).trim(), ring: true, clippers};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_focus_rings_in_the_header_are_not_cut_off(pages, demo, language, width):
    page = pages("comms", language, width)
    page.goto(demo.url + "/")
    page.locator("body").focus()
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('.site-header')"):
            if seen:
                break
            continue  # the skip link comes first
        focused = page.evaluate(RING_CLIPPED)
        seen.append(focused["name"])
        assert focused["ring"], f"no focus ring on {focused['name']}"
        assert focused["clippers"] == [], (
            f"the focus ring of {focused['name']} is cut off by {focused['clippers']}"
        )
    assert len(seen) >= 10  # brand, six sections, two languages, the bell, the account menu


# --- Non-text contrast (WCAG 1.4.11): focus rings and field borders -----------------------

# The contrast of the element's ring (its best box-shadow colour) and of its border with the
# background it sits on (the first ancestor with an opaque background).
CONTRASTS = """(element) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let node = element.parentElement, background = [255, 255, 255];
  for (; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) { background = colour.slice(0, 3); break; }
  }
  const style = getComputedStyle(element);
  const rings = (style.boxShadow.match(/rgba?\\([^)]*\\)/g) || []).map((c) => rgb(c).slice(0, 3));
  return {
    ring: Math.max(0, ...rings.map((c) => ratio(c, background))),
    border: ratio(rgb(style.borderTopColor).slice(0, 3), background),
  };
}"""


def focused_contrasts(page) -> dict:
    return page.evaluate(f"() => ({CONTRASTS})(document.activeElement)")


def test_focus_rings_and_field_borders_stand_out(pages, demo):
    """3:1 against what surrounds them: a link in the header, a field in a card, a field at rest."""
    page = pages("newcomer", "fr", "1280")
    page.goto(demo.url + "/suggest")
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a.brand')"):
            break
    assert focused_contrasts(page)["ring"] >= 3, "the focus ring of a link fades into the header"
    page.keyboard.press("Tab")  # the first section of the menu
    assert focused_contrasts(page)["ring"] >= 3, "the focus ring of a menu link fades into the header"
    page.locator("input[name=url]").focus()
    assert focused_contrasts(page)["ring"] >= 3, "the focus ring of a field fades into its card"
    at_rest = page.locator("input[name=title]").evaluate(CONTRASTS)
    assert at_rest["border"] >= 3, "a field's border fades into its card"


# --- The Nu HTML checker ------------------------------------------------------------------

# (role, path, known errors as {"": reason}: the case must fail until fixed)
VALIDATED = [
    (None, "/login", {}),
    ("newcomer", "/", {}),
    ("newcomer", "/feed", {}),
    ("newcomer", "/content/{item}", {}),
    ("newcomer", "/suggest", {}),
    ("newcomer", "/events", {}),
    ("newcomer", "/events/{full_event}", {}),
    ("newcomer", "/quiz", {}),
    ("newcomer", "/quiz/1", {}),
    ("newcomer", "/notifications", {}),
    ("newcomer", "/me", {}),
    ("comms", "/admin/", {}),
    ("comms", "/admin/content", {}),
    ("comms", "/admin/content/{item}/edit", {}),
    ("comms", "/admin/moderation", {}),
    ("comms", "/admin/moderation/{suggestion}", {}),
    ("comms", "/admin/events", {}),
    ("comms", "/admin/events/{past_event}", {}),
    ("comms", "/admin/personae", {}),
    ("admin", "/admin/users", {}),
    ("admin", "/admin/users/new", {}),
    ("newcomer", "/fame", {}),
    ("newcomer", "/badges", {}),
    ("newcomer", "/rewards", {}),
    ("newcomer", "/contributions", {}),
    ("newcomer", "/kudos?q=a", {}),
    ("comms", "/admin/points", {}),
    ("comms", "/admin/fame", {}),
    ("comms", "/admin/rewards", {}),
    ("comms", "/admin/contributions", {}),
    ("newcomer", "/challenges", {}),
    ("newcomer", "/challenges/{personal_challenge}", {}),
    ("newcomer", "/challenges/{collective_challenge}", {}),
    ("comms", "/admin/challenges", {}),
    ("comms", "/admin/challenges/new", {}),
]


def is_htmx_attribute_error(message: dict) -> bool:
    """vnu does not know htmx's attributes (hx-get, hx-target...): the only errors we accept."""
    return re.search(r"[Aa]ttribute \u201chx-", message.get("message", "")) is not None


@pytest.fixture(scope="module")
def vnu_errors(demo, tmp_path_factory) -> dict:
    """The Nu HTML checker run once on every page of VALIDATED, fetched by the test client: errors by path."""
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML checker needs Java: apt-get install -y default-jre-headless")
    folder = tmp_path_factory.mktemp("vnu")
    files = {}
    clients = {}
    for role, path, _ in VALIDATED:
        if role not in clients:
            clients[role] = client = demo.app.test_client()
            if role is not None:
                speak(demo, role, "fr")
                signed = client.post(
                    "/login",
                    data={
                        "email": demo.accounts[role],
                        "password": DEMO_PASSWORD,
                        "csrf_token": csrf_token(client),
                    },
                )
                assert signed.status_code == 302, role
        response = clients[role].get(path.format(**demo.ids))
        assert response.status_code == 200, path
        name = folder / f"page{len(files)}.html"
        name.write_bytes(response.data)
        files[f"file:{name}"] = path
    checked = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--stdout",
            *(uri.removeprefix("file:") for uri in files),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    errors = {path: [] for path in files.values()}
    for message in json.loads(checked.stdout)["messages"]:
        if message["type"] in ("error", "non-document-error") and not is_htmx_attribute_error(message):
            errors[files[message["url"]]].append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def validity_cases():
    for _role, path, known in VALIDATED:
        marks = [pytest.mark.xfail(strict=True, reason=known[""])] if known else []
        yield pytest.param(path, id=path, marks=marks)


@pytest.mark.parametrize("path", list(validity_cases()))
def test_page_is_valid_html(vnu_errors, path):
    assert vnu_errors[path] == [], f"The Nu HTML checker on {path}:\n" + "\n".join(vnu_errors[path])
