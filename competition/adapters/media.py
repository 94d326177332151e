"""How long a video runs, read from the file by Debian's ffprobe (package ffmpeg, installed by
scripts/install): the province limits an entry's video (Anhui: at most 1 minute).

ffprobe reads the container's header and, where that has no duration, the streams'; it never
decodes the whole file, so a 200 MB upload is measured in well under a second. It runs on a
path of the local disk with a time limit, its output parsed as JSON; anything it cannot read
is `UnreadableVideo`, which the caller turns into a refusal with the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess  # nosec B404: ffprobe and ffmpeg are run with a fixed argument list, never a shell
import tempfile
from pathlib import Path

__all__ = ["FFMPEG", "FFPROBE", "UnreadableVideo", "pattern_video", "video_duration"]

FFPROBE = "ffprobe"
FFMPEG = "ffmpeg"
TIME_LIMIT = 30  # seconds; a header read takes milliseconds


class UnreadableVideo(ValueError):
    """ffprobe is missing, failed, or found no duration in the file."""


def video_duration(path: str | Path, *, ffprobe: str = FFPROBE) -> float:
    """The video's duration in seconds."""
    program = shutil.which(ffprobe)
    if program is None:
        raise UnreadableVideo(f"{ffprobe} is not installed (Debian package ffmpeg; run scripts/install)")
    command = [program, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIME_LIMIT, check=False)  # nosec B603
    except subprocess.TimeoutExpired as err:
        raise UnreadableVideo(f"{ffprobe} took more than {TIME_LIMIT} s") from err
    if done.returncode != 0:
        raise UnreadableVideo(done.stderr.decode("utf-8", "replace").strip() or f"{ffprobe} failed")
    try:
        info = json.loads(done.stdout)
    except ValueError as err:
        raise UnreadableVideo(f"{ffprobe} printed no JSON") from err
    durations = [info.get("format", {}).get("duration")]
    durations += [s.get("duration") for s in info.get("streams", []) if s.get("codec_type") == "video"]
    if not any(s.get("codec_type") == "video" for s in info.get("streams", [])):
        raise UnreadableVideo("the file holds no video stream")
    for value in durations:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    raise UnreadableVideo("the file states no duration")


def pattern_video(seconds: float, *, size: str = "96x64", rate: int = 5, ffmpeg: str = FFMPEG) -> bytes:
    """A small real H.264 MP4 of ffmpeg's test pattern, ``seconds`` long (the demo's videos)."""
    program = shutil.which(ffmpeg)
    if program is None:
        raise RuntimeError(f"{ffmpeg} is not installed (Debian package ffmpeg; run scripts/install)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clip.mp4"
        source = f"testsrc=duration={seconds:g}:size={size}:rate={rate}"
        command = [program, "-v", "error", "-y", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p", str(out)]
        subprocess.run(command, capture_output=True, timeout=TIME_LIMIT, check=True)  # nosec B603
        return out.read_bytes()
