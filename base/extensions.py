"""Flask extensions, created once and bound to the app in ``create_app``."""

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from limits.storage import Storage, storage_from_string

migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address)


class SharedCounters:
    """Counters that every app process sees, in the rate limits' storage (limits' storage API):
    Redis when REDIS_URL is set, this process's memory otherwise."""

    EXTENSION = "porte_voix_shared_counters"

    def init_app(self, app: Flask) -> None:
        app.extensions[self.EXTENSION] = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])

    @property
    def storage(self) -> Storage:
        return current_app.extensions[self.EXTENSION]


shared_counters = SharedCounters()
