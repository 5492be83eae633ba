"""The home page shows the person their own progress; the programme's pulse is for the console,
counts what people did themselves, and its percentages follow the reader's language."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.database import column_rows, db, utcnow
from base.registry import Feature, Registry, registry
from blueprints.accounts.models import Role, User
from blueprints.activity.models import ActionCount, Activity
from blueprints.activity.services import (
    active_people_count,
    programme_pulse,
    progress_parameters,
    progress_reading,
    record,
)
from blueprints.content.models import ContentItem
from blueprints.core.services import PROGRESS, home_progress
from blueprints.notifications.services import notify
from tests.conftest import ON_POSTGRES, at_the_same_time, csrf_token, post, queries_before_and_after, text

# Verbs that features log for a person without the person doing anything.
PASSIVE = ["signed_in", "click_received", "profile_updated"]


def words(html: str) -> str:
    """The text of some HTML as it reads, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def log(app, person_id: int, verb: str, days_ago: float = 0, **fields):
    with app.app_context():
        record(db.session.get(User, person_id), verb, at=utcnow() - timedelta(days=days_ago), **fields)
        db.session.commit()


def test_the_features_mark_sign_ins_clicks_and_profile_saves_passive(app):
    with app.app_context():
        assert set(PASSIVE) <= registry().passive_verbs
        assert registry().passive_verbs <= registry().verbs


def test_a_feature_cannot_mark_passive_a_verb_it_does_not_declare():
    with pytest.raises(
        ValueError, match=r"feature 'probe' marks \['waved_at'\] passive without declaring them"
    ):
        Registry().add(Feature("probe", verbs=["nodded"], passive_verbs=["waved_at"]))


def test_active_people_are_those_who_did_something_themselves(app, make_user):
    doer, passive_only, gone, old = (make_user() for _ in range(4))
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
    log(app, doer.id, "content_shared", days_ago=1)
    for verb in PASSIVE:
        log(app, passive_only.id, verb, days_ago=1)
    log(app, gone.id, "content_shared", days_ago=1)  # deactivated since: not among "colleagues"
    log(app, old.id, "content_shared", days_ago=8)
    with app.app_context():
        assert active_people_count(utcnow() - timedelta(days=7)) == 1
        pulse = programme_pulse()
        assert (pulse["active"], pulse["people"]) == (1, 3)


def test_a_feature_plugged_in_later_declares_its_own_passive_verbs(app, make_user):
    person = make_user()
    with app.app_context():
        registry().add(Feature("probe", verbs=["waved_at", "was_waved_at"], passive_verbs=["was_waved_at"]))
    log(app, person.id, "was_waved_at")
    with app.app_context():
        assert active_people_count(utcnow() - timedelta(days=7)) == 0
    log(app, person.id, "waved_at")
    with app.app_context():
        assert active_people_count(utcnow() - timedelta(days=7)) == 1


def test_progress_counts_the_person_own_actions_only(app, make_user):
    me, colleague = make_user(), make_user()
    log(app, me.id, "content_shared", days_ago=1)
    log(app, me.id, "content_liked", days_ago=2)
    log(app, me.id, "suggestion_submitted", days_ago=20)
    for verb in PASSIVE:
        log(app, me.id, verb)
    log(app, colleague.id, "content_shared")
    with app.app_context():
        progress = progress_reading().read(progress_parameters(me.id, utcnow()))
    assert (progress.this_week, progress.total) == (2, 3)
    assert [entry.verb for entry in progress.recent] == [
        "content_shared",
        "content_liked",
        "suggestion_submitted",
    ]


def test_the_latest_actions_come_newest_first_whatever_order_the_rows_come_in(app, make_user):
    """Read with others (``read_together``), a reading's rows come in no particular order: the
    progress puts them newest first, the later recorded first at the same moment."""
    me = make_user()
    moment = utcnow() - timedelta(hours=1)
    with app.app_context():
        person = db.session.get(User, me.id)
        record(person, "kudos_sent", at=moment - timedelta(hours=1))
        record(person, "content_liked", at=moment)
        record(person, "content_shared", at=moment)
        db.session.commit()
        reading, parameters = progress_reading(), progress_parameters(me.id, utcnow())
        rows = [list(row) for row in column_rows(reading.statement(), parameters)]
        for arrived in (rows, rows[::-1], sorted(rows, key=lambda row: row[0])):  # the last by verb
            progress = reading.meaning(arrived, parameters)
            assert [entry.verb for entry in progress.recent] == [
                "content_shared",
                "content_liked",
                "kudos_sent",
            ]


def kept_and_logged_counts(person_id: int) -> tuple[dict, dict]:
    """The person's counts per verb as ``record`` keeps them, and as the log's entries say."""
    kept = db.session.execute(
        sa.select(ActionCount.verb, ActionCount.entries).where(ActionCount.user_id == person_id)
    )
    logged = db.session.execute(
        sa.select(Activity.verb, sa.func.count()).where(Activity.user_id == person_id).group_by(Activity.verb)
    )
    return dict(kept.all()), dict(logged.all())


def test_the_total_is_kept_per_verb_so_a_verb_declared_passive_later_leaves_it_right(app, make_user):
    """The total reads the counts ``record`` keeps (not the person's whole history): they follow
    the log verb by verb, and a verb a feature declares passive later drops out of the total."""
    me = make_user()
    for verb in ["content_shared", "content_shared", "nodded", "signed_in"]:
        log(app, me.id, verb, days_ago=10)
    with app.app_context():
        kept, logged = kept_and_logged_counts(me.id)
        assert kept == logged == {"content_shared": 2, "nodded": 1, "signed_in": 1}
        assert progress_reading().read(progress_parameters(me.id, utcnow())).total == 3
        registry().add(Feature("probe", verbs=["nodded"], passive_verbs=["nodded"]))
        progress = progress_reading().read(progress_parameters(me.id, utcnow()))
    assert (progress.this_week, progress.total) == (0, 2)
    assert [entry.verb for entry in progress.recent] == ["content_shared", "content_shared"]


@pytest.mark.postgres_only
def test_actions_recorded_at_the_same_instant_are_all_counted(app, make_user):
    """Twelve actions of one person committed at once: the kept count is twelve, like the log."""
    assert ON_POSTGRES
    person = make_user().id

    def like(_number: int) -> None:
        record(db.session.get(User, person), "content_liked")
        db.session.commit()

    assert at_the_same_time(app, like, 12) == []
    with app.app_context():
        assert kept_and_logged_counts(person) == ({"content_liked": 12}, {"content_liked": 12})


def test_employee_home_shows_their_progress_not_the_programme_rate(
    app, client, signed_in, make_user, make_item
):
    me = signed_in(language="en")
    item_id = make_item(title="Our new office")
    log(app, me.id, "content_shared", days_ago=1, object_type="content", object_id=item_id)
    log(app, me.id, "quiz_completed", days_ago=30)
    log(app, me.id, "click_received", object_type="content", object_id=item_id)
    for _ in range(5):  # colleagues' activity is theirs, not mine
        log(app, make_user().id, "content_liked")
    page = text(client.get("/"))
    assert "colleagues took part" not in page and "The programme this week" not in page
    progress = page[page.index("Your progress") : page.index("Your recognition")]
    assert "Your progress 1 action in the last 7 days 2 since you joined Recently" in words(progress)
    assert f'Shared:</strong>\n        <a href="/content/{item_id}" lang="fr">Our new office</a>' in progress
    assert progress.count("<li>") == 2  # the click on my link is not something I did
    assert "Quiz taken" in progress


def test_a_newcomer_is_invited_to_a_first_step(client, signed_in):
    signed_in(language="en")
    page = text(client.get("/"))
    assert "Nothing yet: your first share, reaction or event will show here." in page
    assert 'href="/feed">Find something to share</a>' in page


def test_home_progress_query_count_does_not_grow_with_the_log(
    app, client, signed_in, count_queries, make_item
):
    me = signed_in()
    item_id = make_item()
    log(app, me.id, "content_shared", object_type="content", object_id=item_id)

    def much_more_activity():
        for day in range(40):
            log(app, me.id, "content_liked", days_ago=day / 3, object_type="content", object_id=item_id)

    before, after = queries_before_and_after(client, count_queries, "/", much_more_activity)
    assert before == after


def test_home_reads_what_each_recent_action_was_about_with_the_actions(
    app, make_user, make_item, make_event, count_queries
):
    """One statement for the progress card: the counts, the latest actions and the name and
    language of what each was about (an item, an event, a colleague)."""
    me, colleague = make_user(), make_user(display_name="Ada Lovelace")
    item, event = make_item(title="Notre usine", language="fr"), make_event(title="Photo walk", language="en")
    log(app, me.id, "content_shared", days_ago=0.3, object_type="content", object_id=item)
    log(app, me.id, "event_registered", days_ago=0.2, object_type="event", object_id=event)
    log(app, me.id, "kudos_sent", days_ago=0.1, object_type="user", object_id=colleague.id)
    with app.test_request_context(), count_queries() as counter:
        progress = home_progress(PROGRESS.read(progress_parameters(me.id, utcnow())))
    assert counter.count == 1
    assert [(step.about, step.language) for step in progress.recent] == [
        ("Ada Lovelace", None),
        ("Photo walk", "en"),
        ("Notre usine", "fr"),
    ]


def test_the_drawn_progress_card_follows_each_change_of_what_it_shows(
    app, client, signed_in, make_item, make_user
):
    """The card is drawn once per state: a renamed item, a new action, the counts, the
    language and the time zone each show at once."""
    me = signed_in(language="en", timezone="Europe/Paris")
    item = make_item(title="Our new office", language="en")
    log(app, me.id, "content_shared", days_ago=2, object_type="content", object_id=item)

    def card() -> str:
        page = text(client.get("/"))
        return words(page[page.index("Your progress") : page.index("Your recognition")])

    assert "1 action in the last 7 days" in card() and "Shared: Our new office" in card()
    with app.app_context():
        db.session.get(ContentItem, item).title = "Our bigger office"
        db.session.commit()
    assert "Shared: Our bigger office" in card()
    log(app, me.id, "kudos_sent", object_type="user", object_id=make_user(display_name="Ada Lovelace").id)
    assert "2 actions in the last 7 days" in card() and "Ada Lovelace" in card()
    in_paris = card()
    with app.app_context():
        db.session.get(User, me.id).timezone = "America/New_York"  # six hours behind Paris
        db.session.commit()
    assert card() != in_paris
    post(client, "/language", {"language": "fr"})
    page = text(client.get("/"))
    assert "Partagé" in page and "Shared:" not in page


def test_the_console_keeps_the_programme_figures(app, client, signed_in, make_user):
    signed_in(Role.COMMS, language="en")
    log(app, make_user().id, "content_shared")
    page = text(client.get("/admin/"))
    assert "1 of 2 colleagues took part in the last 7 days." in page  # the doer, of the doer and the reader
    assert "Signing in and clicks on their links do not count." in page


def test_percentages_follow_the_reader_language_on_every_render(app, client, signed_in):
    """Jinja computes a filter on a constant once, at compile time: the first reader's
    language must not stick ("1 %" in English)."""
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ 0.01|percentformat }} {{ 1234|numberformat }}")
        with force_locale("fr"):
            assert template.render() == "1\u00a0% 1\u202f234"
        with force_locale("en"):
            assert template.render() == "1% 1,234"
    signed_in(Role.COMMS, language="fr")
    french = client.get("/admin/").get_data(as_text=True)
    assert "1\u00a0% des gens créent" in french
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    english = client.get("/admin/").get_data(as_text=True)
    assert "Left alone, 1% of people create, 9% react and 90% only watch." in english
    assert "\u00a0%" not in english


def test_time_attributes_carry_whole_seconds(app, client, signed_in, make_user):
    """A <time datetime> with microseconds is invalid HTML (the validator allows three digits)."""
    me, colleague = signed_in(Role.ADMIN, language="en"), make_user()
    log(app, me.id, "content_liked")
    with app.app_context():
        admin = db.session.get(User, me.id)
        notify(admin, "welcome", {"name": "Ada"})
        record(admin, "role_changed", "user", colleague.id, {"from": "employee", "to": "comms"})
        db.session.commit()
    for path in ["/", "/notifications", "/admin/"]:
        page = client.get(path).get_data(as_text=True)
        moments = re.findall(r'<time[^>]* datetime="([^"]+)"', page)
        assert moments, path
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", moment) for moment in moments), (
            moments
        )
