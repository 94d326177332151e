"""One blueprint per area of the product; templates/<area>/ mirrors each."""
from __future__ import annotations

import importlib

from flask import Flask

# (module, url_prefix). An area registers here once its blueprint exists.
BLUEPRINTS = [
    ("auth", ""),
    ("main", ""),
    ("teacher", "/teacher"),
    ("review", "/review"),
    ("judge", "/judge"),
    ("organizer", "/organizer"),
    ("files", "/files"),
    ("public", ""),
]


def register_blueprints(app: Flask) -> None:
    for name, prefix in BLUEPRINTS:
        try:
            module = importlib.import_module(f"{__name__}.{name}.views")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{__name__}.{name}", f"{__name__}.{name}.views"):
                raise
            continue
        app.register_blueprint(module.bp, url_prefix=prefix or None)
