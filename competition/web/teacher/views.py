"""The teacher's area (指导教师): their school's entries, and later its certificates."""

from __future__ import annotations

# Each topic module registers its routes on `bp` when imported.
from . import certificates, entries, entry_actions, entry_files, entry_form  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
