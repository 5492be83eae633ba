import click
from flask.cli import AppGroup

from blueprints.notifications.services import send_digests

notifications_cli = AppGroup("notifications", help="Notification jobs.")


@notifications_cli.command("digest")
def digest():
    """E-mail unread notifications (run it from cron; does nothing without SMTP)."""
    click.echo(f"{send_digests()} digest(s) sent.")
