import click
from flask.cli import AppGroup

from blueprints.analytics.rollups import refresh
from blueprints.analytics.summary import send_summaries

analytics_cli = AppGroup("analytics", help="Programme analytics: the weekly roll-ups.")


@analytics_cli.command("refresh")
@click.option("--all", "all_weeks", is_flag=True, help="Rebuild every week, not only those that need it.")
def refresh_command(all_weeks: bool):
    """Rebuild the weekly roll-ups: the current and previous weeks and any week not built yet
    (idempotent; `flask points sync` runs it too)."""
    click.echo(f"{refresh(all_weeks=all_weeks)} week(s) rebuilt.")


@analytics_cli.command("email")
def email_command():
    """E-mail the week's summary to the comms team and administrators (cron, Monday morning;
    once per person and week; nothing without SMTP)."""
    click.echo(f"{send_summaries()} summary e-mail(s) sent.")
