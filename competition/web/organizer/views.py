"""The organizer's area: the parent blueprint `bp` (blueprint.py, which checks the role before any
of its children's views runs), the start page and the jobs on it, and one child blueprint per area,
registered here under it: setup, judging, results, certificates, exports, reports, accounts, audit.
Their endpoints are named organizer.<child>.<view>; their templates are in templates/organizer/<child>/."""

from __future__ import annotations

# home and jobs register their routes on the parent when imported, objections on the results child.
from . import (  # noqa: F401
    accounts,
    audit,
    certificates,
    exports,
    home,
    jobs,
    judging,
    objections,
    outbox,
    reports,
    results,
    setup,
)
from .blueprint import bp

CHILDREN = (setup, judging, results, certificates, exports, reports, accounts, audit, outbox)

for _child in CHILDREN:
    bp.register_blueprint(_child.bp)

__all__ = ["CHILDREN", "bp"]
