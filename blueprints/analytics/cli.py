import click
from flask.cli import AppGroup

from blueprints.analytics.rollups import refresh

analytics_cli = AppGroup("analytics", help="Programme analytics: the weekly roll-ups.")


@analytics_cli.command("refresh")
@click.option("--all", "all_weeks", is_flag=True, help="Rebuild every week, not only those that need it.")
def refresh_command(all_weeks: bool):
    """Rebuild the weekly roll-ups: the current and previous weeks and any week not built yet
    (idempotent; `flask points sync` runs it too)."""
    click.echo(f"{refresh(all_weeks=all_weeks)} week(s) rebuilt.")
