"""The organizer's accounts area (a child blueprint): users in `users`, schools and districts in
`schools`; each module registers its routes on `bp` when imported."""

from __future__ import annotations

from . import schools, users
from .blueprint import bp

__all__ = ["bp", "schools", "users"]
