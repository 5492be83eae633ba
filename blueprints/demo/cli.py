import click
from flask import current_app
from flask.cli import with_appcontext

from blueprints.demo.seed import database_is_empty, seed_demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has people.")
@with_appcontext
def seed_demo_command(if_empty):
    """Fill the database with the demo company (demo mode only)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("seed-demo fills a demo site: set DEMO_MODE=1 first.")
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has people: demo data not added.")
            return
        raise click.ClickException("The database is not empty: seed-demo only fills an empty one.")
    created = seed_demo()
    click.echo(f"Demo company created: {created['people']} people, {created['activities']} activities.")
    click.echo("Sign in as admin@example.com, comms@example.com or employee@example.com, password: demo")
