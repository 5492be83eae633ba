"""Declared contributions: declaring one, the comms' review (validate, featured or not, or
decline with a reason), points, badge, wall of fame, notifications, and who may do what."""

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user

from base.database import db, utcnow
from blueprints.accounts.models import Role, User
from blueprints.activity.models import Activity
from blueprints.admin.services import audit_trail
from blueprints.contributions import cards, services
from blueprints.contributions.models import Contribution, ContributionStatus
from blueprints.notifications.models import Notification
from blueprints.notifications.services import message_text
from blueprints.recognition.models import BadgeAward, FameEntry, PointsEntry
from blueprints.recognition.services import balance_of
from tests.conftest import at_the_same_time, post, queries_before_and_after, text


def declaration_form(**fields) -> dict:
    return {
        "kind": "talk",
        "happened_on": (date.today() - timedelta(days=3)).isoformat(),
        "title": "Our recycling project at the Lyon engineering school",
        "link": "https://www.example.org/talk",
        "description": "Forty students, twenty minutes of questions.",
        "persona": "",
        **fields,
    }


def rows(app, model, *where) -> list:
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).where(*where)))
        db.session.expunge_all()
        return found


def verbs_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Activity.verb).where(Activity.user_id == user_id).order_by(Activity.id)
            )
        )


def points_of(app, user_id: int) -> int:
    with app.app_context():
        return balance_of(user_id).lifetime


@pytest.fixture
def make_contribution(app):
    """A contribution (pending unless told otherwise); returns its id."""

    def factory(user_id: int, **fields):
        fields.setdefault("kind", "talk")
        fields.setdefault("happened_on", date.today() - timedelta(days=2))
        fields.setdefault("title", "A talk at a school")
        fields.setdefault("description", "")
        with app.app_context():
            contribution = Contribution(user_id=user_id, **fields)
            db.session.add(contribution)
            db.session.commit()
            return contribution.id

    return factory


def person(user_id: int) -> User:
    """A live person, for calling services in an app context the caller holds."""
    return db.session.get(User, user_id)


# --- Declaring ---------------------------------------------------------------------------


def test_declaring_saves_a_pending_contribution_with_the_kinds_persona(app, client, signed_in):
    me = signed_in(language="en")
    response = post(client, "/contributions", declaration_form())
    assert response.status_code == 303
    page = text(client.get("/contributions"))
    assert "The comms team will review “Our recycling project at the Lyon engineering school”" in page
    assert "Waiting for the comms team" in page
    [contribution] = rows(app, Contribution)
    assert (contribution.user_id, contribution.status, contribution.persona) == (
        me.id,
        ContributionStatus.PENDING,
        "expert",  # a talk suggests the expert
    )
    assert contribution.link == "https://www.example.org/talk"
    assert verbs_of(app, me.id)[-1] == "contribution_declared"
    assert points_of(app, me.id) == 0


@pytest.mark.parametrize(
    ("kind", "chosen", "stored"),
    [
        ("referral", "", "talent_scout"),
        ("live_coverage", "", "insider"),
        ("group_answers", "", "helper"),
        ("other", "", None),
        ("talk", "none", None),
        ("talk", "curator", "curator"),
    ],
)
def test_the_persona_is_the_one_chosen_or_the_kinds_suggestion(app, client, signed_in, kind, chosen, stored):
    signed_in(language="en")
    assert post(client, "/contributions", declaration_form(kind=kind, persona=chosen)).status_code == 303
    assert [c.persona for c in rows(app, Contribution)] == [stored]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"happened_on": (date.today() + timedelta(days=2)).isoformat()}, "this date is in the future"),
        ({"happened_on": (date.today() - timedelta(days=400)).isoformat()}, "this date is too long ago"),
        ({"happened_on": "20266-01-01"}, "Not a valid date value"),
        ({"happened_on": ""}, "Give the date it happened."),
        ({"link": "javascript:alert(1)"}, "Give a web address starting with http:// or https://."),
        ({"link": "ftp://files.example.org/talk"}, "Give a web address starting with http:// or https://."),
        ({"title": "   "}, "Give it a title."),
        ({"title": "x" * 161}, "Field cannot be longer than 160 characters."),
        ({"kind": "bribe"}, "Not a valid choice."),
        ({"persona": "king"}, "Not a valid choice."),
        ({"description": "y" * 1001}, "Field cannot be longer than 1000 characters."),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_saved(app, client, signed_in, fields, message):
    me = signed_in(language="en")
    response = post(client, "/contributions", declaration_form(**fields))
    assert response.status_code == 422
    assert message in text(response)
    assert "Some fields need your attention." in text(response)
    assert rows(app, Contribution) == []
    assert verbs_of(app, me.id) == ["signed_in"]


def test_the_service_refuses_a_future_date_or_a_bad_link_on_its_own(app, make_user):
    me = make_user()
    tomorrow = date.today() + timedelta(days=2)
    with app.app_context():
        for declaration, field in [
            (services.Declaration("talk", tomorrow, "Title", None, ""), "happened_on"),
            (services.Declaration("talk", date.today(), "Title", "javascript:alert(1)", ""), "link"),
            (services.Declaration("talk", date.today(), "Title", "http:///nohost", ""), "link"),
            (services.Declaration("nope", date.today(), "Title", None, ""), "kind"),
        ]:
            with pytest.raises(services.ContributionError) as refusal:
                services.declare(person(me.id), declaration)
            assert refusal.value.field == field
    assert rows(app, Contribution) == []


def test_the_date_is_the_persons_own_today(app, make_user):
    """Just after midnight in Paris, today there is still yesterday in Toronto."""
    paris, toronto = make_user(timezone="Europe/Paris"), make_user(timezone="America/Toronto")
    moment = datetime.fromisoformat("2026-03-10T23:30:00+00:00")  # 00:30 on 11 March in Paris
    eleventh = date(2026, 3, 11)
    with app.app_context():
        services.declare(person(paris.id), services.Declaration("talk", eleventh, "T", None, ""), moment)
        with pytest.raises(services.ContributionError):
            services.declare(
                person(toronto.id), services.Declaration("talk", eleventh, "T", None, ""), moment
            )
    assert len(rows(app, Contribution)) == 1


def test_declaring_without_the_csrf_token_is_refused(app, client, signed_in):
    signed_in()
    response = client.post("/contributions", data=declaration_form())
    assert response.status_code == 400
    assert rows(app, Contribution) == []


def test_the_page_lists_my_contributions_with_their_status_and_reason(
    app, client, signed_in, make_user, make_contribution
):
    me = signed_in(language="en")
    other = make_user()
    make_contribution(me.id, title="Jury of the hackathon", status=ContributionStatus.VALIDATED)
    make_contribution(
        me.id, title="A post in a forum", status=ContributionStatus.DECLINED, decline_reason="Not about us."
    )
    make_contribution(other.id, title="Someone else's talk")
    page = text(client.get("/contributions"))
    assert "Jury of the hackathon" in page and "Validated" in page
    assert "A post in a forum" in page and "Not validated" in page and "Reason: Not about us." in page
    assert "Someone else's talk" not in page


def test_contributions_of_gives_the_latest_first_for_the_profile(app, make_user, make_contribution):
    me = make_user()
    ids = [
        make_contribution(me.id, title=f"Number {n}", created_at=utcnow() - timedelta(days=10 - n))
        for n in range(7)
    ]
    with app.app_context():
        assert [c.id for c in services.contributions_of(me.id)] == ids[::-1][:5]
        assert [c.id for c in services.contributions_of(me.id, limit=2)] == ids[::-1][:2]


# --- Reviewing ---------------------------------------------------------------------------


def test_validating_awards_points_badge_fame_entry_and_tells_the_person(
    app, client, signed_in, make_user, make_contribution
):
    author = make_user(language="en", display_name="Ada Author")
    contribution = make_contribution(author.id, title="Panel on women in engineering")
    comms = signed_in(Role.COMMS, language="en")
    response = post(client, f"/admin/contributions/{contribution}/validate", {"featured": "y"})
    assert response.status_code == 303
    assert "Validated: Ada Author has been told" in text(client.get("/admin/contributions"))

    [row] = rows(app, Contribution)
    assert (row.status, row.reviewed_by_id) == (ContributionStatus.VALIDATED, comms.id)
    assert row.reviewed_at is not None
    assert points_of(app, author.id) == 30
    [entry] = rows(app, PointsEntry, PointsEntry.rule == "contribution_validated")
    assert (entry.user_id, entry.points, entry.object_id) == (author.id, 30, contribution)
    assert [award.badge for award in rows(app, BadgeAward, BadgeAward.user_id == author.id)] == [
        "first_contribution"
    ]
    [fame] = rows(app, FameEntry, FameEntry.kind == "contribution")
    assert (fame.user_id, fame.key, fame.params["title"]) == (
        author.id,
        f"contribution:{contribution}",
        "Panel on women in engineering",
    )
    assert fame.featured_at is not None
    assert (fame.link_endpoint, fame.link_values) == (
        "contributions.detail",
        {"contribution_id": contribution},
    )
    # The person's validation counts as done by comms; the comms' side is in the audit trail.
    assert "contribution_validated" in verbs_of(app, author.id)
    assert verbs_of(app, comms.id)[-1] == "contribution_review_validated"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        told = rows(
            app, Notification, Notification.user_id == author.id, Notification.kind.like("contribution%")
        )
        assert [message_text(notice) for notice in told] == [
            "The comms team validated your contribution “Panel on women in engineering”. Thank you!"
        ]
        assert "validated the contribution “Panel on women in engineering”" in [
            entry.what for entry in audit_trail()
        ]


def test_validating_without_featuring_leaves_the_entry_in_the_stream(
    app, client, signed_in, make_user, make_contribution
):
    author = make_user()
    contribution = make_contribution(author.id)
    signed_in(Role.COMMS)
    assert post(client, f"/admin/contributions/{contribution}/validate").status_code == 303
    [fame] = rows(app, FameEntry, FameEntry.kind == "contribution")
    assert fame.featured_at is None


def test_declining_needs_a_reason_and_earns_nothing(app, client, signed_in, make_user, make_contribution):
    author = make_user(language="en")
    contribution = make_contribution(author.id, title="A private dinner")
    comms = signed_in(Role.COMMS, language="en")

    refused = post(client, f"/admin/contributions/{contribution}/decline", {"reason": "   "})
    assert refused.status_code == 422
    assert "Give a reason: it is sent to the person who declared it." in text(refused)
    assert rows(app, Contribution)[0].status == ContributionStatus.PENDING

    response = post(
        client, f"/admin/contributions/{contribution}/decline", {"reason": "Not public advocacy."}
    )
    assert response.status_code == 303
    [row] = rows(app, Contribution)
    assert (row.status, row.decline_reason, row.reviewed_by_id) == (
        ContributionStatus.DECLINED,
        "Not public advocacy.",
        comms.id,
    )
    assert points_of(app, author.id) == 0
    assert rows(app, PointsEntry, PointsEntry.points > 0) == []
    assert rows(app, FameEntry) == []
    assert rows(app, BadgeAward) == []
    assert verbs_of(app, comms.id)[-1] == "contribution_review_declined"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [notice] = rows(app, Notification, Notification.user_id == author.id)
        assert message_text(notice) == (
            "Your contribution “A private dinner” was not validated. The comms team says: Not public advocacy."
        )


def test_the_service_refuses_a_decline_without_reason(app, make_user, make_contribution):
    author, comms = make_user(), make_user(Role.COMMS)
    contribution = make_contribution(author.id)
    with app.app_context(), pytest.raises(services.ContributionError) as refusal:
        services.decline(person(comms.id), contribution, "  ")
    assert refusal.value.field == "reason"
    assert rows(app, Contribution)[0].status == ContributionStatus.PENDING


@pytest.mark.parametrize(
    ("first", "second"),
    [("validate", "validate"), ("validate", "decline"), ("decline", "validate"), ("decline", "decline")],
)
def test_a_contribution_already_reviewed_is_not_reviewed_again(
    app, client, signed_in, make_user, make_contribution, first, second
):
    author = make_user()
    contribution = make_contribution(author.id)
    signed_in(Role.COMMS, language="en")
    reason = {"reason": "Off topic."}
    assert post(client, f"/admin/contributions/{contribution}/{first}", reason).status_code == 303
    before = rows(app, Contribution)[0]
    response = post(client, f"/admin/contributions/{contribution}/{second}", {"reason": "Changed my mind."})
    assert response.status_code == 303
    assert "This contribution has already been reviewed: nothing was changed." in text(
        client.get(response.headers["Location"])
    )
    after = rows(app, Contribution)[0]
    assert (after.status, after.decline_reason, after.reviewed_at) == (
        before.status,
        before.decline_reason,
        before.reviewed_at,
    )
    assert points_of(app, author.id) == (30 if first == "validate" else 0)
    assert (
        len(rows(app, Notification, Notification.user_id == author.id, Notification.kind.like("contrib%")))
        == 1
    )


def test_two_comms_reviewing_at_once_cannot_both_win(app, make_user, make_contribution):
    author = make_user()
    reviewers = [make_user(Role.COMMS).id for _ in range(4)]
    contribution = make_contribution(author.id)
    outcomes = []

    def review(number: int) -> None:  # half validate, half decline
        reviewer = db.session.get(User, reviewers[number])
        try:
            if number % 2 == 0:
                services.validate(reviewer, contribution)
            else:
                services.decline(reviewer, contribution, "No.")
            outcomes.append("done")
        except services.ContributionError:
            outcomes.append("refused")

    assert at_the_same_time(app, review, len(reviewers)) == []
    assert sorted(outcomes) == ["done", "refused", "refused", "refused"]
    row = rows(app, Contribution)[0]
    assert points_of(app, author.id) == (30 if row.status == ContributionStatus.VALIDATED else 0)
    reviews = rows(app, Activity, Activity.verb.like("contribution_review_%"))
    assert len(reviews) == 1


def test_comms_cannot_review_their_own_contribution(app, client, signed_in, make_contribution):
    me = signed_in(Role.COMMS, language="en")
    contribution = make_contribution(me.id)
    page = text(client.get("/admin/contributions"))
    assert "This is your own contribution: another member of the comms team reviews it." in page
    response = post(client, f"/admin/contributions/{contribution}/validate")
    assert "You cannot review your own contribution" in text(client.get(response.headers["Location"]))
    assert rows(app, Contribution)[0].status == ContributionStatus.PENDING
    assert points_of(app, me.id) == 0


def test_the_queue_shows_pending_first_and_counts_them_in_the_console_menu(
    app, client, signed_in, make_user, make_contribution
):
    author = make_user(display_name="Paul Pending")
    make_contribution(
        author.id, title="Reviewed talk", status=ContributionStatus.VALIDATED, reviewed_at=utcnow()
    )
    make_contribution(author.id, title="Older pending", created_at=utcnow() - timedelta(days=2))
    make_contribution(author.id, title="Newer pending", created_at=utcnow() - timedelta(days=1))
    signed_in(Role.COMMS, language="en")
    response = client.get("/admin/contributions")
    page = text(response)
    assert "2 contributions waiting" in page
    assert page.index("Older pending") < page.index("Newer pending") < page.index("Reviewed talk")
    html = response.get_data(as_text=True)
    menu = html[html.index('class="sub-nav"') :]
    assert re.search(r'Contributions <span class="count-pill">2<', menu[: menu.index("</nav>")])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/contributions"),
        ("get", "/admin/contributions/{id}"),
        ("post", "/admin/contributions/{id}/validate"),
        ("post", "/admin/contributions/{id}/decline"),
    ],
)
def test_employees_get_403_on_the_console(app, client, signed_in, make_user, make_contribution, method, path):
    contribution = make_contribution(make_user().id)
    signed_in()
    url = path.format(id=contribution)
    response = client.get(url) if method == "get" else post(client, url, {"reason": "Because."})
    assert response.status_code == 403
    assert rows(app, Contribution)[0].status == ContributionStatus.PENDING


def test_review_without_the_csrf_token_is_refused(app, client, signed_in, make_user, make_contribution):
    contribution = make_contribution(make_user().id)
    signed_in(Role.COMMS)
    assert client.post(f"/admin/contributions/{contribution}/validate").status_code == 400
    assert rows(app, Contribution)[0].status == ContributionStatus.PENDING


def test_the_review_page_shows_the_decision_once_taken(app, client, signed_in, make_user, make_contribution):
    author = make_user(display_name="Dora Declared")
    reviewer = make_user(Role.COMMS, display_name="Rita Reviewer")
    contribution = make_contribution(
        author.id,
        title="Article in a trade magazine",
        status=ContributionStatus.DECLINED,
        decline_reason="Behind a paywall.",
        reviewed_by_id=reviewer.id,
        reviewed_at=utcnow(),
    )
    signed_in(Role.COMMS, language="en")
    page = text(client.get(f"/admin/contributions/{contribution}"))
    assert "Declared by Dora Declared" in page
    assert "Not validated" in page and "by Rita Reviewer" in page and "Reason: Behind a paywall." in page
    assert "Decline with this reason" not in page
    assert client.get("/admin/contributions/999999").status_code == 404


# --- The contribution's page -------------------------------------------------------------


def test_a_contribution_is_seen_by_its_author_and_comms_and_by_everyone_once_validated(
    app, client, signed_in, auth, make_user, make_contribution
):
    author = make_user(display_name="Zoe Hidden", anonymous_on_boards=True, language="en")
    pending = make_contribution(author.id, title="Pending talk")
    validated = make_contribution(author.id, title="Validated talk", status=ContributionStatus.VALIDATED)
    signed_in(language="en")
    assert client.get(f"/contributions/{pending}").status_code == 404
    page = text(client.get(f"/contributions/{validated}"))
    assert "Validated talk" in page
    assert "Declared by an ambassador" in page and "Zoe" not in page  # anonymous on public pages
    auth.logout()
    auth.login(author.email)
    assert "Declared by you" in text(client.get(f"/contributions/{pending}"))
    auth.logout()
    signed_in(Role.COMMS, language="en")
    assert "Declared by Zoe Hidden" in text(client.get(f"/contributions/{pending}"))


# --- Query budgets -------------------------------------------------------------------------


def add_contributions(app, user_id: int, count: int, **fields) -> None:
    with app.app_context():
        db.session.execute(
            sa.insert(Contribution),
            [
                {
                    "user_id": user_id,
                    "kind": "article",
                    "happened_on": date.today(),
                    "title": f"Post {n}",
                    "description": "",
                    "status": ContributionStatus.PENDING,
                    "created_at": utcnow(),
                    **fields,
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def test_my_contributions_page_runs_the_same_queries_with_10_or_1000(app, client, signed_in, count_queries):
    me = signed_in()
    add_contributions(app, me.id, 10)
    before, after = queries_before_and_after(
        client, count_queries, "/contributions", lambda: add_contributions(app, me.id, 990)
    )
    assert before == after


def test_the_console_queue_runs_the_same_queries_with_10_or_1000(
    app, client, signed_in, make_user, count_queries
):
    authors = [make_user().id for _ in range(3)]
    reviewer = make_user(Role.COMMS).id
    for author in authors:
        add_contributions(app, author, 3)
    reviewed = {"status": ContributionStatus.VALIDATED, "reviewed_by_id": reviewer, "reviewed_at": utcnow()}
    add_contributions(app, authors[0], 1, **reviewed)
    signed_in(Role.COMMS)

    def grow():
        for author in authors:
            add_contributions(app, author, 300)
            add_contributions(app, author, 30, **reviewed)

    before, after = queries_before_and_after(client, count_queries, "/admin/contributions", grow)
    assert before == after


def test_a_drawn_contribution_tells_its_own_declarer_apart_and_its_keys_follow_what_they_show(
    app, client, signed_in, make_user, make_contribution
):
    author = make_user(display_name="Paul Pending")
    waiting = make_contribution(author.id, link="https://www.example.org/talk")
    other_comms = make_user(Role.COMMS, language="en")
    me = signed_in(Role.COMMS, language="en")
    mine = make_contribution(me.id, title="My own talk")
    page = text(client.get("/admin/contributions"))
    assert page.count("This is your own contribution") == 1 and page.count(">Validate<") == 1
    with app.test_request_context("/admin/contributions", headers={"Accept-Language": "en"}):
        login_user(db.session.get(User, me.id))
        own_key = cards.waiting_key(db.session.get(Contribution, mine))
        login_user(db.session.get(User, other_comms.id))
        assert cards.waiting_key(db.session.get(Contribution, mine)) != own_key  # another reviewer's
        contribution = db.session.get(Contribution, waiting)
        key = cards.waiting_key(contribution)
        for name, value in [
            ("title", "Another talk"),
            ("kind", "article"),
            ("happened_on", date(2020, 1, 1)),
            ("persona", "expert"),
            ("description", "It went well."),
            ("link", "https://www.example.org/other"),
        ]:
            before = getattr(contribution, name)
            setattr(contribution, name, value)
            assert cards.waiting_key(contribution) != key, name
            setattr(contribution, name, before)
        reviewed = cards.reviewed_key(contribution)
        contribution.reviewed_by = db.session.get(User, other_comms.id)
        assert cards.reviewed_key(contribution) != reviewed
        contribution.reviewed_by = None
        for name, value in [
            ("status", ContributionStatus.VALIDATED),
            ("reviewed_at", utcnow()),
            ("title", "New"),
        ]:
            before = getattr(contribution, name)
            setattr(contribution, name, value)
            assert cards.reviewed_key(contribution) != reviewed, name
            setattr(contribution, name, before)
        contribution.user.display_name = "Paul Renamed"
        assert cards.waiting_key(contribution) != key and cards.reviewed_key(contribution) != reviewed
