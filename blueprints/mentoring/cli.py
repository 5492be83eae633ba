import click
from flask.cli import AppGroup

from blueprints.mentoring.services import expire_overdue

mentoring_cli = AppGroup("mentoring", help="Mentoring jobs.")


@mentoring_cli.command("expire")
def expire():
    """Expire mentoring requests nobody answered in time (run it from cron, e.g. hourly)."""
    click.echo(f"{expire_overdue()} request(s) expired.")
