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
