"""Static files served compressed and cached for good, under addresses that change with them.

Every address built by ``url_for`` for a static file carries a fingerprint of the
file's content (``?v=…``), so browsers may keep the file a year without asking
again; a new version of the file gets a new address. Responses are compressed
(zstd, brotli or gzip, as the browser accepts) by Flask-Compress. Pages are
compressed too: their CSRF token does not leak through compression (BREACH)
because our cookies are ``SameSite=Lax``, so another site cannot make the
browser send the signed-in requests that such an attack needs.
"""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask
from flask_compress import Compress

ONE_YEAR = 365 * 24 * 3600
TEXT_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"]

compress = Compress()


@cache
def fingerprint(path: Path | str) -> str:
    """A short hash of the file's content, read once per process (files change with a deploy)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


def versioned_static_files(app: Flask) -> None:
    """``url_for('static', filename=…)`` adds the file's fingerprint; the files are cached a year."""

    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = fingerprint(f"{app.static_folder}/{values['filename']}")

    app.url_defaults(add_version)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = ONE_YEAR


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", TEXT_TYPES)
    compress.init_app(app)
    versioned_static_files(app)
