"""The organizer's area. One blueprint, one module per topic (contests, accounts, judging,
results, certificates, exports, reports), each registering its routes on `bp`."""

from __future__ import annotations

# Each topic module registers its routes on `bp` when imported.
from . import (  # noqa: F401
    accounts,
    audit,
    certificates,
    contests,
    exports,
    home,
    jobs,
    judging,
    reports,
    results,
    rubrics,
)
from .blueprint import bp

__all__ = ["bp"]
