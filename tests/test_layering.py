"""Services take configuration and request data as arguments from the edge (views, commands,
jobs) and never roll back: the caller owns the transaction (see competition/cli/doorway.py)."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "competition" / "services"

# What a service must not take from Flask itself.
EDGE_ONLY = {"current_app", "request", "session", "g", "has_request_context", "url_for"}

# Left where moving it would be a redesign; the list may only shrink.
ALLOWED = {
    # The client address of every audit event: passing it through each service that audits
    # would touch nearly every service signature.
    "audit.py": {"request", "has_request_context"},
}

# restore_backup() rolls back its own Connection's transaction, never the caller's session.
ROLLBACK_ALLOWED = {"backup/restore.py": 1}


def _flask_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask":
            names.add(node.attr)
    return names & EDGE_ONLY


def _modules(root: Path = SERVICES) -> dict[str, Path]:
    """Every module of the services, packages too, by its path relative to the folder."""
    modules = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.py"))}
    assert len(modules) > 10 or root != SERVICES  # the folder really is there
    return modules


def _flask_problems(root: Path = SERVICES) -> dict[str, list[str]]:
    found = {}
    for name, path in _modules(root).items():
        names = _flask_names(ast.parse(path.read_text(encoding="utf-8")))
        if names - ALLOWED.get(name, set()):
            found[name] = sorted(names - ALLOWED.get(name, set()))
    return found


def _rollbacks(root: Path = SERVICES) -> dict[str, int]:
    counts = {name: p.read_text(encoding="utf-8").count("rollback(") for name, p in _modules(root).items()}
    return {name: n for name, n in counts.items() if n}


def test_services_take_configuration_and_request_data_from_the_edge():
    assert _flask_problems() == {}


def test_the_allowlist_names_only_what_is_still_used():
    for name, allowed in ALLOWED.items():
        assert _flask_names(ast.parse((SERVICES / name).read_text(encoding="utf-8"))) == allowed, name


def test_services_never_roll_back():
    assert _rollbacks() == ROLLBACK_ALLOWED


def test_the_checks_look_inside_service_packages(tmp_path):
    # A module deep in a package (services/results/ranking.py) is checked like a loose one.
    package = tmp_path / "results"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "ranking.py").write_text(
        "from flask import request\n\n\ndef run():\n    db.session.rollback()\n", encoding="utf-8"
    )
    assert _flask_problems(tmp_path) == {"results/ranking.py": ["request"]}
    assert _rollbacks(tmp_path) == {"results/ranking.py": 1}
