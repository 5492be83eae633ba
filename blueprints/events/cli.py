import click
from flask import current_app
from flask.cli import AppGroup

from blueprints.events.services import send_reminders

events_cli = AppGroup("events", help="Event jobs.")


@events_cli.command("remind")
def remind():
    """Remind confirmed people of events starting within 24 hours (run it from cron, e.g. every 15 minutes)."""
    base = current_app.config["SITE_URL"]
    with current_app.test_request_context(base_url=base):  # links in notifications need a request's URL map
        click.echo(f"{send_reminders()} reminder(s) sent.")
