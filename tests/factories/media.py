"""Real videos for tests, made by Debian's ffmpeg (scripts/install installs it)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_video(folder: Path, seconds: float, container: str = "mp4") -> Path:
    """A small test-pattern video of ``seconds`` seconds (5 frames per second, 64x48)."""
    out = folder / f"clip-{seconds:g}.{container}"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={seconds:g}:size=64x48:rate=5",
            str(out),
        ],
        check=True,
    )
    return out
