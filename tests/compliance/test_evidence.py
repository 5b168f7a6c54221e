"""Photo evidence, atomicity, and the migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from stations.compliance import (
    EvidenceStore,
    check_photo,
    station_standing,
)
from stations.compliance import inspections as inspections_module
from stations.errors import InvalidInput
from stations.store.compliance_tables import EvidenceRow, InspectionResultRow, InspectionRow
from stations.store.registry import Registry
from tests.compliance.common import PERIOD, count
from tests.support.compliance import (
    files_under,
    jpeg_bytes,
    png_bytes,
    webp_bytes,
)

# -- evidence and atomicity --


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        pytest.param(jpeg_bytes(), "image/jpeg", id="jpeg"),
        pytest.param(png_bytes(), "image/png", id="png"),
        pytest.param(webp_bytes(), "image/webp", id="webp"),
    ],
)
def test_photos_are_typed_by_their_content(data: bytes, media_type: str) -> None:
    assert check_photo(data, name="x.bin").media_type == media_type


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"GIF89a" + b"\x00" * 100, "not JPEG, PNG or WebP", id="gif"),
        pytest.param(b"%PDF-1.7 pretending.jpg", "not JPEG, PNG or WebP", id="pdf"),
        pytest.param(jpeg_bytes(5 * 1024 * 1024 + 1), "larger than 5 MB", id="too-big"),
    ],
)
def test_bad_photos_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_photo(data, name="photo.jpg", field="photos[0]")
    assert says in str(caught.value)
    assert caught.value.field == "photos[0]"


def test_a_5mb_photo_is_accepted() -> None:
    assert check_photo(jpeg_bytes(5 * 1024 * 1024)).size_bytes == 5 * 1024 * 1024


def test_evidence_files_appear_only_with_their_inspection(submit: Callable[..., Any], store: EvidenceStore) -> None:
    photo = check_photo(png_bytes(), name="门牌.png")
    inspection = submit(photos=[photo])
    assert [e.sha256 for e in inspection.evidence] == [photo.sha256]
    assert files_under(store.root) == [store.path(inspection.evidence[0].path)]
    assert store.path(inspection.evidence[0].path).read_bytes() == png_bytes()


@pytest.fixture
def fail_midway(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[None]:
    original_results = inspections_module._insert_results
    original_evidence = inspections_module._insert_evidence

    def evidence_then_crash(*args: Any) -> None:
        original_evidence(*args)
        raise RuntimeError("disk unplugged")

    def results_violating_a_constraint(s: Any, inspection_id: int, *args: Any) -> None:
        original_results(s, inspection_id, *args)
        s.add(InspectionResultRow(inspection_id=inspection_id, criterion="signage", passed=None))
        s.flush()

    if request.param == "crash":
        monkeypatch.setattr(inspections_module, "_insert_evidence", evidence_then_crash)
    else:
        monkeypatch.setattr(inspections_module, "_insert_results", results_violating_a_constraint)
    yield


@pytest.mark.parametrize(
    "fail_midway",
    [
        pytest.param("crash", id="crash-after-evidence"),
        pytest.param("constraint", id="constraint-violation"),
    ],
    indirect=True,
)
@pytest.mark.usefixtures("fail_midway")
def test_a_failure_midway_leaves_no_half_written_inspection(
    submit: Callable[..., Any], reg: Registry, store: EvidenceStore
) -> None:
    with pytest.raises((RuntimeError, DBAPIError)):
        submit(photos=[check_photo(png_bytes()), check_photo(jpeg_bytes())])
    assert (
        count(reg, InspectionRow),
        count(reg, InspectionResultRow),
        count(reg, EvidenceRow),
    ) == (0, 0, 0)
    assert files_under(store.root) == []
    assert station_standing(reg, "ZZ1", period_days=PERIOD).standing == "never_inspected"


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geography'")
def test_migrations_match_the_tables(reg: Registry) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import stations.store.compliance_tables as tables
    from stations.store.tables import Base

    ours = {tables.UserRow.__tablename__, *tables.APPEND_ONLY_TABLES}
    with reg.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if any(f"'{name}'" in repr(d) for name in ours)] == []
