"""Blueprints split into topic modules: each module registers its routes on the area's `bp`."""
from __future__ import annotations

import importlib


def load_topics(package: str, topics: tuple[str, ...]) -> None:
    for topic in topics:
        try:
            importlib.import_module(f"{package}.{topic}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{topic}":
                raise
