"""What every command shares: one transaction, service errors as command-line errors, and
finding a contest by its code. The web's requests follow the same rule: commit once at the end
of what succeeded, roll back everything else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask_babel import gettext as _

from ..extensions import db
from ..services import ServiceError


@contextmanager
def transaction() -> Iterator[None]:
    """Commit if the block succeeds. A ServiceError rolls back and ends the command with its
    message; any other exception rolls back and goes on up."""
    try:
        yield
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


@contextmanager
def outside_transaction() -> Iterator[None]:
    """For commands whose service manages its own connections (backup, restore, sweep): a
    ServiceError ends the command with its message, and the session is released either way."""
    try:
        yield
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.session.remove()


def contest_by_code(code: str):
    """The contest with this short code, or a clear error on the command line."""
    from ..services.contests import get_by_code

    contest = get_by_code(code)
    if contest is None:
        raise click.ClickException(_("No contest has the code %(code)s (see `flask contests`).", code=code))
    return contest
