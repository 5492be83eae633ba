"""The console home and account administration, with its audit trail."""

import re
import threading
import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from base.cache import cache
from base.database import db
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.models import Activity
from blueprints.admin.rows import person_key
from blueprints.admin.services import AUDIT_TRAIL, ROLE_COUNTS, add_person
from blueprints.auth import services
from blueprints.auth.services import AccountError, NewPerson
from blueprints.notifications.models import Notification
from tests.conftest import Auth, post, queries_before_and_after, text


def test_admin_changes_a_role_which_is_audited_and_notified(app, client, signed_in, make_user):
    admin = signed_in(Role.ADMIN, display_name="Ada Admin")
    target = make_user(display_name="Tom Target")
    response = post(
        client, f"/admin/users/{target.id}/role", {"role": "comms", "next": "/admin/users?page=1"}
    )
    assert response.headers["Location"] == "/admin/users?page=1"
    with app.app_context():
        assert db.session.get(User, target.id).role == Role.COMMS
        entry = db.session.scalar(sa.select(Activity).where(Activity.verb == "role_changed"))
        assert (entry.user_id, entry.object_id, entry.payload) == (
            admin.id,
            target.id,
            {"from": "employee", "to": "comms"},
        )
        assert (
            db.session.scalar(sa.select(Notification.kind).where(Notification.user_id == target.id))
            == "role_changed"
        )
    page = client.get("/admin/").get_data(as_text=True)
    assert "a donné le rôle Équipe comm à Tom Target" in page


def test_the_audit_trail_shows_a_new_action_at_once(client, signed_in, make_user):
    signed_in(Role.ADMIN, display_name="Ada Admin")
    target = make_user(display_name="Tom Target")
    assert "Tom Target" not in text(client.get("/admin/"))  # the trail is drawn, and kept
    post(client, f"/admin/users/{target.id}/active", {"active": "0"})
    assert "Tom Target" in text(client.get("/admin/"))


def role_counts(client) -> dict[str, int]:
    """The console home's "people by role" table: each role's label and count."""
    page = text(client.get("/admin/"))
    table = page[page.index('id="roles-title"') :]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td></tr>", table)
    return {label: int(count) for label, count in rows}


def test_people_by_role_follow_every_change_made_in_the_console(client, signed_in, make_user):
    signed_in(Role.ADMIN)
    target = make_user()
    assert role_counts(client) == {"Collaborateur·rice": 1, "Équipe comm": 0, "Administrateur·rice": 1}
    post(client, f"/admin/users/{target.id}/role", {"role": "comms"})
    assert role_counts(client) == {"Collaborateur·rice": 0, "Équipe comm": 1, "Administrateur·rice": 1}
    post(client, f"/admin/users/{target.id}/active", {"active": "0"})
    assert role_counts(client) == {"Collaborateur·rice": 0, "Équipe comm": 0, "Administrateur·rice": 1}
    new = {
        "email": "nina@example.com",
        "display_name": "Nina Perrin",
        "role": "employee",
        "language": "fr",
        "password": "",
    }
    post(client, "/admin/users/new", new)
    assert role_counts(client) == {"Collaborateur·rice": 1, "Équipe comm": 0, "Administrateur·rice": 1}


def test_people_by_role_count_an_account_opened_outside_the_console_at_once(app, client, signed_in):
    signed_in(Role.ADMIN)
    assert role_counts(client)["Collaborateur·rice"] == 0
    with app.app_context():
        services.trusted_sign_in("sso.newcomer@example.com")  # single sign-on opens the account
    assert role_counts(client)["Collaborateur·rice"] == 1


def test_admin_cannot_demote_or_deactivate_themselves(app, client, signed_in):
    admin = signed_in(Role.ADMIN)
    post(client, f"/admin/users/{admin.id}/role", {"role": "employee"})
    post(client, f"/admin/users/{admin.id}/active", {"active": "0"})
    with app.app_context():
        user = db.session.get(User, admin.id)
        assert (user.role, user.active) == (Role.ADMIN, True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in client.get("/admin/users").get_data(
        as_text=True
    )


def test_forged_role_is_refused(app, client, signed_in, make_user):
    signed_in(Role.ADMIN)
    target = make_user()
    assert post(client, f"/admin/users/{target.id}/role", {"role": "emperor"}).status_code == 400
    assert post(client, "/admin/users/999999/role", {"role": "comms"}).status_code == 404


def test_deactivated_person_is_signed_out_everywhere(app, client, signed_in, make_user):
    signed_in(Role.ADMIN)
    target = make_user()
    their_client = app.test_client()
    Auth(their_client).login(target.email)
    assert their_client.get("/").status_code == 200
    post(client, f"/admin/users/{target.id}/active", {"active": "0"})
    assert their_client.get("/").headers["Location"] == "/login?next=/"
    post(client, f"/admin/users/{target.id}/active", {"active": "1"})
    with app.app_context():
        verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.object_id == target.id)).all()
        assert verbs == ["account_deactivated", "account_reactivated"]


def test_admin_creates_an_account_with_a_generated_password(app, client, signed_in):
    admin = signed_in(Role.ADMIN)
    data = {
        "display_name": "Nina Perrin",
        "email": "nina@lumen.example",
        "role": "employee",
        "department": "Finance",
        "site": "Nantes",
        "language": "en",
        "password": "",
    }
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 200
    page = text(response)
    assert "Compte créé pour nina@lumen.example." in page
    password = re.search(r"<code>([^<]+)</code>", page).group(1)
    with client.session_transaction() as session:
        assert password not in str(dict(session))  # never in the session cookie
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "nina@lumen.example"))
        assert user.check_password(password)
        assert (user.display_name, user.role, user.department.name, user.site.name, user.language) == (
            "Nina Perrin",
            Role.EMPLOYEE,
            "Finance",
            "Nantes",
            "en",
        )
        entry = db.session.scalar(sa.select(Activity).where(Activity.verb == "user_created"))
        assert (entry.user_id, entry.object_id) == (admin.id, user.id)
    assert "a créé le compte de Nina Perrin" in text(client.get("/admin/"))


def test_admin_creates_an_account_with_the_password_given(app, client, signed_in):
    signed_in(Role.ADMIN)
    data = {"display_name": "Noé", "email": "noe@lumen.example", "role": "comms", "language": "fr"}
    response = post(client, "/admin/users/new", {**data, "password": "chosen with care"})
    assert response.headers["Location"] == "/admin/users"
    assert "Compte créé pour noe@lumen.example." in text(client.get("/admin/users"))
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "noe@lumen.example"))
        assert (user.role, user.department, user.site) == (Role.COMMS, None, None)
        assert user.check_password("chosen with care")


def test_admin_create_refuses_a_duplicate_and_creates_nothing(app, client, signed_in, make_user):
    signed_in(Role.ADMIN)
    existing = make_user()
    data = {
        "display_name": "Dup",
        "email": existing.email,
        "role": "employee",
        "language": "fr",
        "department": "New department",
        "site": "New site",
    }
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 422
    assert f"Un compte existe déjà pour {existing.email}." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_people_search_and_query_budget(app, client, signed_in, make_user, count_queries):
    signed_in(Role.ADMIN)
    for _ in range(30):
        make_user()
    before, after = queries_before_and_after(
        client, count_queries, "/admin/users", lambda: [make_user() for _ in range(60)]
    )
    assert before == after
    assert "91 personnes" in client.get("/admin/users").get_data(as_text=True)
    searched = client.get("/admin/users?q=person 12").get_data(as_text=True)
    assert "person12@example.com" in searched and "person13@example.com" not in searched


def test_console_home_query_budget_is_independent_of_data(app, client, signed_in, make_user, count_queries):
    signed_in(Role.COMMS)

    def queries_drawing_the_home() -> int:
        with app.app_context():  # counted afresh, not read from the shared cache
            for subject in (ROLE_COUNTS, AUDIT_TRAIL):
                cache.bump(subject)
        with count_queries() as counter:
            client.get("/admin/")
        return counter.count

    client.get("/admin/")  # the first page after sign-in also notes "last seen"
    before = queries_drawing_the_home()
    for _ in range(40):
        make_user()
    assert queries_drawing_the_home() == before


def add_with_department(app, admin_id: int, email: str, department: str, outcome: dict) -> None:
    """In a thread of its own, as a request would: an administrator adds a person."""
    with app.app_context():
        try:
            user, _ = add_person(
                db.session.get(User, admin_id), NewPerson(email, "New Person", department=department)
            )
            outcome[email] = user.department_id
        except Exception as error:  # reported by the test's assertion
            outcome[email] = error
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_a_new_department_created_meanwhile_by_another_transaction_is_reused(app, make_user):
    """The insert waits for the other transaction, which then commits the same name: the
    person is filed in that department, nothing fails."""
    admin = make_user(Role.ADMIN)
    outcome = {}
    thread = threading.Thread(
        target=add_with_department, args=(app, admin.id, "new@lumen.example", "Nouveau service", outcome)
    )
    with app.app_context():
        other = db.engine.connect()
        transaction = other.begin()
        try:
            other.execute(sa.insert(Department).values(name="Nouveau service"))  # not committed yet
            thread.start()
            waited = wait_for_a_lock_wait()
        finally:
            transaction.commit()
            other.close()
            thread.join(timeout=10)
        department = db.session.scalar(sa.select(Department).where(Department.name == "Nouveau service"))
        assert outcome == {"new@lumen.example": department.id}
        assert waited  # the thread's insert did wait for the other transaction
        assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 1


def wait_for_a_lock_wait(seconds: float = 20) -> bool:
    """Whether an insert of a department came to wait for a lock, within some seconds."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND datname = current_database() AND query LIKE 'INSERT INTO departments%'"
    )
    with db.engine.connect() as watcher:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            waiting = watcher.execute(query).scalar()
            watcher.rollback()  # the statistics views keep one snapshot per transaction
            if waiting:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.postgres_only
def test_people_added_at_once_with_the_same_new_department_all_get_it(app, make_user):
    admin = make_user(Role.ADMIN)
    outcome = {}
    emails = [f"twin{n}@lumen.example" for n in range(8)]
    barrier = threading.Barrier(len(emails))

    def add(email):
        barrier.wait()
        add_with_department(app, admin.id, email, "Innovation", outcome)

    threads = [threading.Thread(target=add, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    with app.app_context():
        department_id = db.session.scalar(sa.select(Department.id).where(Department.name == "Innovation"))
        assert outcome == dict.fromkeys(emails, department_id)
        assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 1


def test_a_department_made_for_a_refused_person_is_not_kept(app, make_user):
    admin = make_user(Role.ADMIN)
    taken = make_user()
    with app.app_context(), pytest.raises(AccountError):
        add_person(
            db.session.get(User, admin.id), NewPerson(taken.email, "Twin", department="Ghost", site="Nowhere")
        )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0


def person_row_of(page: str, email: str) -> str:
    rows = [row for row in re.findall(r"<tr[ >].*?</tr>", page, re.S) if f"<small>{email}</small>" in row]
    assert len(rows) == 1, email
    return rows[0]


def test_people_rows_drawn_once_carry_each_admins_token_and_page_and_follow_each_change(app, make_user):
    person = make_user(display_name="Ada Lovelace", email="ada@example.com")
    admins = []
    for email in ["first-admin@example.com", "second-admin@example.com"]:
        make_user(Role.ADMIN, email=email, language="en")
        browser = app.test_client()
        Auth(browser).login(email)
        admins.append(browser)
    first = person_row_of(text(admins[0].get("/admin/users")), "ada@example.com")
    second = person_row_of(text(admins[1].get("/admin/users?q=ada")), "ada@example.com")
    tokens = [set(re.findall(r'name="csrf_token" value="([^".]+)', row)) for row in (first, second)]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    assert 'name="next" value="/admin/users"' in first and 'name="next" value="/admin/users?q=ada"' in second
    assert "Deactivate<span" in first and '<option value="employee" selected>' in first
    post(admins[0], f"/admin/users/{person.id}/role", {"role": "comms", "next": "/admin/users"})
    post(admins[0], f"/admin/users/{person.id}/active", {"active": "0", "next": "/admin/users"})
    with app.app_context():
        db.session.add(Department(name="Ventes", name_en="Sales"))
        db.session.flush()
        db.session.get(User, person.id).department_id = db.session.scalar(sa.select(Department.id))
        db.session.commit()
    changed = person_row_of(text(admins[1].get("/admin/users")), "ada@example.com")
    assert '<option value="comms" selected>' in changed and "Reactivate<span" in changed
    assert "<td>Sales</td>" in changed and 'class="is-inactive"' in changed
    own = person_row_of(text(admins[0].get("/admin/users")), "first-admin@example.com")
    assert "<form" not in own and re.search(r">\s*You\s*<", own)  # one's own row: no forms


def test_a_person_rows_key_changes_with_everything_the_row_shows(app, make_user):
    person_id = make_user(display_name="Ada Lovelace", email="ada@example.com").id
    with app.test_request_context("/admin/users", headers={"Accept-Language": "en"}):
        db.session.add_all([Department(name="Ventes", name_en="Sales"), Site(name="Lyon")])
        db.session.flush()
        person = db.session.get(User, person_id)
        key = person_key(person, is_self=False)
        assert person_key(person, is_self=True) != key
        for name, value in [
            ("display_name", "Ada King"),
            ("email", "ada.king@example.com"),
            ("active", False),
            ("role", Role.COMMS),
            ("department", db.session.scalar(sa.select(Department))),
            ("site", db.session.scalar(sa.select(Site))),
        ]:
            before = getattr(person, name)
            setattr(person, name, value)
            assert person_key(person, is_self=False) != key, name
            setattr(person, name, before)
        assert person_key(person, is_self=False) == key
        with force_locale("fr"):
            assert person_key(person, is_self=False) != key
