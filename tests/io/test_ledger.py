"""Importing ledgers: all rows or none, every problem reported as FILE:ROW: field: reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02
from stations.errors import LedgerInvalid
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER

WriteCsv = Callable[..., Path]


def _problems(registry: Registry, path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_a_good_ledger_is_stored_with_regions_and_history(registry: Registry, write_csv: WriteCsv) -> None:
    report = import_ledger(registry, write_csv(GOOD_ROWS))
    assert report.counts is not None
    assert (report.counts.added, report.counts.updated) == (4, 0)
    st = registry.get("ZZ1")
    assert st.name == "金水区爱心驿站"
    assert st.services == ("drinking_water", "toilet", "phone_charging")
    assert st.opening_hours == "Mo-Fr 08:00-20:00"
    assert (st.province, st.city, st.county) == ("河南省", "郑州市", "金水区")
    assert st.adcode == "410105"
    home = registry.get("AH1")
    assert home.truck_parking_capacity == 40
    assert "truck_parking" in home.services
    assert registry.get("ZZ3").status == "planned"
    assert [h.action for h in registry.history("ZZ1")] == ["create"]


def test_reimport_updates_by_id_and_keeps_history(registry: Registry, write_csv: WriteCsv) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][1] = "金水区爱心驿站（新）"
    changed[0][7] = "24/7"
    report = import_ledger(registry, write_csv(changed, name="v2.csv"), actor="alice")
    assert report.counts is not None
    assert (report.counts.added, report.counts.updated, report.counts.unchanged) == (0, 1, 3)
    assert registry.get("ZZ1").name == "金水区爱心驿站（新）"
    last = registry.history("ZZ1")[-1]
    assert last.actor == "alice"
    assert last.changes["name"] == ["金水区爱心驿站", "金水区爱心驿站（新）"]
    assert last.changes["opening_hours"] == ["Mo-Fr 08:00-20:00", "24/7"]


def test_dry_run_validates_and_writes_nothing(registry: Registry, write_csv: WriteCsv) -> None:
    report = import_ledger(registry, write_csv(GOOD_ROWS), dry_run=True)
    assert report.rows == 4 and report.counts is None
    assert registry.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_offices_produce(registry: Registry, write_csv: WriteCsv, encoding: str) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS, encoding=encoding))
    assert registry.get("ZZ2").name == "二七区工会驿站"


def test_chinese_headers_and_chinese_values(registry: Registry, write_csv: WriteCsv) -> None:
    header = ["编号", "名称", "类型", "经度", "纬度", "地址", "服务", "开放时间", "电话", "状态", "依托单位"]
    rows = [["C1", "爱心驿站", "户外劳动者服务站点", "113.66", "34.78", "郑州", "饮用水、卫生间",
             "周一至周五 08:00-18:00", "0371-1234567", "运营中", "银行"]]
    import_ledger(registry, write_csv(rows, header=header))
    st = registry.get("C1")
    assert st.kind == "outdoor_worker_station"
    assert st.services == ("drinking_water", "toilet")
    assert st.status == "active"
    assert st.opening_hours == "Mo-Fr 08:00-18:00"


@pytest.mark.parametrize(
    ("crs", "convert"),
    [pytest.param("gcj02", wgs84_to_gcj02, id="gcj02"), pytest.param("bd09", wgs84_to_bd09, id="bd09")],
)
def test_crs_option_converts_to_wgs84(registry: Registry, write_csv: WriteCsv, crs: str,
                                      convert: Callable[..., tuple[float, float]]) -> None:
    lon, lat = convert(113.6601, 34.7786)
    row = GOOD_ROWS[0][:3] + [repr(float(lon)), repr(float(lat))] + GOOD_ROWS[0][5:]
    import_ledger(registry, write_csv([row]), crs=crs)
    st = registry.get("ZZ1")
    assert st.lon == pytest.approx(113.6601, abs=1e-6)
    assert st.lat == pytest.approx(34.7786, abs=1e-6)


def _row(**changes: str) -> list[str]:
    base = dict(zip(LEDGER_HEADER, GOOD_ROWS[0], strict=True))
    base.update(changes)
    return [base[h] for h in LEDGER_HEADER]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(_row(name=""), ":2: name: ", id="missing-name"),
        pytest.param(_row(kind="bank"), ":2: kind: 未知类型 / unknown kind 'bank'", id="unknown-kind"),
        pytest.param(_row(lon="abc"), ":2: lon: 不是数字 / not a number: 'abc'", id="lon-not-number"),
        pytest.param(_row(lat=""), ":2: lat: ", id="lat-missing"),
        pytest.param(_row(lat="95"), ":2: lat: 纬度超出范围 / latitude out of range [-90, 90]: 95.0",
                     id="lat-out-of-range"),
        pytest.param(_row(lon="nan"), ":2: lon: ", id="lon-nan"),
        pytest.param(_row(lon="2.35", lat="48.85"), ":2: lon,lat: 坐标不在中国境内", id="paris"),
        pytest.param(_row(lon="34.7786", lat="113.6601"), ":2: lat: ", id="swapped-lat-out-of-range"),
        pytest.param(_row(lon="113°75′", lat="34.7786"), ":2: lon: 不是数字", id="minutes-over-60"),
        pytest.param(_row(opening_hours="25:00-26:00"), ":2: opening_hours: ", id="bad-hours"),
        pytest.param(_row(status="open"), ":2: status: 未知状态", id="bad-status"),
        pytest.param(_row(phone="call me"), ":2: phone: ", id="bad-phone"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_written(
    registry: Registry, write_csv: WriteCsv, row: list[str], expected: str
) -> None:
    path = write_csv([row, GOOD_ROWS[1]])
    problems = _problems(registry, path)
    assert any(p.startswith(str(path)) and expected in p for p in problems), problems
    assert registry.count() == 0


def test_swapped_coordinates_get_a_hint(registry: Registry, write_csv: WriteCsv) -> None:
    # 纬度 (lat) 23.1 and 经度 (lon) 113.3 swapped: both in range, only the hint can tell
    problems = _problems(registry, write_csv([_row(lon="23.13", lat="80.26")]))
    assert problems and "lon,lat" in problems[0]
    problems = _problems(registry, write_csv([_row(lon="39.9", lat="89.0")], name="b.csv"))
    assert "坐标不在中国境内" in problems[0]


def test_swapped_in_range_coordinates_hint_at_swap(registry: Registry, write_csv: WriteCsv) -> None:
    problems = _problems(registry, write_csv([_row(lon="30.5", lat="80.0")]))
    assert any("颠倒" in p or "swapped" in p for p in problems), problems


def test_every_problem_is_listed_with_its_row(registry: Registry, write_csv: WriteCsv) -> None:
    rows = [GOOD_ROWS[0], _row(id="X2", kind="bank"), _row(id="X3", lon="abc", services="nope")]
    problems = _problems(registry, write_csv(rows))
    assert any(":3: kind:" in p for p in problems)
    assert any(":4: lon:" in p for p in problems)
    assert registry.count() == 0


def test_duplicate_ids_within_a_file_are_refused(registry: Registry, write_csv: WriteCsv) -> None:
    problems = _problems(registry, write_csv([GOOD_ROWS[0], _row(name="另一个")]))
    assert any(":3: id: 编号重复 / duplicate id 'ZZ1'" in p for p in problems)


def test_a_failed_reimport_leaves_the_registry_as_it_was(registry: Registry, write_csv: WriteCsv) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS))
    before = registry.all()
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][1] = "改名"
    changed[3][3] = "not-a-number"
    _problems(registry, write_csv(changed, name="bad.csv"))
    assert registry.all() == before


def test_missing_required_column_names_the_column(registry: Registry, write_csv: WriteCsv) -> None:
    header = [h for h in LEDGER_HEADER if h != "lat"]
    rows = [[v for h, v in zip(LEDGER_HEADER, GOOD_ROWS[0], strict=True) if h != "lat"]]
    problems = _problems(registry, write_csv(rows, header=header))
    assert ":1: lat: 缺少必需的列 / required column missing" in problems[0]
    assert "columns found: id, name, kind, lon, address" in problems[0]


def test_unreadable_encoding_is_reported(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("name,kind,lon,lat\n驿站,driver_home,113,34\n".encode("utf-16"))
    problems = _problems(registry, path)
    assert "encoding" in problems[0] or "cannot read" in problems[0] or "column" in problems[0]
    assert registry.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        pytest.param("x.txt", b"hello", "unsupported format", id="wrong-extension"),
        pytest.param("x.geojson", b"{not json", "invalid JSON", id="broken-json"),
        pytest.param("x.geojson", b'{"type": "Feature"}', "FeatureCollection", id="not-a-collection"),
        pytest.param("x.csv", b"", "empty", id="empty-file"),
        pytest.param("x.xlsx", b"PK\x03\x04garbage", "cannot read", id="corrupt-xlsx"),
    ],
)
def test_unreadable_files_are_refused(registry: Registry, tmp_path: Path, name: str, content: bytes,
                                      fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problems = _problems(registry, path)
    assert fragment in problems[0]


def test_missing_file_is_reported(registry: Registry, tmp_path: Path) -> None:
    problems = _problems(registry, tmp_path / "nope.csv")
    assert "file not found" in problems[0]


def test_xlsx_ledger(registry: Registry, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(LEDGER_HEADER)
    for row in GOOD_ROWS:
        sheet.append([float(v) if h in ("lon", "lat") else v for h, v in zip(LEDGER_HEADER, row, strict=True)])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    report = import_ledger(registry, path)
    assert report.counts is not None and report.counts.added == 4
    assert registry.get("ZZ1").lon == 113.6601


def test_geojson_ledger_row_numbers_are_feature_numbers(registry: Registry, tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.66, 34.78]},
         "properties": {"id": "G1", "name": "驿站", "kind": "outdoor_worker_station",
                        "services": ["toilet", "wifi"]}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
         "properties": {"id": "G2", "name": "坏", "kind": "outdoor_worker_station"}},
    ]
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    problems = _problems(registry, path)
    assert any(p.startswith(f"{path}:2: lon:") for p in problems), problems
    features.pop()
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    import_ledger(registry, path)
    assert registry.get("G1").services == ("toilet", "wifi")


def test_same_name_within_50_m_is_reported_as_likely_duplicate(registry: Registry, write_csv: WriteCsv) -> None:
    rows = [GOOD_ROWS[0], _row(id="ZZ1b", lon="113.6604")]  # ~27 m east, same name
    report = import_ledger(registry, write_csv(rows), dry_run=True)
    assert len(report.duplicates) == 1
    assert report.duplicates[0].distance_m == pytest.approx(27.5, abs=2)
    far = [GOOD_ROWS[0], _row(id="ZZ1c", lon="113.6701")]  # ~900 m: not a duplicate
    assert import_ledger(registry, write_csv(far, name="far.csv")).duplicates == []


def test_rows_without_id_get_a_stable_id(registry: Registry, write_csv: WriteCsv) -> None:
    rows = [_row(id="")]
    first = import_ledger(registry, write_csv(rows))
    again = import_ledger(registry, write_csv(rows, name="again.csv"))
    assert first.counts is not None and again.counts is not None
    assert (first.counts.added, again.counts.added, again.counts.unchanged) == (1, 0, 1)
