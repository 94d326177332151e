"""Pages anyone may open: certificate verification and the public notice of results (公示)."""

from __future__ import annotations

# Each topic module registers its routes on `bp` when imported.
from . import notice, objections, verify  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
