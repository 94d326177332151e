"""The package root is the ground floor: the app factory, its configuration and its extensions; every
other module lives in a package (adapters, cli, domain, i18n, jobs, models, services, web)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "competition"
MODULES = {"__init__.py", "config.py", "extensions.py"}
# Folders of data shipped with the package (setup.cfg's package_data), not Python packages.
DATA = {"contests", "migrations", "static", "translations"}


def test_the_root_holds_only_the_factory_config_extensions_and_packages():
    files = {p.name for p in PACKAGE.iterdir() if p.is_file()}
    assert files == MODULES
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    loose = {name for name in folders - DATA if not (PACKAGE / name / "__init__.py").is_file()}
    assert loose == set(), "a folder of modules without __init__.py"
    assert {"adapters", "cli", "domain", "i18n", "jobs", "models", "services", "web"} <= folders


def test_the_data_folders_hold_no_modules():
    for name in DATA - {"migrations"}:  # Alembic's env.py and versions/ are its own scripts
        assert not list((PACKAGE / name).rglob("*.py")), name


# A module says one thing: about 400 lines at most. The two cohesive domain engines are the
# exceptions, named here (issue #16); Alembic's revisions are scripts, not modules one reads.
MAX_LINES = 400
LONGER = {"domain/ranking.py", "domain/assignment.py"}


def test_no_module_is_over_400_lines_but_the_two_domain_engines():
    sizes = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "migrations"
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES and name not in LONGER} == {}
    # Each exception is still long (else it leaves the list) and still exists.
    assert {name for name in LONGER if sizes.get(name, 0) > MAX_LINES} == LONGER
