"""The PyPI fallback of scripts/security-check: its decisions on project JSON shaped exactly like
the index's project JSON (<index>/pypi/<name>/json), and once on PyPI's real answer."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "security-check"
PY311 = "3.11.7"


def _load_script():
    # the script has no .py suffix, so name its loader explicitly
    loader = importlib.machinery.SourceFileLoader("security_check", str(SCRIPT))
    spec = importlib.util.spec_from_loader("security_check", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


check = _load_script()


def pypi_file(
    name: str, version: str, requires_python: str | None, yanked: bool = False, kind: str = "bdist_wheel"
) -> dict:
    """One entry of `releases[version]` / `urls`, with every key PyPI sends."""
    filename = f"{name}-{version}-py3-none-any.whl" if kind == "bdist_wheel" else f"{name}-{version}.tar.gz"
    return {
        "comment_text": "",
        "digests": {"blake2b_256": "00" * 32, "md5": "00" * 16, "sha256": "00" * 32},
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": "00" * 16,
        "packagetype": kind,
        "python_version": "py3" if kind == "bdist_wheel" else "source",
        "requires_python": requires_python,
        "size": 245115,
        "upload_time": "2025-03-05T20:05:02",
        "upload_time_iso_8601": "2025-03-05T20:05:02.478302Z",
        "url": f"https://files.example.invalid/packages/00/00/{filename}",
        "yanked": yanked,
        "yanked_reason": "broken build" if yanked else None,
        "core-metadata": False,
    }


def pypi_project(
    name: str, latest: str, releases: dict[str, list[dict]], vulnerabilities: list[dict] | None = None
) -> dict:
    """PyPI's project JSON: `info` of the latest release, every release's files, and the latest
    release's advisories."""
    latest_files = releases[latest]
    return {
        "info": {
            "name": name,
            "version": latest,
            "summary": f"The {name} project.",
            "requires_python": latest_files[0]["requires_python"] if latest_files else None,
            "release_url": f"https://index.example.invalid/project/{name}/{latest}/",
            "project_url": f"https://index.example.invalid/project/{name}/",
            "yanked": False,
            "yanked_reason": None,
        },
        "last_serial": 31415926,
        "releases": releases,
        "urls": latest_files,
        "vulnerabilities": vulnerabilities or [],
    }


def advisory(
    ident: str, aliases: list[str], fixed_in: list[str], withdrawn: str | None = None, summary: str | None = None
) -> dict:
    return {
        "aliases": aliases,
        "details": "python-ecdsa has been found to be subject to a Minerva timing attack on the P-256 curve.\n"
        "ECDSA signature verification is unaffected.",
        "fixed_in": fixed_in,
        "id": ident,
        "link": f"https://osv.dev/vulnerability/{ident}",
        "source": "osv",
        "summary": summary,
        "withdrawn": withdrawn,
    }


def ecdsa(vulnerabilities: list[dict]) -> dict:
    releases = {v: [pypi_file("ecdsa", v, "!=3.0.*,!=3.1.*,!=3.2.*,>=2.6")] for v in ("0.19.0", "0.19.1", "0.19.2")}
    return pypi_project("ecdsa", "0.19.2", releases, vulnerabilities)


# The Minerva advisory as PyPI lists it: twice, each id the other's alias, no fix.
MINERVA = [
    advisory("PYSEC-2026-1325", ["CVE-2024-23342", "GHSA-wj6h-64fc-37mp"], []),
    advisory("GHSA-wj6h-64fc-37mp", ["CVE-2024-23342", "PYSEC-2026-1325"], []),
]


def allowlist(tmp_path: Path, *lines: str) -> list[dict]:
    path = tmp_path / ".security-allowlist"
    path.write_text("# header\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    entries, problems = check.load_allowlist(path)
    assert problems == []
    return entries


def test_a_package_at_its_latest_release_with_an_advisory_fails():
    verdict = check.judge_package("ecdsa", "0.19.2", ecdsa(MINERVA), [], python=PY311)
    assert verdict["outcome"] == "audited"
    assert verdict["failures"] == 1  # one advisory under two ids counts once
    [line] = verdict["lines"]
    assert line.startswith("  VULNERABLE ecdsa 0.19.2: PYSEC-2026-1325 (CVE-2024-23342, GHSA-wj6h-64fc-37mp)")
    assert "fixed in no release yet" in line
    assert "Minerva timing attack" in line  # no summary: the first line of the details


def test_an_advisory_allowlisted_by_an_alias_passes(tmp_path):
    entries = allowlist(tmp_path, "pip-audit CVE-2024-23342 ECDSA  we never sign with P-256 keys")
    verdict = check.judge_package("ecdsa", "0.19.2", ecdsa(MINERVA), entries, python=PY311)
    assert (verdict["outcome"], verdict["failures"], verdict["allowed"]) == ("audited", 0, 1)
    assert verdict["lines"][0].startswith("  allowed    ecdsa 0.19.2: PYSEC-2026-1325")
    assert verdict["lines"][1].endswith("reason: we never sign with P-256 keys")
    assert entries[0]["used"]


def test_an_allowlist_entry_for_another_package_or_id_does_not_apply(tmp_path):
    entries = allowlist(
        tmp_path, "pip-audit CVE-2024-23342 pyjwt  another package", "pip-audit CVE-2099-0001 ecdsa  another advisory"
    )
    verdict = check.judge_package("ecdsa", "0.19.2", ecdsa(MINERVA), entries, python=PY311)
    assert verdict["failures"] == 1
    assert not any(entry["used"] for entry in entries)


def test_withdrawn_advisories_are_ignored():
    withdrawn = [
        advisory(
            "PYSEC-2022-42969",
            ["CVE-2022-42969"],
            [],
            withdrawn="2023-01-17T12:00:00Z",
            summary="ReDoS in the SVN support (disputed)",
        )
    ]
    verdict = check.judge_package("ecdsa", "0.19.2", ecdsa(withdrawn), [], python=PY311)
    assert (verdict["outcome"], verdict["failures"], verdict["lines"]) == ("audited", 0, [])
    fixed = [*withdrawn, advisory("GHSA-aaaa-bbbb-cccc", [], ["0.19.3"], summary="Signature malleability")]
    verdict = check.judge_package("ecdsa", "0.19.2", ecdsa(fixed), [], python=PY311)
    assert verdict["failures"] == 1
    assert verdict["lines"] == [
        "  VULNERABLE ecdsa 0.19.2: GHSA-aaaa-bbbb-cccc, fixed in 0.19.3: Signature malleability"
    ]


def test_an_outdated_package_fails_with_the_upgrade_message():
    releases = {v: [pypi_file("setuptools", v, ">=3.7")] for v in ("65.5.0", "65.5.1")}
    releases.update({v: [pypi_file("setuptools", v, ">=3.10")] for v in ("84.2.0", "84.2.1")})
    project = pypi_project("setuptools", "84.2.1", releases)
    verdict = check.judge_package("setuptools", "65.5.0", project, [], python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("upgrade", 1)
    assert verdict["lines"][0].endswith("upgrade setuptools to 84.2.1 (scripts/install does this)")

    releases = {v: [pypi_file("flask", v, ">=3.9")] for v in ("3.1.2", "3.2.0")}
    verdict = check.judge_package("Flask", "3.1.2", pypi_project("flask", "3.2.0", releases), [], python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("upgrade", 1)
    assert verdict["lines"][0].endswith(
        "upgrade flask to 3.2.0 (.venv/bin/python -m pip install --upgrade 'flask==3.2.0')"
    )


def deprecated_like() -> dict:
    """Deprecated's real history: 1.3.0 yanked, 3.x needs Python 3.12, plus a pre-release."""
    old = "!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,>=2.7"
    releases = {
        "1.2.18": [pypi_file("deprecated", "1.2.18", old), pypi_file("deprecated", "1.2.18", old, kind="sdist")],
        "1.3.0": [
            pypi_file("deprecated", "1.3.0", old, yanked=True),
            pypi_file("deprecated", "1.3.0", old, yanked=True, kind="sdist"),
        ],
        "1.3.1": [pypi_file("deprecated", "1.3.1", old)],
        "1.4.0rc1": [pypi_file("deprecated", "1.4.0rc1", ">=3.8")],
        "3.0.0": [pypi_file("deprecated", "3.0.0", ">=3.12")],
        "3.0.1": [pypi_file("deprecated", "3.0.1", ">=3.12")],
    }
    return pypi_project("Deprecated", "3.0.1", releases)


def test_a_package_whose_latest_release_needs_python_312_is_unauditable_and_needs_the_allowlist(tmp_path):
    verdict = check.judge_package("Deprecated", "1.3.1", deprecated_like(), [], python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("unauditable", 1)
    assert "its latest release 3.0.1 needs Python >=3.12 (this is Python 3.11.7)" in verdict["lines"][0]
    assert "add `pip-audit UNAUDITABLE deprecated <reason>`" in verdict["lines"][0]

    entries = allowlist(tmp_path, "pip-audit UNAUDITABLE Deprecated  latest needs Python >= 3.12; we run 3.11")
    verdict = check.judge_package("Deprecated", "1.3.1", deprecated_like(), entries, python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("allowlisted", 0)
    assert verdict["lines"][1].endswith("reason: latest needs Python >= 3.12; we run 3.11")
    assert entries[0]["used"]

    # on Python 3.12 the same package is simply outdated, and the entry does not excuse that
    entries = allowlist(tmp_path, "pip-audit UNAUDITABLE deprecated  latest needs Python >= 3.12; we run 3.11")
    verdict = check.judge_package("deprecated", "1.3.1", deprecated_like(), entries, python="3.12.3")
    assert (verdict["outcome"], verdict["failures"]) == ("upgrade", 1)
    assert not entries[0]["used"]  # so the check reports the entry as stale


def test_yanked_and_pre_releases_are_skipped():
    project = deprecated_like()
    # 1.4.0rc1 is a pre-release and 3.x needs Python 3.12: 1.3.1 is the newest installable
    assert str(check.newest_installable(project, PY311)) == "1.3.1"
    # yank 1.3.1 too: 1.3.0 was yanked already, so 1.2.18 is the newest installable
    for file in project["releases"]["1.3.1"]:
        file["yanked"] = True
    assert str(check.newest_installable(project, PY311)) == "1.2.18"
    verdict = check.judge_package("deprecated", "1.2.18", project, [], python=PY311)
    assert verdict["outcome"] == "unauditable"  # not an upgrade to a yanked or pre-release
    # a release yanked for one file only is still installable from the others
    project["releases"]["1.3.1"][0]["yanked"] = False
    assert str(check.newest_installable(project, PY311)) == "1.3.1"


def test_the_projects_own_requirement_bounds_the_upgrade():
    releases = {v: [pypi_file("weasyprint", v, ">=3.10")] for v in ("70.0", "70.1", "71.0")}
    project = pypi_project("weasyprint", "71.0", releases)
    verdict = check.judge_package("weasyprint", "70.0", project, [], python=PY311, wanted=SpecifierSet("<71,>=70"))
    assert verdict["lines"][0].endswith(
        "upgrade weasyprint to 70.1 (.venv/bin/python -m pip install --upgrade 'weasyprint==70.1')"
    )
    verdict = check.judge_package("weasyprint", "70.1", project, [], python=PY311, wanted=SpecifierSet("<71,>=70"))
    assert verdict["outcome"] == "unauditable"
    assert (
        "its latest release 71.0 is outside what the installed packages require (weasyprint<71,>=70)"
        in verdict["lines"][0]
    )


def test_a_package_pypi_does_not_know_is_unauditable():
    verdict = check.judge_package("in-house-tool", "1.0", None, [], python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("unauditable", 1)
    assert "PyPI has no such project" in verdict["lines"][0]


def test_real_pypi_answer_for_deprecated(tmp_path):
    """PyPI's real project JSON has the shape the fallback reads, and Deprecated (latest needs Python
    3.12) is unauditable on Python 3.11."""
    try:
        project = check.fetch_project("deprecated")
    except check.PyPIUnreachable as exc:
        pytest.skip(f"PyPI is unreachable from here, so the real answer cannot be checked: {exc}")
    assert project is not None
    assert {"info", "releases", "urls", "vulnerabilities"} <= set(project)
    for vuln in project["vulnerabilities"]:
        assert {"id", "aliases", "fixed_in", "withdrawn"} <= set(vuln)
    assert all("requires_python" in f and "yanked" in f for files in project["releases"].values() for f in files)
    assert project["releases"]["1.3.0"] and all(f["yanked"] for f in project["releases"]["1.3.0"])

    newest = check.newest_installable(project, PY311)
    assert newest is not None and newest.major == 1  # 3.x needs Python 3.12
    entries = allowlist(tmp_path, "pip-audit UNAUDITABLE deprecated  latest needs Python >= 3.12; we run 3.11")
    verdict = check.judge_package("deprecated", str(newest), project, entries, python=PY311)
    assert (verdict["outcome"], verdict["failures"]) == ("allowlisted", 0)
    assert "needs Python >=3.12" in verdict["lines"][0]


def test_the_index_is_the_one_pip_uses(monkeypatch, tmp_path):
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example.invalid/repo/simple/")
    assert check.pip_index_url() == "https://mirror.example.invalid/repo/simple/"
    assert check.project_json_url(check.pip_index_url()) == "https://mirror.example.invalid/repo/pypi/{name}/json"
    monkeypatch.delenv("PIP_INDEX_URL")
    from pip._internal.models.index import PyPI

    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # pip reads no configuration file at all
    assert check.pip_index_url() == PyPI.simple_url
    assert check.project_json_url(PyPI.simple_url) == f"{PyPI.pypi_url}/{{name}}/json"
    config = tmp_path / "pip.conf"
    config.write_text("[global]\nindex-url = https://other.example.invalid/simple\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    assert check.pip_index_url() == "https://other.example.invalid/simple"


def test_an_index_that_is_not_http_is_reported_unreachable(monkeypatch):
    monkeypatch.setattr(check, "PYPI_PROJECT_URL", "file:///nowhere/pypi/{name}/json")
    with pytest.raises(check.PyPIUnreachable):
        check.fetch_project("flask")


def test_a_dependencys_requirement_bounds_the_upgrade_too():
    # Flask's own bound on Werkzeug counts, as pip would resolve it, beside the project's.
    from importlib import metadata

    from packaging.requirements import Requirement

    flask_needs = next(r for r in map(Requirement, metadata.requires("flask")) if r.name.lower() == "werkzeug")
    assert flask_needs.specifier, "Flask states a Werkzeug version bound"
    wanted = check.installed_requirements()
    assert set(flask_needs.specifier) <= set(wanted["werkzeug"])
    assert "flask" in wanted and "weasyprint" in wanted  # the project's own requirements
