"""How the message centre and the outbox name a kind of message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "entry.received": _l("Entry received"),
    "entry.returned": _l("Entry returned"),
    "entry.accepted": _l("Entry accepted"),
    "entry.rejected": _l("Entry not accepted"),
    "results.published": _l("Results published"),
    "certificate.ready": _l("Certificate ready"),
    "judge.assigned": _l("Judging assigned"),
    "judge.released": _l("Judging changed"),
    "round.closed": _l("Round closed"),
    "objection.received": _l("Objection received"),
    "objection.receipt": _l("Objection receipt"),
    "objection.outcome": _l("Objection outcome"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
