"""Every endpoint a template or a view names exists: a link to a missing page fails here
instead of being hidden (templates have no `has_endpoint` guard)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"""url_for\(\s*['"]([^'"]+)['"]""")


def _named(paths):
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in LITERAL.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield path.relative_to(ROOT), line, match.group(1)


def _blueprint_of(path: Path) -> str | None:
    """The blueprint a relative endpoint ('.name') in a view module belongs to."""
    parts = path.parts
    if len(parts) >= 3 and parts[0] == "competition" and parts[1] == "web":
        return parts[2].removesuffix(".py")
    return None


def test_every_named_endpoint_exists(app):
    endpoints = set(app.view_functions)
    sources = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "competition").rglob("*.py"))
    missing = []
    for rel, line, name in _named(sources):
        if name.startswith("."):
            blueprint = _blueprint_of(rel)
            name = f"{blueprint}{name}" if blueprint else name
        if name not in endpoints:
            missing.append(f"{rel}:{line}: {name}")
    assert not missing, "links to endpoints that do not exist:\n" + "\n".join(missing)


def test_templates_do_not_hide_links():
    guarded = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "templates").rglob("*.html")
        if "has_endpoint" in p.read_text(encoding="utf-8")
    ]
    assert not guarded
    assert "has_endpoint" not in (ROOT / "competition/web/templating.py").read_text(encoding="utf-8")
