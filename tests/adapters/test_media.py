"""Video durations read by the real ffprobe from videos the real ffmpeg made."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from competition.adapters.media import UnreadableVideo, video_duration
from tests.factories.media import make_video

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_the_duration_of_an_mp4_and_a_mov(tmp_path) -> None:
    assert video_duration(make_video(tmp_path, 2)) == pytest.approx(2, abs=0.1)
    assert video_duration(make_video(tmp_path, 65, "mov")) == pytest.approx(65, abs=0.1)


def test_what_is_no_video_is_unreadable(tmp_path) -> None:
    with pytest.raises(UnreadableVideo, match="Invalid data found"):
        video_duration(SAMPLES / "research_report_sample.pdf")
    sound = tmp_path / "sound.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", str(sound)], check=True)
    with pytest.raises(UnreadableVideo, match="no video stream"):
        video_duration(sound)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(make_video(tmp_path, 3).read_bytes()[:200])
    with pytest.raises(UnreadableVideo):
        video_duration(broken)
    with pytest.raises(UnreadableVideo):
        video_duration(tmp_path / "missing.mp4")


def test_a_missing_ffprobe_is_named(tmp_path) -> None:
    assert shutil.which("no-such-ffprobe") is None
    with pytest.raises(UnreadableVideo, match="no-such-ffprobe is not installed"):
        video_duration(tmp_path / "x.mp4", ffprobe="no-such-ffprobe")
