"""The demo company's plain data: TOML files in ``data/``, shipped with this package."""

import tomllib
from importlib.resources import files


def load(name: str) -> dict:
    """Read ``data/<name>`` (TOML), found next to this module wherever the package is installed."""
    return tomllib.loads(files(__package__).joinpath("data", name).read_text(encoding="utf-8"))
