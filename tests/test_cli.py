"""Command-line tools: accounts one by one, CSV import, demo seed."""

import sqlalchemy as sa

from base.database import db
from blueprints.accounts.models import Department, Role, Site, User
from tests.conftest import plain


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_users_create(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Lea@Lumen.example",
            "--name",
            "Léa Dubois",
            "--role",
            "comms",
            "--department",
            "Marketing",
            "--password",
            "long enough",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created lea@lumen.example (comms).\n"
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.email, user.display_name, user.role, user.department.name, user.site) == (
            "lea@lumen.example",
            "Léa Dubois",
            Role.COMMS,
            "Marketing",
            None,
        )
        assert user.check_password("long enough")


def test_users_create_refuses_a_short_password_and_a_duplicate(app, runner, make_user):
    short = runner.invoke(args=["users", "create", "a@lumen.example", "--name", "A", "--password", "short"])
    assert short.exit_code == 1
    assert "Choisissez un mot de passe d'au moins 8 caractères." in plain(short.output)
    existing = make_user()
    duplicate = runner.invoke(
        args=["users", "create", existing.email, "--name", "B", "--password", "long enough", "--site", "Lyon"]
    )
    assert duplicate.exit_code == 1
    assert f"Un compte existe déjà pour {existing.email}." in plain(duplicate.output)
    assert count(app, User) == 1
    assert count(app, Site) == 0


def test_import_creates_every_account(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,display_name,role,department,site,language,password\n"
        "hugo@lumen.example,Hugo Bernard,employee,R&D,Paris,fr,\n"
        "amelia@lumen.example,Amelia Jones,comms,Marketing,London,en,a fine password\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 account(s) created." in plain(result.output)
    generated = next(line for line in plain(result.output).splitlines() if line.startswith("hugo@"))
    with app.app_context():
        hugo = db.session.scalar(sa.select(User).where(User.email == "hugo@lumen.example"))
        assert hugo.check_password(generated.split("\t")[1])
        amelia = db.session.scalar(sa.select(User).where(User.email == "amelia@lumen.example"))
        assert (amelia.role, amelia.language, amelia.site.name) == (Role.COMMS, "en", "London")


def test_import_with_a_bad_row_reports_its_line_and_imports_nothing(app, runner, tmp_path, make_user):
    existing = make_user(email="taken@lumen.example")
    path = tmp_path / "people.csv"
    path.write_text(
        "email,display_name,role,department\n"
        "ok@lumen.example,Fine Person,employee,Nouveau service\n"
        "not-an-email,Someone,employee,\n"
        "ok@lumen.example,Twice,employee,\n"
        f"{existing.email},Taken,employee,\n"
        "new@lumen.example,New,boss,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "ligne 3 : not-an-email n'est pas une adresse e-mail valide" in plain(result.output)
    assert "ligne 4 : ok@lumen.example figure deux fois dans le fichier" in plain(result.output)
    assert "ligne 5 : un compte existe déjà pour taken@lumen.example" in plain(result.output)
    assert "ligne 6 : rôle inconnu boss" in plain(result.output)
    assert "ligne 2" not in plain(result.output)
    assert count(app, User) == 1
    assert count(app, Department) == 0


def test_import_without_required_columns(runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("mail,name\nx@lumen.example,X\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "colonnes manquantes : display_name, email" in plain(result.output)
