"""A wheel of the project installs and serves: package data, templates and translations included."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_serves_without_the_checkout(tmp_path):
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert "absent from the `packages` configuration" not in built.stdout + built.stderr
    wheel = next((tmp_path / "dist").glob("competition-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in (
        "competition/contests/innovation.yaml",
        "competition/static/app.css",
        "competition/translations/zh_CN/parts/core.po",
        "competition/migrations/alembic.ini",
        "competition/migrations/versions/0001_initial_schema.py",
    ):
        assert wanted in names, wanted
    assert any(n.endswith(".data/data/share/competition/templates/base.html") for n in names)
    assert any(n.endswith(".data/data/share/competition/templates/organizer/setup/contest_show.html") for n in names)

    # a fresh environment whose only copy of the project is the wheel; the dependencies come from
    # the project's venv (a .pth file), so nothing is downloaded
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    probe = (
        "import competition, sys\n"
        "assert competition.__file__.startswith(sys.prefix), competition.__file__\n"
        "app = competition.create_app({'TESTING': True, 'SECRET_KEY': 'x', "
        f"'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'w.db'}'}})\n"
        "page = app.test_client().get('/login')\n"
        "assert page.status_code == 200, page.status_code\n"
        "print(page.get_data(as_text=True))\n"
    )
    run = subprocess.run(
        [str(python), "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COMPETITION_INSTANCE_PATH": str(tmp_path / "instance")},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "登录" in run.stdout
