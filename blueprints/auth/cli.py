"""``flask users create`` and ``flask users import``."""

import sys

import click
from flask.cli import AppGroup

from blueprints.accounts.models import Role
from blueprints.auth import services

users_cli = AppGroup("users", help="Create and import accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.EMPLOYEE.value)
@click.option("--department", default="", help="Department name (created if new).")
@click.option("--site", default="", help="Site name (created if new).")
@click.option("--language", type=click.Choice(["fr", "en"]), default=None)
@click.password_option(help="Asked for when not given.")
def create(email, name, role, department, site, language, password):
    """Create one account."""
    new = services.NewPerson(
        email, name, password, role=Role(role), language=language, department=department, site=site
    )
    try:
        user = services.create_account(new)
    except services.AccountError as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Created {user.email} ({role}).")


@users_cli.command("import")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
def import_csv(csv_file):
    """Create the accounts of a CSV file: all of them, or none if a row is wrong.

    Columns: email, display_name, and optionally role, department, site,
    language, password (generated and printed when empty).
    """
    report = services.import_users_csv(csv_file)
    if report.errors:
        for error in report.errors:
            click.echo(error, err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    for email, generated in report.created:
        click.echo(f"{email}\t{generated}" if generated else email)
    click.echo(f"{len(report.created)} account(s) created.")
