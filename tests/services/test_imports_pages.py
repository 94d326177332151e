"""services/imports/pages.py: what the import pages ask beyond services/imports.py."""

import pytest
from sqlalchemy.exc import IntegrityError

from competition.services import ServiceError, imports
from competition.services.imports import pages as imports_pages


def test_a_row_written_meanwhile_by_someone_else_is_a_refusal_not_a_crash(app, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError("INSERT INTO schools ...", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(imports, "apply", clash)
    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        imports_pages.apply_confirmed("schools", b"", "学校.xlsx", actor=None)
    assert refused.value.message == "期间有人修改了相同的数据，本次没有导入任何内容。请重新检查预览后再确认。"
