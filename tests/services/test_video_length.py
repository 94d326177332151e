"""A video longer than its material allows is refused with its length (read by the real ffprobe)."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.models import Attachment
from competition.services import ServiceError
from tests.factories.media import make_video
from tests.factories.teacher import attach, files_on_disk, requirement


@pytest.fixture()
def video_material(world):
    req = requirement(world.entry1, "report")  # the world's section has no video material: make one
    req.name = "视频（不超过1分钟）"
    req.file_kinds = ["mp4"]
    req.max_size_mb = 50
    req.max_duration_seconds = 60
    db.session.flush()
    return req


def test_a_video_within_the_limit_is_kept(world, video_material, tmp_path) -> None:
    attachment = attach(world.entry1, "report", make_video(tmp_path, 60))  # exactly 1 minute
    assert attachment.file_kind == "mp4"


def test_a_longer_video_is_refused_with_its_length_and_nothing_kept(world, video_material, tmp_path) -> None:
    with pytest.raises(ServiceError) as err:
        attach(world.entry1, "report", make_video(tmp_path, 65))
    assert err.value.message == (
        "“clip-65.mp4”时长1分05秒，视频（不超过1分钟）最长1分00秒。请剪辑后重新上传。未保存任何内容。"
    )
    db.session.rollback()
    assert db.session.query(Attachment).count() == 0 and files_on_disk() == []


def test_without_a_limit_any_length_is_kept(world, video_material, tmp_path) -> None:
    video_material.max_duration_seconds = None
    assert attach(world.entry1, "report", make_video(tmp_path, 65)).file_kind == "mp4"
