"""Rewards: redeeming spends points to spend (never lifetime points), refused when short of
points or stock with nothing changed; comms deliver or cancel (points and stock given back),
the person is told; the console is for comms, its forms refuse bad input; pages hold a query
budget whatever the person's history.

Services are called as jobs call them, in a plain app context (no HTTP).
"""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.admin.services import audit_trail
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from blueprints.recognition.fame import entry_text
from blueprints.recognition.models import FameEntry, PointsBalance, PointsEntry
from blueprints.recognition.services import Balance, balance_of
from blueprints.rewards import cards, services
from blueprints.rewards.cards import card_key
from blueprints.rewards.models import Redemption, RedemptionStatus, Reward, RewardKind
from blueprints.rewards.verbs import VERBS
from tests.conftest import Auth, htmx_headers, post, queries_before_and_after, text


@pytest.fixture
def make_reward(app):
    def factory(**fields):
        fields.setdefault("kind", RewardKind.CONSUMABLE)
        fields.setdefault("title_en", "Branded mug")
        fields.setdefault("title_fr", "Tasse aux couleurs")
        fields.setdefault("cost", 40)
        fields.setdefault("stock", 5 if fields["kind"] == RewardKind.CONSUMABLE else None)
        with app.app_context():
            reward = Reward(**fields)
            db.session.add(reward)
            db.session.commit()
            return reward.id

    return factory


@pytest.fixture
def give_points(app):
    """Set a person's lifetime points (their balance row), as the ledger would have."""

    def give(user_id: int, lifetime: int, redeemed: int = 0):
        with app.app_context():
            balance = db.session.get(PointsBalance, user_id) or PointsBalance(user_id=user_id)
            balance.lifetime, balance.redeemed = lifetime, redeemed
            db.session.add(balance)
            db.session.commit()

    return give


@pytest.fixture
def act(app):
    """Run a service as a person in its own plain app context; returns what it returned, as plain values."""

    def run(service, user_id, *args):
        with app.app_context():
            result = service(db.session.get(User, user_id), *args)
            if isinstance(result, Redemption):
                return result.id
            return result

    return run


def points_of(app, user_id) -> tuple[int, int]:
    """(lifetime, spendable) as another connection sees them."""
    with app.app_context():
        balance = db.session.get(PointsBalance, user_id)
        return (balance.lifetime, balance.spendable) if balance else (0, 0)


def stock_of(app, reward_id):
    with app.app_context():
        return db.session.get(Reward, reward_id).stock


def redemptions(app) -> list[tuple[int, int, str]]:
    with app.app_context():
        return [
            (r.user_id, r.reward_id, r.status.value)
            for r in db.session.scalars(sa.select(Redemption).order_by(Redemption.id))
        ]


def verbs_of(app, user_id) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Activity.verb).where(Activity.user_id == user_id).order_by(Activity.id)
            )
        )


def notifications_of(app, user_id, language="en") -> list[tuple[str, str]]:
    with app.app_context(), force_locale(language):
        return [
            (n.kind, message_text(n))
            for n in db.session.scalars(
                sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
            )
        ]


def plain_html(page: str) -> str:
    """Entities decoded, no-break spaces kept (French typography is asserted)."""
    return html.unescape(page)


# --- Redeeming -------------------------------------------------------------------------


def test_redeeming_lowers_spendable_points_only_and_takes_one_from_the_stock(
    app, make_user, make_reward, give_points, act
):
    person = make_user()
    give_points(person.id, 100)
    mug = make_reward(cost=40, stock=5)
    act(services.redeem, person.id, mug)
    assert points_of(app, person.id) == (100, 60)
    assert stock_of(app, mug) == 4
    assert redemptions(app) == [(person.id, mug, "pending")]
    assert verbs_of(app, person.id) == ["reward_redeemed"]
    act(services.redeem, person.id, mug)
    assert points_of(app, person.id) == (100, 20)
    assert stock_of(app, mug) == 3


def test_a_symbolic_reward_has_no_stock_to_take_from(app, make_user, make_reward, give_points, act):
    person = make_user()
    give_points(person.id, 50)
    tree = make_reward(kind=RewardKind.SYMBOLIC, title_en="A tree planted", cost=50)
    act(services.redeem, person.id, tree)
    assert points_of(app, person.id) == (50, 0)
    assert stock_of(app, tree) is None


def test_redeeming_keeps_the_cost_paid_when_the_price_changes_later(
    app, make_user, make_reward, give_points, act
):
    person, comms = make_user(), make_user(Role.COMMS)
    give_points(person.id, 100)
    mug = make_reward(cost=40)
    redemption = act(services.redeem, person.id, mug)
    with app.app_context():
        db.session.get(Reward, mug).cost = 90
        db.session.commit()
    act(services.cancel, comms.id, redemption)
    assert points_of(app, person.id) == (100, 100)


@pytest.mark.parametrize(
    ("lifetime", "redeemed", "cost", "stock", "message"),
    [
        (30, 0, 40, 5, "You need 10 more points for “Branded mug”. Nothing was spent."),
        (100, 99, 2, 5, "You need 1 more point for “Branded mug”. Nothing was spent."),
        (100, 0, 40, 0, "“Branded mug” is out of stock. Nothing was spent."),
    ],
    ids=["points", "one-point", "stock"],
)
def test_redeeming_is_refused_when_short_and_nothing_changes(
    app, make_user, make_reward, give_points, lifetime, redeemed, cost, stock, message
):
    person = make_user(language="en")
    give_points(person.id, lifetime, redeemed)
    mug = make_reward(cost=cost, stock=stock)
    with app.app_context(), force_locale("en"):
        with pytest.raises(services.RewardError) as refusal:
            services.redeem(db.session.get(User, person.id), mug)
        assert str(refusal.value) == message
    assert points_of(app, person.id) == (lifetime, lifetime - redeemed)
    assert stock_of(app, mug) == stock
    assert redemptions(app) == []
    assert verbs_of(app, person.id) == []


def test_a_retired_reward_cannot_be_redeemed(app, make_user, make_reward, give_points, act):
    person = make_user()
    give_points(person.id, 100)
    mug = make_reward(active=False)
    with pytest.raises(services.RewardError):
        act(services.redeem, person.id, mug)
    assert (points_of(app, person.id), redemptions(app)) == ((100, 100), [])


def test_a_person_without_any_points_is_refused(app, make_user, make_reward, act):
    person = make_user()
    with pytest.raises(services.NotEnoughPoints) as refusal:
        act(services.redeem, person.id, make_reward(cost=1))
    assert refusal.value.missing == 1
    assert redemptions(app) == []


# --- Delivering and cancelling -------------------------------------------------------------


def test_cancelling_gives_the_points_and_the_item_back_and_tells_the_person(
    app, make_user, make_reward, give_points, act
):
    person, comms = make_user(language="en"), make_user(Role.COMMS, display_name="Camille Comms")
    give_points(person.id, 100)
    mug = make_reward(cost=40, stock=1)
    redemption = act(services.redeem, person.id, mug)
    assert (points_of(app, person.id), stock_of(app, mug)) == ((100, 60), 0)
    act(services.cancel, comms.id, redemption)
    assert (points_of(app, person.id), stock_of(app, mug)) == ((100, 100), 1)
    assert redemptions(app) == [(person.id, mug, "cancelled")]
    assert notifications_of(app, person.id) == [
        (
            "redemption_cancelled",
            "Your redemption of “Branded mug” was cancelled: its 40 points are back in your points to spend.",
        )
    ]
    assert verbs_of(app, comms.id) == ["redemption_cancelled"]
    with app.app_context(), force_locale("en"):
        assert [entry.what for entry in audit_trail()] == [
            "cancelled the redemption of “Branded mug” by Person 1 (points given back)"
        ]
        handled = db.session.get(Redemption, redemption)
        assert (handled.handled_by_id, handled.handled_at is not None) == (comms.id, True)


def test_cancelling_a_reward_won_in_a_challenge_speaks_of_no_points(
    app, client, signed_in, make_user, make_reward
):
    winner = make_user(language="en", display_name="Wendy Winner")
    with app.app_context():
        won = Redemption(reward_id=make_reward(), user_id=winner.id, cost=0, status=RedemptionStatus.PENDING)
        db.session.add(won)
        db.session.commit()
        won_id = won.id
    signed_in(Role.COMMS, language="en")
    row = text(client.get("/admin/rewards"))
    assert "Cancel the reward" in row and "give the points back" not in row
    asked = " ".join(text(client.get(f"/admin/rewards/redemptions/{won_id}/cancel")).split())
    assert (
        "Cancel this reward won in a challenge?</strong> Wendy Winner will be told; no points were spent on it."
        in asked
    )
    post(client, f"/admin/rewards/redemptions/{won_id}/cancel")
    told = "“Branded mug”, won by Wendy Winner, is cancelled, and Wendy Winner was told."
    assert told in text(client.get("/admin/rewards"))
    assert notifications_of(app, winner.id) == [
        ("redemption_cancelled", "Your reward “Branded mug” was cancelled; the comms team can tell you why.")
    ]
    with app.app_context(), force_locale("en"):
        assert [entry.what for entry in audit_trail()] == [
            "cancelled the reward “Branded mug” won by Wendy Winner"
        ]


def test_delivering_tells_the_person_and_a_symbolic_reward_goes_on_the_wall_of_fame(
    app, make_user, make_reward, give_points, act
):
    person, comms = make_user(language="en", display_name="Zoé Martin"), make_user(Role.COMMS)
    give_points(person.id, 100)
    mug = make_reward(cost=10)
    tree = make_reward(
        kind=RewardKind.SYMBOLIC, title_en="A tree planted", title_fr="Un arbre planté", cost=20
    )
    mug_redemption = act(services.redeem, person.id, mug)
    tree_redemption = act(services.redeem, person.id, tree)
    act(services.deliver, comms.id, mug_redemption)
    act(services.deliver, comms.id, tree_redemption)
    assert [status for _, _, status in redemptions(app)] == ["delivered", "delivered"]
    assert points_of(app, person.id) == (100, 70)  # delivering spends nothing more
    assert notifications_of(app, person.id) == [
        ("redemption_delivered", "Your reward “Branded mug” has been delivered. Thank you for taking part!"),
        (
            "redemption_delivered",
            "Your reward “A tree planted” has been delivered. Thank you for taking part!",
        ),
    ]
    viewer = make_user(language="en")
    with app.app_context(), force_locale("en"):
        [entry] = db.session.scalars(sa.select(FameEntry)).all()
        assert (entry.kind, entry.user_id, entry.key) == ("reward", person.id, f"reward:{tree_redemption}")
        assert entry_text(entry, db.session.get(User, viewer.id)) == "Zoé Martin chose “A tree planted”."
        assert [e.what for e in audit_trail()] == [
            "delivered “A tree planted” to Zoé Martin",
            "delivered “Branded mug” to Zoé Martin",
        ]


def test_a_redemption_is_handled_once(app, make_user, make_reward, give_points, act):
    person, comms = make_user(), make_user(Role.COMMS)
    give_points(person.id, 100)
    mug = make_reward(cost=40, stock=3)
    redemption = act(services.redeem, person.id, mug)
    act(services.cancel, comms.id, redemption)
    for service in (services.cancel, services.deliver):
        with pytest.raises(services.RewardError):
            act(service, comms.id, redemption)
    assert (points_of(app, person.id), stock_of(app, mug)) == ((100, 100), 3)  # not given back twice
    assert [kind for kind, _ in notifications_of(app, person.id)] == ["redemption_cancelled"]


# --- The home page's hint ----------------------------------------------------------------


def within_reach(person_id: int):
    """The reward within the person's reach, as home reads it (with its other facts, or alone)."""
    return services.WITHIN_REACH.read({"spendable": balance_of(person_id).spendable})


def test_the_reward_within_reach_is_the_dearest_affordable_else_the_cheapest_one_to_aim_for(
    app, make_user, make_reward, give_points
):
    person = make_user()
    make_reward(cost=500, title_en="Dinner")
    make_reward(cost=5, stock=0, title_en="Sold out pen")
    make_reward(cost=1, active=False, title_en="Retired sticker")
    with app.app_context(), force_locale("en"):
        within = within_reach(person.id)
        assert (within.title.text, within.missing) == ("Dinner", 500)
    make_reward(cost=60, title_en="Notebook")
    make_reward(kind=RewardKind.SYMBOLIC, cost=80, title_en="A tree planted")
    give_points(person.id, 100, redeemed=10)
    with app.app_context(), force_locale("en"):
        within = within_reach(person.id)
        assert (within.title.text, within.missing) == ("A tree planted", 0)
    give_points(person.id, 100, redeemed=60)
    with app.app_context(), force_locale("en"):
        within = within_reach(person.id)
        assert (within.title.text, within.missing) == ("Notebook", 20)


def test_no_reward_within_reach_without_a_catalogue(app, make_user, count_queries):
    person = make_user()
    with count_queries() as queries, app.app_context():
        assert within_reach(person.id) is None
    assert queries.count <= 2


# --- The page -------------------------------------------------------------------------------


def test_the_page_shows_points_the_catalogue_in_the_reader_language_and_own_redemptions(
    app, client, signed_in, make_reward, give_points, act
):
    person = signed_in(language="en")
    give_points(person.id, 120)
    mug = make_reward(cost=40, stock=2, description_en="Dishwasher safe.")
    make_reward(title_en=None, title_fr="Déjeuner avec la direction", cost=500, stock=1)
    make_reward(kind=RewardKind.SYMBOLIC, title_en="A tree planted", cost=30)
    make_reward(title_en="Hidden", active=False)
    act(services.redeem, person.id, mug)
    page = client.get("/rewards")
    assert page.status_code == 200
    body = text(page)
    assert "Branded mug" in body and "Tasse aux couleurs" not in body
    assert '<h3 lang="fr">Déjeuner avec la direction</h3>' in body  # only in French: marked
    assert "Hidden" not in body
    assert "Dishwasher safe." in body
    assert "1 left" in body and "No stock to run out" in body
    assert "420 more points to earn before you can redeem it." in body
    assert '<dd class="big-figure">80</dd>' in body and '<dd class="reward-lifetime">120</dd>' in body
    assert "Waiting for delivery" in body
    assert f'href="/rewards/{mug}/redeem"' in body
    assert '<li><a href="/rewards" aria-current="page">Rewards</a></li>' in body  # the recognition tabs


def test_a_reward_card_drawn_once_shows_each_reader_their_own_points_and_question(
    app, make_user, make_reward, give_points
):
    mug = make_reward(cost=40, stock=3)
    readers = []
    for points in (10, 100, 80):
        person = make_user(language="en")
        give_points(person.id, points)
        browser = app.test_client()
        assert Auth(browser).login(person.email).status_code == 302
        readers.append(browser)
    assert "30 more points to earn" in text(readers[0].get("/rewards"))
    questions = [
        text(browser.get(f"/rewards/{mug}/redeem", headers=htmx_headers(browser))) for browser in readers[1:]
    ]
    assert "go from 100 to 60" in questions[0] and "go from 80 to 40" in questions[1]
    tokens = [set(re.findall(r'name="csrf_token" value="([^".]+)', question)) for question in questions]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    assert "Spend 40 points" not in text(readers[1].get("/rewards"))  # asked once, not kept asking


def test_a_reward_cards_key_changes_with_everything_the_card_shows(app, make_reward):
    mug_id = make_reward(cost=40, stock=3, description_en="Dishwasher safe.")
    with app.test_request_context("/rewards", headers={"Accept-Language": "en"}):
        mug, balance = db.session.get(Reward, mug_id), Balance(lifetime=50, spendable=30)
        key = card_key(mug, balance, None, None)
        assert card_key(mug, Balance(lifetime=50, spendable=20), None, None) != key  # misses more
        assert card_key(mug, Balance(lifetime=90, spendable=30), None, None) == key  # the same card
        asking = card_key(mug, balance, mug_id, None)
        assert asking != key and card_key(mug, Balance(lifetime=90, spendable=30), mug_id, None) != asking
        assert card_key(mug, balance, None, mug_id) != key
        for name, value in [
            ("kind", RewardKind.SYMBOLIC),
            ("stock", 2),
            ("cost", 45),
            ("title_en", "Mug"),
            ("title_fr", "Tasse"),
            ("description_en", "Sturdy."),
            ("description_fr", "Solide."),
        ]:
            before = getattr(mug, name)
            setattr(mug, name, value)
            assert card_key(mug, balance, None, None) != key, name
            setattr(mug, name, before)
        with force_locale("fr"):
            assert card_key(mug, balance, None, None) != key


def test_redeeming_by_htmx_asks_first_then_swaps_the_catalogue_in_place(
    app, client, signed_in, make_reward, give_points
):
    person = signed_in(language="en")
    give_points(person.id, 100)
    mug = make_reward(cost=40, stock=3)
    question = client.get(f"/rewards/{mug}/redeem", headers=htmx_headers(client))
    body = text(question)
    assert question.status_code == 200 and "<html" not in body
    assert "Spend 40 points on “Branded mug”?" in body
    assert "Your points to spend go from 100 to 60." in body
    assert redemptions(app) == []  # asking spends nothing
    declined = text(client.get(f"/rewards?back={mug}", headers=htmx_headers(client)))
    assert "Spend 40 points" not in declined and "data-focus-after-swap" in declined
    done = client.post(f"/rewards/{mug}/redeem", headers=htmx_headers(client))
    body = text(done)
    assert done.status_code == 200 and "<html" not in body and 'id="rewards-main"' in body
    assert "Done: “Branded mug” is yours." in body
    assert '<dd class="big-figure">60</dd>' in body and "2 left" in body
    assert "points-changed" in done.headers["HX-Trigger"]
    assert points_of(app, person.id) == (100, 60)


def test_redeeming_without_javascript_asks_on_a_page_then_redirects_with_a_message(
    app, client, signed_in, make_reward, give_points
):
    person = signed_in(language="en")
    give_points(person.id, 100)
    mug = make_reward(cost=40)
    question = client.get(f"/rewards/{mug}/redeem")
    assert question.status_code == 200 and "<html" in question.get_data(as_text=True)
    assert "Redeem “Branded mug”?" in text(question) and "Yes, redeem it" in text(question)
    done = post(client, f"/rewards/{mug}/redeem")
    assert done.status_code == 303 and done.headers["Location"] == "/rewards"
    assert "Done: “Branded mug” is yours." in text(client.get("/rewards"))
    assert points_of(app, person.id) == (100, 60)


def test_a_refused_redemption_says_why_by_htmx_and_by_form(app, client, signed_in, make_reward, give_points):
    person = signed_in(language="en")
    give_points(person.id, 30)
    mug = make_reward(cost=40)
    refused = client.post(f"/rewards/{mug}/redeem", headers=htmx_headers(client))
    assert refused.status_code == 422 and "<html" not in refused.get_data(as_text=True)
    assert "You need 10 more points for “Branded mug”. Nothing was spent." in text(refused)
    plain = post(client, f"/rewards/{mug}/redeem")
    assert plain.status_code == 303
    assert "You need 10 more points" in text(client.get("/rewards"))
    assert (points_of(app, person.id), redemptions(app)) == ((30, 30), [])
    question = text(client.get(f"/rewards/{mug}/redeem"))
    assert "10 more points to earn" in question and "Yes, redeem it" not in question


def test_redeeming_needs_a_csrf_token_and_an_existing_reward(
    app, client, signed_in, make_reward, give_points
):
    person = signed_in()
    give_points(person.id, 100)
    mug = make_reward(cost=40)
    assert client.post(f"/rewards/{mug}/redeem").status_code == 400
    assert post(client, "/rewards/999999/redeem").status_code == 404
    assert client.get("/rewards/99999999999/redeem").status_code == 404
    assert redemptions(app) == []


def test_the_page_runs_as_many_queries_with_a_long_history(
    app, client, signed_in, make_reward, give_points, count_queries
):
    person = signed_in()
    give_points(person.id, 10**6)

    def history(count: int):
        """Ledger rows, and redemptions of more retired rewards than the page lists."""
        rewards = [make_reward(title_en=f"Old {n}", active=False) for n in range(min(count, 25))]
        now = utcnow()
        with app.app_context():
            activities = db.session.execute(
                sa.insert(Activity).returning(Activity.id),
                [
                    {"user_id": person.id, "verb": "content_shared", "created_at": now, "payload": {}}
                    for _ in range(count)
                ],
            ).scalars()
            db.session.execute(
                sa.insert(PointsEntry),
                [
                    {
                        "rule": "content_shared",
                        "activity_id": a,
                        "user_id": person.id,
                        "points": 5,
                        "earned_at": now,
                    }
                    for a in activities
                ],
            )
            db.session.execute(
                sa.insert(Redemption),
                [
                    {
                        "reward_id": rewards[n % len(rewards)],
                        "user_id": person.id,
                        "cost": 10,
                        "status": list(RedemptionStatus)[n % 3],
                        "created_at": now - timedelta(minutes=n),
                    }
                    for n in range(count)
                ],
            )
            db.session.commit()

    history(10)
    before, after = queries_before_and_after(client, count_queries, "/rewards", lambda: history(990))
    assert before == after


# --- The console ----------------------------------------------------------------------------


def reward_form(**fields) -> dict:
    return {
        "kind": "consumable",
        "title_fr": "Gourde",
        "title_en": "Water bottle",
        "description_fr": "",
        "description_en": "Keeps cool.",
        "cost": "50",
        "stock": "10",
        **fields,
    }


CONSOLE_PAGES = [
    "/admin/rewards",
    "/admin/rewards/new",
    "/admin/rewards/{reward}/edit",
    "/admin/rewards/redemptions/{redemption}/cancel",
]
CONSOLE_ACTIONS = [
    ("/admin/rewards/new", reward_form()),
    ("/admin/rewards/{reward}/edit", reward_form()),
    ("/admin/rewards/{reward}/active", {"active": "0"}),
    ("/admin/rewards/redemptions/{redemption}/deliver", {}),
    ("/admin/rewards/redemptions/{redemption}/cancel", {}),
]


@pytest.fixture
def pending(app, make_user, make_reward, give_points, act):
    """A reward and a pending redemption of it."""
    person = make_user(language="en")
    give_points(person.id, 100)
    reward = make_reward(cost=40, stock=3)
    return {"reward": reward, "redemption": act(services.redeem, person.id, reward), "person": person.id}


def test_employees_get_403_on_every_console_route(app, client, signed_in, pending):
    signed_in(Role.EMPLOYEE)
    for path in CONSOLE_PAGES:
        assert client.get(path.format(**pending)).status_code == 403, path
    for path, data in CONSOLE_ACTIONS:
        assert post(client, path.format(**pending), data).status_code == 403, path
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reward.id))) == 1
        assert db.session.get(Reward, pending["reward"]).active
    assert redemptions(app) == [(pending["person"], pending["reward"], "pending")]


@pytest.mark.parametrize("role", [Role.COMMS, Role.ADMIN])
def test_every_console_post_needs_a_csrf_token(app, client, signed_in, pending, role):
    signed_in(role)
    for path, data in CONSOLE_ACTIONS:
        assert client.post(path.format(**pending), data=data).status_code == 400, path
    assert redemptions(app) == [(pending["person"], pending["reward"], "pending")]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reward.id))) == 1
    for path in CONSOLE_PAGES:
        assert client.get(path.format(**pending)).status_code == 200, path


def test_the_console_lists_rewards_and_pending_redemptions_with_a_badge_in_its_menu(
    app, client, signed_in, pending, make_reward
):
    signed_in(Role.COMMS, language="en")
    make_reward(title_en="Old pen", active=False)
    page = text(client.get("/admin/rewards"))
    assert "Person 1" in page and "Branded mug" in page and "Old pen" in page and "Retired" in page
    assert "Mark delivered" in page and "Cancel and give the points back" in page
    assert '>Rewards <span class="count-pill">1<' in page
    home = text(client.get("/admin/"))
    assert '>Rewards <span class="count-pill">1<' in home


def test_the_console_pages_the_redemptions_waiting_oldest_first(
    app, client, signed_in, make_user, make_reward, give_points, act
):
    signed_in(Role.COMMS, language="en")
    reward = make_reward(cost=1, stock=None, kind=RewardKind.SYMBOLIC)
    people = [
        make_user(display_name=f"Waiting {number:02d}") for number in range(services.CONSOLE_PENDING + 2)
    ]
    for person in people:
        give_points(person.id, 10)
        act(services.redeem, person.id, reward)
    first, second = text(client.get("/admin/rewards")), text(client.get("/admin/rewards?page=2"))
    shown = [f"Waiting {number:02d}" for number in range(services.CONSOLE_PENDING)]
    assert all(name in first for name in shown) and "Waiting 25" not in first
    assert "Page 1 of 2" in first and 'href="/admin/rewards?page=2" rel="next"' in first
    assert "Waiting 25" in second and "Waiting 26" in second and "Waiting 24" not in second
    assert '<span class="count-pill">27<' in first and '<span class="count-pill">27<' in second
    assert "Waiting 26" in text(client.get("/admin/rewards?page=99"))  # past the last: the last
    assert "Waiting 00" in text(client.get("/admin/rewards?page=zero"))
    with app.app_context():
        last = db.session.scalars(sa.select(Redemption.id).order_by(Redemption.id.desc())).first()
    done = post(client, f"/admin/rewards/redemptions/{last}/deliver", {"page": "2"})
    assert done.headers["Location"] == "/admin/rewards?page=2"  # back where comms was


def test_comms_deliver_and_cancel_from_the_console(
    app, client, signed_in, pending, make_user, act, give_points
):
    signed_in(Role.COMMS, language="en")
    second = act(services.redeem, pending["person"], pending["reward"])
    done = post(client, f"/admin/rewards/redemptions/{pending['redemption']}/deliver")
    assert done.status_code == 303 and done.headers["Location"] == "/admin/rewards"
    assert "“Branded mug” is marked delivered to Person 1, who was told." in text(
        client.get("/admin/rewards")
    )
    post(client, f"/admin/rewards/redemptions/{second}/cancel")
    assert "Person 1 has the points back" in text(client.get("/admin/rewards"))
    assert [status for _, _, status in redemptions(app)] == ["delivered", "cancelled"]
    assert points_of(app, pending["person"]) == (100, 60)
    assert stock_of(app, pending["reward"]) == 2
    again = post(client, f"/admin/rewards/redemptions/{second}/deliver")
    assert "This redemption was already handled." in text(client.get(again.headers["Location"]))
    assert post(client, "/admin/rewards/redemptions/999999/cancel").status_code == 404
    assert [kind for kind, _ in notifications_of(app, pending["person"])] == [
        "redemption_delivered",
        "redemption_cancelled",
    ]


def test_cancelling_from_the_console_asks_first_saying_what_follows(app, client, signed_in, pending):
    signed_in(Role.COMMS, language="en")
    confirm = f"/admin/rewards/redemptions/{pending['redemption']}/cancel"
    assert f'href="{confirm}">Cancel and give the points back' in text(client.get("/admin/rewards"))
    asked = " ".join(text(client.get(f"{confirm}?page=2")).split())
    assert (
        "Cancel this redemption?</strong>" in asked
        and "Person 1 gets the 40 points back and will be told." in asked
    )
    assert 'name="page" value="2"' in asked and 'href="/admin/rewards?page=2">No, keep it' in asked
    assert [status for _, _, status in redemptions(app)] == ["pending"]  # asking changed nothing
    post(client, confirm)
    assert "This redemption was already handled." in text(client.get(confirm))
    assert client.get("/admin/rewards/redemptions/999999/cancel").status_code == 404


def test_comms_create_edit_retire_and_offer_again_a_reward(app, client, signed_in):
    signed_in(Role.COMMS, language="en")
    created = post(client, "/admin/rewards/new", reward_form())
    assert created.status_code == 303
    assert "“Water bottle” is in the catalogue." in text(client.get("/admin/rewards"))
    with app.app_context():
        reward = db.session.scalars(sa.select(Reward)).one()
        assert (reward.kind, reward.title_fr, reward.description_fr, reward.cost, reward.stock) == (
            RewardKind.CONSUMABLE,
            "Gourde",
            "",
            50,
            10,
        )
        reward_id = reward.id
    edit_page = text(client.get(f"/admin/rewards/{reward_id}/edit"))
    assert (
        'value="Water bottle"' in edit_page
        and '<input checked id="kind-0" name="kind" required type="radio" value="consumable">' in edit_page
    )
    symbolic = reward_form(kind="symbolic", stock="", title_en="", title_fr="Un arbre planté", cost="70")
    assert post(client, f"/admin/rewards/{reward_id}/edit", symbolic).status_code == 303
    post(client, f"/admin/rewards/{reward_id}/active", {"active": "0"})
    assert "retired from the catalogue" in text(client.get("/admin/rewards"))
    with app.app_context():
        reward = db.session.get(Reward, reward_id)
        assert (reward.kind, reward.title_en, reward.stock, reward.cost, reward.active) == (
            RewardKind.SYMBOLIC,
            None,
            None,
            70,
            False,
        )
    post(client, f"/admin/rewards/{reward_id}/active", {"active": "1"})
    with app.app_context(), force_locale("en"):
        assert db.session.get(Reward, reward_id).active
        assert [entry.what for entry in audit_trail()] == [
            "offered the reward “Un arbre planté” again",
            "retired the reward “Un arbre planté”",
            "edited the reward “Un arbre planté”",
            "added the reward “Water bottle”",
        ]
    assert client.get("/admin/rewards/999999/edit").status_code == 404


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title_fr": "", "title_en": "   "}, "Give a title in at least one language."),
        ({"cost": "0"}, "The cost is a whole number of points from 1 to 1,000,000."),
        ({"cost": "-5"}, "The cost is a whole number of points from 1 to 1,000,000."),
        ({"cost": "99999999999999999999"}, "The cost is a whole number of points from 1 to 1,000,000."),
        ({"cost": "ten"}, "The cost is a whole number of points from 1 to"),
        ({"cost": ""}, "Give the cost in points."),
        ({"stock": ""}, "A consumable reward needs a stock."),
        ({"stock": "-1"}, "The stock is a whole number from 0 to 100,000."),
        ({"stock": "100001"}, "The stock is a whole number from 0 to 100,000."),
        ({"kind": "symbolic", "stock": "3"}, "A symbolic reward has no stock: leave it empty."),
        ({"kind": "gift"}, "Not a valid choice."),
        ({"title_en": "x" * 121}, "Field cannot be longer than 120 characters."),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(app, client, signed_in, make_reward, fields, error):
    signed_in(Role.COMMS, language="en")
    created = post(client, "/admin/rewards/new", reward_form(**fields))
    assert created.status_code == 422
    assert error in text(created)
    assert "Not a valid integer value" not in text(created)  # one message, the site's own
    reward = make_reward(title_en="Kept", cost=12)
    edited = post(client, f"/admin/rewards/{reward}/edit", reward_form(**fields))
    assert edited.status_code == 422 and error in text(edited)
    with app.app_context():
        [kept] = db.session.scalars(sa.select(Reward)).all()
        assert (kept.title_en, kept.cost, kept.stock) == ("Kept", 12, 5)
        assert db.session.scalar(sa.select(sa.func.count(Activity.id)).where(Activity.verb.in_(VERBS))) == 0


def test_the_service_refuses_what_the_form_would(app, make_user):
    comms = make_user(Role.COMMS)
    bad = services.RewardChanges(RewardKind.SYMBOLIC, "Arbre", None, "", "", 10, 4)
    with app.app_context():
        with pytest.raises(services.RewardError):
            services.create_reward(db.session.get(User, comms.id), bad)
        assert db.session.scalar(sa.select(sa.func.count(Reward.id))) == 0


def test_the_console_runs_as_many_queries_with_many_redemptions(
    app, client, signed_in, pending, make_user, make_reward, give_points, act, count_queries
):
    comms = signed_in(Role.COMMS)

    def more():
        for number in range(6):
            person = make_user()
            give_points(person.id, 100)
            reward = make_reward(kind=RewardKind.SYMBOLIC, title_en=f"Thanks {number}", cost=10)
            redemption = act(services.redeem, person.id, reward)
            if number % 2:
                act(services.deliver, comms.id, redemption)

    before, after = queries_before_and_after(client, count_queries, "/admin/rewards", more)
    assert before == after


# --- In French (needs the French catalogue with the rewards' translations compiled) ------------


def test_the_rewards_speak_french_with_its_typography(
    app, client, signed_in, make_user, make_reward, give_points, act
):
    person = signed_in(language="fr")
    give_points(person.id, 30)
    mug = make_reward(cost=40, stock=3)
    refused = client.post(f"/rewards/{mug}/redeem", headers=htmx_headers(client))
    raw = refused.get_data(as_text=True)
    assert "Il vous manque 10\u00a0points" not in raw  # the number and its word: a plain space
    assert (
        "Il vous manque 10 points pour «\u00a0Tasse aux couleurs\u00a0». Rien n'a été dépensé."
        in plain_html(raw)
    )
    give_points(person.id, 100)
    question = plain_html(
        client.get(f"/rewards/{mug}/redeem", headers=htmx_headers(client)).get_data(as_text=True)
    )
    assert "Dépenser 40 points pour «\u00a0Tasse aux couleurs\u00a0»\u00a0?" in question
    assert "Points à dépenser" in question and "Points gagnés" in question
    redemption = act(services.redeem, person.id, mug)
    act(services.cancel, make_user(Role.COMMS).id, redemption)
    assert notifications_of(app, person.id, "fr") == [
        (
            "redemption_cancelled",
            "Votre échange de «\u00a0Tasse aux couleurs\u00a0» est annulé\u00a0: "
            "ses 40 points sont rendus à vos points à dépenser.",
        )
    ]


def test_the_console_rows_keys_change_with_everything_they_show(app, pending, act):
    with app.test_request_context("/admin/rewards", headers={"Accept-Language": "en"}):
        redemption = db.session.get(Redemption, pending["redemption"])
        key = cards.pending_key(redemption, 1)
        assert cards.pending_key(redemption, 2) != key
        changes = [
            (redemption.user, "display_name", "Renamed"),
            (redemption.user, "email", "renamed@example.com"),
            (redemption.reward, "title_en", "Cup"),
            (redemption.reward, "title_fr", "Bol"),
            (redemption, "cost", 41),
            (redemption, "created_at", utcnow()),
        ]
        for record, name, value in changes:
            before = getattr(record, name)
            setattr(record, name, value)
            assert cards.pending_key(redemption, 1) != key, name
            setattr(record, name, before)
        handled = cards.handled_key(redemption)
        for record, name, value in [
            *changes[:1],
            *changes[2:5],
            (redemption, "status", RedemptionStatus.DELIVERED),
        ]:
            before = getattr(record, name)
            setattr(record, name, value)
            assert cards.handled_key(redemption) != handled, name
            setattr(record, name, before)
        reward = redemption.reward
        row = cards.console_reward_key(reward)
        for name, value in [
            ("active", False),
            ("title_en", "Cup"),
            ("kind", RewardKind.SYMBOLIC),
            ("cost", 5),
            ("stock", 1),
        ]:
            before = getattr(reward, name)
            setattr(reward, name, value)
            assert cards.console_reward_key(reward) != row, name
            setattr(reward, name, before)
        with force_locale("fr"):
            assert cards.pending_key(redemption, 1) != key and cards.console_reward_key(reward) != row


def test_the_console_rows_carry_the_pages_own_token(client, signed_in, pending):
    signed_in(Role.COMMS, language="en")
    page = text(client.get("/admin/rewards"))
    assert "Mark delivered" in page and "Retire" in page
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))
