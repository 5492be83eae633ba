import click
from flask.cli import AppGroup

from blueprints.recognition.services import sync

points_cli = AppGroup("points", help="Points, badges and streaks.")


@points_cli.command("sync")
def sync_command():
    """Add the points, badges and streaks the activity log calls for (idempotent; run it from cron)."""
    outcome = sync()
    click.echo(
        f"{outcome.entries} ledger entries, {outcome.badges} badge(s), {outcome.jobs} highlight(s) added."
    )
