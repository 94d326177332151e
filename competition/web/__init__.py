"""One blueprint per area of the product; templates/<area>/ mirrors each."""

from __future__ import annotations

from flask import Flask

from .auth import views as auth
from .files import views as files
from .judge import views as judge
from .main import views as main
from .messages import views as messages
from .organizer import views as organizer
from .public import views as public
from .review import views as review
from .teacher import views as teacher

# (area, url_prefix), in the order their routes are matched.
BLUEPRINTS = [
    (auth, ""),
    (main, ""),
    (teacher, "/teacher"),
    (review, "/review"),
    (judge, "/judge"),
    (organizer, "/organizer"),
    (files, "/files"),
    (messages, "/messages"),
    (public, ""),
]


def register_blueprints(app: Flask) -> None:
    for area, prefix in BLUEPRINTS:
        app.register_blueprint(area.bp, url_prefix=prefix or None)
