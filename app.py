"""Porte-voix application factory: ``flask --app app run``."""

import os

from flask import Flask, request
from flask_babel import get_locale
from sqlalchemy.exc import DataError
from werkzeug.middleware.proxy_fix import ProxyFix

from base import assets, security, templating
from base.cache import cache
from base.config import Defaults, derived_settings, engine_options, environment_settings, instance_secret_key
from base.database import db, end_reading_transaction
from base.drawn import blank_form
from base.extensions import babel, csrf, htmx, limiter, login_manager, migrate, shared_counters
from base.i18n import LANGUAGE_NAMES, init_babel, lang_attribute
from base.registry import register_features
from base.urls import remembered_url_for
from base.web import BoundedIntConverter, csrf_field, with_bounded_numbers
from blueprints.admin.feature import feature as admin
from blueprints.analytics.feature import feature as analytics
from blueprints.auth.feature import feature as auth
from blueprints.auth.guards import console_blueprint
from blueprints.challenges.feature import feature as challenges
from blueprints.content.feature import feature as content
from blueprints.contributions.feature import feature as contributions
from blueprints.core.feature import feature as core
from blueprints.core.routes import register_error_pages, render_error
from blueprints.core.services import discard_unfinished_work
from blueprints.demo.feature import feature as demo
from blueprints.events.feature import feature as events
from blueprints.kudos.feature import feature as kudos
from blueprints.mentoring.feature import feature as mentoring
from blueprints.notifications.feature import feature as notifications
from blueprints.profile.feature import feature as profile
from blueprints.quiz.feature import feature as quiz
from blueprints.recognition.feature import feature as recognition
from blueprints.rewards.feature import feature as rewards

# Every feature of the site; a new one is a package and a line here.
FEATURES = (
    core,
    auth,
    notifications,
    profile,
    quiz,
    recognition,
    contributions,
    kudos,
    rewards,
    challenges,
    content,
    events,
    mentoring,
    analytics,
    admin,
    demo,
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` (tests) overrides every other source of settings."""
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = templating.Environment  # before anything draws a template
    os.makedirs(app.instance_path, exist_ok=True)
    load_configuration(app, config or {})
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    init_extensions(app)
    # Before any route: <int:…> stops at the largest INTEGER (a larger number is a 404), and
    # so do numbers read from query strings and forms with .get(name, type=int).
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = with_bounded_numbers(app.request_class)  # after htmx set its own
    register_features(app, FEATURES, console_blueprint())
    register_error_pages(app)
    register_out_of_range_refusal(app)
    app.after_request(security.add_security_headers)
    app.jinja_env.globals.update(
        url_for=remembered_url_for(app.url_for),
        get_locale=get_locale,
        csrf_field=csrf_field,
        blank_form=blank_form,
        lang_attribute=lang_attribute,
        LANGUAGES=app.config["LANGUAGES"],
        LANGUAGE_NAMES=LANGUAGE_NAMES,
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
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    app.teardown_appcontext(end_reading_transaction)  # runs before Flask-SQLAlchemy closes the session
    migrate.init_app(app, db)
    login_manager.init_app(app)
    init_babel(app, babel)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    shared_counters.init_app(app)
    cache.init_app(app)
    assets.init_app(app)


def register_out_of_range_refusal(app: Flask) -> None:
    """The last safety net for numbers that no view bounded (``base.web.int_arg`` does): one too
    large for the database is the request's fault, a 400, not a server error."""

    def refuse(error):
        app.logger.warning(
            "Refused a value out of range on %s %s (%s): %s",
            request.method,
            request.path,
            type(error).__name__,
            error,
        )
        discard_unfinished_work()
        return render_error(400)

    app.register_error_handler(OverflowError, refuse)
    app.register_error_handler(DataError, refuse)
