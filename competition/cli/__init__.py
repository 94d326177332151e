"""Flask commands: `flask --app competition <command>`, one module per area (FlaskBB's `cli/`).

Every command that writes runs in one transaction (:func:`doorway.transaction`): it commits
once at the end, or rolls back and ends with the service's message.
"""

from __future__ import annotations

from flask import Flask

from . import accounts, certificates, contests, core, demo, exports, judging, ops, results

GROUPS = (core, contests, accounts, demo, judging, results, certificates, exports, ops)


def register_cli(app: Flask) -> None:
    for group in GROUPS:
        group.register(app)
