"""Porte-voix application factory: ``flask --app app run``."""

import os

from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

import security
from blueprints.admin.routes import bp as admin_bp
from blueprints.auth.cli import users_cli
from blueprints.auth.routes import bp as auth_bp
from blueprints.content.console import bp as content_console_bp
from blueprints.content.routes import bp as content_bp
from blueprints.core.routes import bp as core_bp
from blueprints.core.routes import register_error_pages
from blueprints.demo.cli import seed_demo_command
from blueprints.events.cli import events_cli
from blueprints.events.console import bp as events_console_bp
from blueprints.events.routes import bp as events_bp
from blueprints.notifications.cli import notifications_cli
from blueprints.notifications.routes import bp as notifications_bp
from blueprints.profile.routes import bp as profile_bp
from blueprints.quiz.routes import bp as quiz_bp
from config import Defaults, derived_settings, environment_settings, instance_secret_key
from database import db
from extensions import babel, csrf, htmx, limiter, login_manager, migrate
from i18n import LANGUAGE_NAMES, select_locale, select_timezone


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` (tests) overrides every other source of settings."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    load_configuration(app, config or {})
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    init_extensions(app)
    register_blueprints(app)
    register_error_pages(app)
    app.after_request(security.add_security_headers)
    app.jinja_env.globals.update(
        get_locale=get_locale, LANGUAGES=app.config["LANGUAGES"], LANGUAGE_NAMES=LANGUAGE_NAMES
    )
    return app


def load_configuration(app: Flask, overrides: dict) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(environment_settings())
    app.config.from_mapping(overrides)
    app.config["INSTANCE_PATH"] = app.instance_path
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    for name, value in derived_settings(app.config).items():
        app.config.setdefault(name, value)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (core_bp, auth_bp, notifications_bp, profile_bp, quiz_bp, content_bp, events_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(content_console_bp, url_prefix="/admin")
    app.register_blueprint(events_console_bp, url_prefix="/admin")
    for command in (users_cli, seed_demo_command, notifications_cli, events_cli):
        app.cli.add_command(command)
