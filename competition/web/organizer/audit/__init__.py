"""The organizer's audit log (a child blueprint): the pages in `views`, how an event is shown in
`labels`; the views register their routes on `bp` when imported."""

from __future__ import annotations

from . import views
from .blueprint import bp
from .labels import FIELD_LABELS, OBJECT_LABELS, diff_rows, field_label, show_value

__all__ = ["FIELD_LABELS", "OBJECT_LABELS", "bp", "diff_rows", "field_label", "show_value", "views"]
