"""Every kind of object and every field the services record in the audit log has a Chinese label
on the organizer's audit pages (English codes are shown only as small grey code next to it)."""

from __future__ import annotations

import ast
from pathlib import Path

from competition.domain.certificates import PRINTED_FIELDS
from competition.extensions import db
from competition.web.organizer.audit import FIELD_LABELS, OBJECT_LABELS, field_label

SERVICES = Path(__file__).resolve().parent.parent.parent / "competition" / "services"


def _collect(node: ast.AST, where: str, found: dict[str, str], prefix: str = "") -> None:
    """The literal keys of a dict (nested dicts under "key.", ** spreads and | unions followed)."""
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:  # **spread
                _collect(v, where, found, prefix)
            elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                found.setdefault(prefix + k.value, f"{where}:{k.lineno}")
                _collect(v, where, found, prefix + k.value + ".")
    elif isinstance(node, ast.BinOp):  # {...} | {...}
        _collect(node.left, where, found, prefix)
        _collect(node.right, where, found, prefix)


def _recorded_dicts(tree: ast.Module):
    """The before/after values of every audit.record(...) call, and what a service's snapshot
    function returns (those dicts go into before/after whole)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "record"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "audit"
        ):
            yield from (kw.value for kw in node.keywords if kw.arg in ("before", "after"))
        if isinstance(node, ast.FunctionDef) and node.name in ("_snapshot", "snapshot"):
            yield from (ret.value for ret in ast.walk(node) if isinstance(ret, ast.Return) and ret.value is not None)


def recorded_keys() -> dict[str, str]:
    """Literal keys of the before/after dicts of every audit.record(...) call: key -> where."""
    found: dict[str, str] = {}
    for path in sorted(SERVICES.rglob("*.py")):  # the service packages too (services/results/...)
        for value in _recorded_dicts(ast.parse(path.read_text(encoding="utf-8"))):
            _collect(value, path.relative_to(SERVICES).as_posix(), found)
    for name in PRINTED_FIELDS:  # a certificate's printed data, recorded on reissue and correction
        found.setdefault(name, "domain/certificates.py:PRINTED_FIELDS")
    return found


def test_the_scan_finds_the_recorded_fields() -> None:
    found = recorded_keys()
    assert {"method", "combination", "seed", "k", "spread", "scores", "override_award", "members"} <= set(found)


def test_every_recorded_field_has_a_label(app) -> None:
    with app.test_request_context("/"):
        missing = {k: where for k, where in recorded_keys().items() if not field_label(k)}
    assert not missing, f"audit fields without a label in web/organizer/audit.py FIELD_LABELS: {missing}"


def test_every_kind_of_object_has_a_label(app) -> None:
    # audit.record names the object by its model class, so every model may turn up.
    kinds = {m.class_.__name__.lower() for m in db.Model.registry.mappers}
    assert kinds - set(OBJECT_LABELS) == set()


def test_labels_are_chinese(app) -> None:
    with app.test_request_context("/"):
        for label in list(OBJECT_LABELS.values()) + list(FIELD_LABELS.values()):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(label)), str(label)
        assert field_label("spread.None") and "None" not in field_label("spread.None")
