import click
from flask.cli import AppGroup

from blueprints.challenges.closing import run

challenges_cli = AppGroup("challenges", help="Challenge jobs.")


@challenges_cli.command("close")
def close_command():
    """Close the challenges that ended (winners, badges, rewards, the result told) and send the
    progress notifications of running ones; idempotent, catches up however late (run it from cron,
    e.g. every 15 minutes)."""
    for line in run().report():
        click.echo(line)
