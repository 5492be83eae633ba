"""/me: a person's own profile and password."""

import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Department, Site, User
from blueprints.activity.models import Activity
from tests.conftest import PASSWORD, post, text


def add_department_and_site(app) -> tuple[int, int]:
    with app.app_context():
        department, site = Department(name="Marketing"), Site(name="Lyon")
        db.session.add_all([department, site])
        db.session.commit()
        return department.id, site.id


def profile_data(**changes) -> dict:
    data = {
        "display_name": "Zoé Martin",
        "department_id": "0",
        "site_id": "0",
        "language": "fr",
        "timezone": "Europe/Paris",
    }
    data.update(changes)
    return {f"profile-{name}": value for name, value in data.items()}


def test_profile_is_saved_and_logged(app, client, signed_in):
    person = signed_in()
    department_id, site_id = add_department_and_site(app)
    data = profile_data(
        department_id=department_id, site_id=site_id, language="en", timezone="America/Toronto"
    )
    response = post(client, "/me", data)
    assert response.headers["Location"] == "/me"
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.display_name, user.department_id, user.site_id) == ("Zoé Martin", department_id, site_id)
        assert (user.language, user.timezone) == ("en", "America/Toronto")
        verbs = db.session.scalars(sa.select(Activity.verb).where(Activity.user_id == person.id)).all()
        assert sorted(verbs) == ["profile_updated", "signed_in"]
    assert "Your profile is saved." in client.get("/me").get_data(as_text=True)


def test_bad_input_changes_nothing_and_says_why(app, client, signed_in):
    person = signed_in(display_name="Before")
    for data in [
        profile_data(timezone="Mars/Olympus"),
        profile_data(display_name=""),
        profile_data(department_id="999"),
    ]:
        response = post(client, "/me", data)
        assert response.status_code == 422
        assert 'class="field-error"' in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.display_name, user.timezone) == ("Before", None)


def test_profile_page_shows_the_person_and_escapes_their_name(client, signed_in):
    signed_in(display_name="<b>Bold</b> Name")
    page = client.get("/me").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in page
    assert "<b>Bold</b>" not in page


def test_password_change_needs_the_current_password(app, client, auth, signed_in):
    person = signed_in()
    wrong = post(
        client,
        "/me/password",
        {
            "password-current_password": "nope",
            "password-new_password": "new secret 1",
            "password-confirm": "new secret 1",
        },
    )
    assert wrong.status_code == 422
    assert "Ce n'est pas votre mot de passe actuel." in text(wrong)
    right = post(
        client,
        "/me/password",
        {
            "password-current_password": PASSWORD,
            "password-new_password": "new secret 1",
            "password-confirm": "new secret 1",
        },
    )
    assert right.headers["Location"] == "/me"
    auth.logout()
    assert auth.login(person.email, PASSWORD).status_code == 200
    assert auth.login(person.email, "new secret 1").status_code == 302
