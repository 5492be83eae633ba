import click
from flask.cli import AppGroup

from blueprints.events.services import send_reminders

events_cli = AppGroup("events", help="Event jobs.")


@events_cli.command("remind")
def remind():
    """Remind confirmed people of events starting within 24 hours (run it from cron, e.g. every 15 minutes)."""
    click.echo(f"{send_reminders()} reminder(s) sent.")
