"""Services are user actions run without a request: each commits its own work, or refuses
with a translated reason and leaves nothing behind. Called here in a plain app context."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Department, Role, Site, User
from blueprints.activity.models import Activity
from blueprints.admin.services import add_person
from blueprints.auth import services as auth
from blueprints.core.services import database_reachable, discard_unfinished_work
from blueprints.profile.services import set_language
from blueprints.quiz.models import QuizResult
from blueprints.quiz.questions import QUESTIONS
from blueprints.quiz.services import QuizError, complete_quiz
from tests.conftest import PASSWORD

ANSWERS = {q.key: (["linkedin"] if q.multiple else q.options[0].key) for q in QUESTIONS}


def count(app, model) -> int:
    """Rows as another connection sees them: what a service committed, not what it left pending."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def verbs(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Activity.verb).order_by(Activity.id)))


class TestSignIn:
    def test_logs_the_sign_in(self, app, make_user):
        person = make_user()
        with app.app_context():
            assert auth.sign_in(person.email.upper(), PASSWORD).id == person.id
        assert verbs(app) == ["signed_in"]

    def test_refuses_wrong_credentials_with_a_reason_and_writes_nothing(self, app, make_user):
        person = make_user()
        with app.app_context():
            with pytest.raises(auth.AccountError) as refusal:
                auth.sign_in(person.email, "wrong password")
            assert str(refusal.value) == "Adresse e-mail ou mot de passe incorrect."  # the default language
        assert verbs(app) == []

    def test_single_sign_on_creates_the_account_once(self, app):
        with app.app_context():
            first = auth.trusted_sign_in("lou.martin@lumen.example")
            assert (first.display_name, first.role) == ("Lou Martin", Role.EMPLOYEE)
        with app.app_context():
            assert auth.trusted_sign_in("lou.martin@lumen.example").id == first.id
        assert count(app, User) == 1
        assert verbs(app) == ["signed_up", "signed_in", "signed_in"]

    @pytest.mark.parametrize("email", ["admin", "gone@lumen.example"])
    def test_single_sign_on_refuses_a_bad_header_or_a_deactivated_account(self, app, make_user, email):
        make_user(email="gone@lumen.example", active=False)
        with app.app_context(), pytest.raises(auth.AccountError):
            auth.trusted_sign_in(email)
        assert (count(app, User), verbs(app)) == (1, [])

    def test_last_seen_is_written_at_most_every_few_minutes(self, app, make_user):
        person = make_user()
        noon = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
        for moment, expected in [
            (noon, noon),
            (noon + timedelta(minutes=4), noon),
            (noon + timedelta(minutes=6), noon + timedelta(minutes=6)),
        ]:
            with app.app_context():
                auth.note_last_seen(db.session.get(User, person.id), moment)
            with app.app_context():
                assert db.session.get(User, person.id).last_seen_at == expected


class TestSignUp:
    def test_creates_an_employee_account_at_an_allowed_domain(self, make_app):
        app = make_app(ALLOWED_SIGNUP_DOMAINS=["lumen.example"])
        with app.app_context():
            user = auth.sign_up("Sam@Lumen.example", " Sam Lee ", "a long password", language="en")
            assert (user.email, user.display_name, user.language) == ("sam@lumen.example", "Sam Lee", "en")
        assert verbs(app) == ["signed_up"]

    def test_refuses_another_domain(self, make_app):
        app = make_app(ALLOWED_SIGNUP_DOMAINS=["lumen.example", "lumen-group.example"])
        with app.app_context():
            with pytest.raises(auth.AccountError) as refusal:
                auth.sign_up("sam@gmail.example", "Sam", "a long password", language="fr")
            expected = "L'inscription est réservée aux adresses en lumen.example, lumen-group.example."
            assert str(refusal.value) == expected
        assert count(app, User) == 0


class TestAddPerson:
    def test_generates_a_password_to_hand_over_when_none_is_given(self, app, make_user):
        admin = make_user(Role.ADMIN)
        new = auth.NewPerson("nina@lumen.example", "Nina Perrin", department="Finance", site="Nantes")
        with app.app_context():
            user, password = add_person(db.session.get(User, admin.id), new)
            user_id = user.id
        with app.app_context():
            stored = db.session.get(User, user_id)
            assert stored.check_password(password)
            assert (stored.department.name, stored.site.name) == ("Finance", "Nantes")
            entry = db.session.scalar(sa.select(Activity).where(Activity.verb == "user_created"))
            assert (entry.user_id, entry.object_id) == (admin.id, user_id)

    def test_keeps_the_password_given(self, app, make_user):
        admin = make_user(Role.ADMIN)
        with app.app_context():
            actor = db.session.get(User, admin.id)
            user, generated = add_person(
                actor, auth.NewPerson("noe@lumen.example", "Noé", "chosen with care")
            )
            assert generated is None
            assert user.check_password("chosen with care")

    def test_a_taken_address_leaves_nothing_behind(self, app, make_user):
        admin = make_user(Role.ADMIN)
        new = auth.NewPerson(admin.email, "Twin", department="New department", site="New site")
        with app.app_context():
            with pytest.raises(auth.AccountError) as refusal:
                add_person(db.session.get(User, admin.id), new)
            assert str(refusal.value) == f"Un compte existe déjà pour {admin.email}."
            # Not even pending in this session: the department and site it added are rolled back.
            assert db.session.scalars(sa.select(Department.name).union(sa.select(Site.name))).all() == []
        assert (count(app, Department), count(app, Site), count(app, User)) == (0, 0, 1)


def test_language_is_remembered_on_the_account(app, make_user):
    person = make_user(language="fr")
    with app.app_context():
        set_language(db.session.get(User, person.id), "en")
    with app.app_context():
        assert db.session.get(User, person.id).language == "en"


class TestCompleteQuiz:
    def test_stores_the_result_once_per_attempt(self, app, make_user):
        person = make_user()
        with app.app_context():
            first = complete_quiz(db.session.get(User, person.id), ANSWERS, "attempt-1").id
        with app.app_context():  # the same attempt submitted again: the stored result
            assert complete_quiz(db.session.get(User, person.id), ANSWERS, "attempt-1").id == first
        assert count(app, QuizResult) == 1
        assert verbs(app) == ["quiz_completed"]

    def test_refuses_an_unfinished_quiz_and_stores_nothing(self, app, make_user):
        person = make_user()
        unfinished = {key: value for key, value in ANSWERS.items() if key != "networks"}
        with app.app_context(), pytest.raises(QuizError):
            complete_quiz(db.session.get(User, person.id), unfinished, "attempt-1")
        assert (count(app, QuizResult), verbs(app)) == (0, [])


def test_health_check_and_recovery_after_a_failed_write(app, make_user):
    person = make_user()
    with app.app_context():
        assert database_reachable()
        db.session.add(User(email=person.email, display_name="Twin"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        discard_unfinished_work()
        assert database_reachable()
        assert db.session.get(User, person.id).email == person.email
