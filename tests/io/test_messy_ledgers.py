"""Ledgers as unions keep them: every shape and every cell form read, with row-level messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from stations.errors import InvalidInput, LedgerInvalid
from stations.io.cells import CellError, read_degrees, read_pair, read_services
from stations.io.export import export_stations
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import declare_dimension
from tests.support.messy import write_gbk_csv, write_messy_xlsx

WriteCsv = Callable[..., Path]


def _by_name(registry: Registry) -> dict[str, object]:
    return {s.name: s for s in registry.all()}


def test_a_union_workbook_is_read_below_its_title_with_sections_and_notes(
        registry: Registry, tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "台账.xlsx")
    report = import_ledger(registry, path, kind="outdoor_worker_station", crs="gcj02")
    assert report.counts is not None and report.counts.added == 4  # notes and sections skipped
    assert report.unlocated == 2
    assert report.notes[0].startswith("读取工作表 '驿站台账'，表头在第 4 行")
    st = _by_name(registry)
    dms = st["金水区花园路爱心驿站"]
    assert (dms.county, dms.opening_hours) == ("金水区", "08:00-18:00")  # type: ignore[attr-defined]
    assert dms.services == ("drinking_water", "hot_water", "food_heating", "rest_area")  # type: ignore[attr-defined]
    assert st["金水区经三路工会驿站"].opening_hours == "24/7"  # type: ignore[attr-defined]
    # no coordinates: the region comes from the 区县 column / address
    erqi = st["二七区大学路驿站"]
    assert (erqi.lon, erqi.adcode, erqi.county) == (None, "410103", "二七区")  # type: ignore[attr-defined]
    zone = st["航空港区司机服务点"]
    assert (zone.adcode, zone.city, zone.county) == ("410100", "郑州市", None)  # type: ignore[attr-defined]
    # the unknown service word is a warning with its row (row 9 of the sheet), not an error
    (warning,) = report.warnings
    assert (warning.row, warning.field, warning.cell) == (9, "services", "饮用水、卫生间、拖鞋")
    assert "'拖鞋'" in warning.reason
    assert "未识别的服务词 1" in report.summary()[-1]


def test_sheet_option_picks_a_sheet_and_unknown_sheets_are_named(registry: Registry, tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "台账.xlsx")
    report = import_ledger(registry, path, sheet="司机之家", kind="driver_home", crs="gcj02")
    home = registry.all()[0]
    assert report.counts is not None and report.counts.added == 1
    assert (home.county, home.truck_parking_capacity) == ("中牟县", 40)
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path, sheet="Sheet9", kind="driver_home")
    assert "no sheet named 'Sheet9'" in str(info.value) and "'驿站台账'" in str(info.value)


def test_a_ledger_without_a_kind_column_needs_kind(registry: Registry, tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "台账.xlsx")
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    (problem,) = info.value.problems
    assert (problem.row, problem.field) == (4, "kind") and "--kind" in problem.reason
    with pytest.raises(InvalidInput, match="unknown kind"):
        import_ledger(registry, path, kind="bank")


def test_a_gbk_csv_below_a_title_line_with_combined_coordinates(registry: Registry, tmp_path: Path) -> None:
    path = write_gbk_csv(tmp_path / "南京.csv")
    report = import_ledger(registry, path, kind="outdoor_worker_station")
    assert report.counts is not None and report.counts.added == 2  # the 合计 row is not a station
    assert report.notes == ("表头在第 2 行 / header on row 2",
                            "标题指明地区 江苏省南京市（320100），地址在此范围内解读；可用 --region 另指 / the title "
                            "names 江苏省南京市 (320100): addresses are read there; --region says otherwise")
    st = _by_name(registry)
    assert (st["鼓楼区爱心驿站"].lon, st["鼓楼区爱心驿站"].lat) == (118.7784, 32.0665)  # type: ignore[attr-defined]
    assert st["鼓楼区爱心驿站"].adcode == "320106"  # type: ignore[attr-defined]
    assert st["玄武区工会驿站"].adcode == "320102" and st["玄武区工会驿站"].lon is None  # type: ignore[attr-defined]
    assert st["玄武区工会驿站"].opening_hours == "Mo-Fr 09:00-17:00"  # type: ignore[attr-defined]


def test_ambiguous_county_without_context_names_the_candidate_cities(
        registry: Registry, write_csv: WriteCsv) -> None:
    path = write_csv([["鼓楼区驿站", "outdoor_worker_station", "", "", "鼓楼区中山路1号"]],
                     header=["name", "kind", "lon", "lat", "address"])
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    (problem,) = info.value.problems
    assert (problem.row, problem.field) == (2, "address")
    for city in ("南京市", "徐州市", "福州市", "开封市"):
        assert city in problem.reason
    import_ledger(registry, path, region="350100")
    assert registry.all()[0].adcode == "350102"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        pytest.param("", "no coordinates and no address", id="no-address"),
        pytest.param("文化路12号", "names no city or county", id="no-place"),
        pytest.param("河南省某某路", "names no city or county", id="province-only"),
    ],
)
def test_rows_without_coordinates_need_an_address_that_says_where(
        registry: Registry, write_csv: WriteCsv, address: str, reason: str) -> None:
    path = write_csv([["驿站", "outdoor_worker_station", address]], header=["name", "kind", "address"])
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    assert reason in str(info.value)
    assert registry.count() == 0


# Rows from the real Zhengzhou sample (GCJ-02): the second's address names 中牟县, but its point
# lies in the city centre (a geocoding slip the sample's notes mention).
ZHENGZHOU = [
    ["工会驿站(巩义市嵩山路学院社区便民服务中心)", "巩义市紫荆路街道嵩山路学院社区恒星花园42号楼北侧",
     "巩义市", "113.019775", "34.759331"],
    ["中牟县青年路街道绿云社区党群服务中心户外劳动者爱心驿站", "中牟县青年路街道绿云社区党群服务中心",
     "中牟县", "113.634762", "34.724932"],
]


def test_an_address_naming_another_county_than_the_point_is_a_warning(
        registry: Registry, write_csv: WriteCsv) -> None:
    path = write_csv(ZHENGZHOU, header=["name", "address", "district", "lng", "lat"])
    report = import_ledger(registry, path, crs="gcj02", kind="outdoor_worker_station", region="410100")
    assert report.counts is not None and report.counts.added == 2  # imported all the same
    (warning,) = report.warnings
    assert (warning.row, warning.field, warning.kind) == (3, "address", "address")
    assert "中牟县" in warning.reason and "GCJ-02" in warning.reason
    assert "地址与坐标不一致 1" in report.summary()[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("113.6601", 113.6601, id="decimal"),
        pytest.param("113°39′36.4″", 113.660111, id="dms-primes"),
        pytest.param("113°39'36.4\"", 113.660111, id="dms-quotes"),
        pytest.param("113d39m36.4s", 113.660111, id="dms-letters"),
        pytest.param("113度39分36.4秒", 113.660111, id="dms-chinese"),
        pytest.param("E113°39.607′", 113.660117, id="degrees-decimal-minutes"),
        pytest.param("东经113.6601", 113.6601, id="chinese-hemisphere"),
        pytest.param("１１３．６６０１", 113.6601, id="full-width"),
        pytest.param("１１３°３９′３６.４″", 113.660111, id="full-width-dms"),
        pytest.param("34°46′43″N", 34.778611, id="hemisphere-after"),
    ],
)
def test_coordinates_as_people_write_them(text: str, expected: float) -> None:
    assert read_degrees(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", ["abc", "113°65′", "东边"])
def test_unreadable_coordinates_say_why(text: str) -> None:
    with pytest.raises(CellError):
        read_degrees(text)


@pytest.mark.parametrize(
    "text",
    ["113.6601,34.7786", "34.7786，113.6601", "113.6601 34.7786", "（113.6601，34.7786）",
     "N34.7786 E113.6601"],
)
def test_a_combined_cell_in_either_order(text: str) -> None:
    assert read_pair(text) == pytest.approx((113.6601, 34.7786))


@pytest.mark.parametrize(
    ("text", "codes", "capacity", "unknown"),
    [
        pytest.param("饮水、热水、微波炉，休息", ("drinking_water", "hot_water", "food_heating", "rest_area"),
                     None, (), id="sentence"),
        pytest.param("提供免费饮水、手机充电等服务", ("drinking_water", "phone_charging"), None, (),
                     id="fillers"),
        pytest.param("冷热水、空调、WiFi、书报", ("drinking_water", "hot_water", "air_conditioning", "wifi",
                                          "reading"), None, (), id="synonyms"),
        pytest.param("货车停车位40个；淋浴", ("truck_parking", "shower"), 40, (), id="capacity"),
        pytest.param("饮用水 卫生间 拖鞋", ("drinking_water", "toilet"), None, ("拖鞋",), id="unknown-word"),
        pytest.param("无热水", (), None, ("无热水",), id="negated-is-not-a-service"),
        pytest.param("hot_water;truck_parking:40", ("hot_water", "truck_parking"), 40, (), id="codes"),
    ],
)
def test_service_sentences(text: str, codes: tuple[str, ...], capacity: int | None,
                           unknown: tuple[str, ...]) -> None:
    assert read_services(text) == (codes, capacity, unknown)


@pytest.mark.parametrize(
    ("hours", "stored", "warned"),
    [
        pytest.param("8:00—18:00", "08:00-18:00", False, id="em-dash"),
        pytest.param("8:30~17:30", "08:30-17:30", False, id="tilde"),
        pytest.param("周一至周日 8:00-18:00", "08:00-18:00", False, id="every-day"),
        pytest.param("8:00-18:00（节假日休息）", "08:00-18:00", True, id="remark"),
        pytest.param("营业时间以门店为准", None, True, id="prose"),
        pytest.param("周一至周日", None, True, id="days-only"),
    ],
)
def test_hours_are_read_or_reported_with_the_row(registry: Registry, write_csv: WriteCsv, hours: str,
                                                 stored: str | None, warned: bool) -> None:
    path = write_csv([["驿站", "outdoor_worker_station", "113.66", "34.78", hours]],
                     header=["name", "kind", "lon", "lat", "服务时间"])
    report = import_ledger(registry, path)
    assert registry.all()[0].opening_hours == stored
    assert [(w.row, w.field, w.cell) for w in report.warnings] == ([(2, "opening_hours", hours)] if warned else [])


def test_the_report_lists_problems_and_warnings_with_the_original_cell(
        registry: Registry, write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = [["好驿站", "outdoor_worker_station", "113.66", "34.78", "饮水、拖鞋"],
            ["坏驿站", "outdoor_worker_station", "113°99′", "34.78", "饮水"]]
    path = write_csv(rows, header=["name", "kind", "lon", "lat", "services"])
    out = tmp_path / "report.xlsx"
    with pytest.raises(LedgerInvalid):
        import_ledger(registry, path, report_to=out)
    sheet = load_workbook(out).active
    lines = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert lines[0][:3] == [2, "警告 / warning", "services"] and lines[0][5] == "饮水、拖鞋"
    assert lines[1][:3] == [3, "错误 / problem", "lon"] and lines[1][5] == "113°99′"
    assert registry.count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson", ".gpkg"])
def test_unlocated_stations_export_with_empty_coordinates_and_import_back(
        registry: Registry, tmp_path: Path, suffix: str) -> None:
    import_ledger(registry, write_messy_xlsx(tmp_path / "台账.xlsx"), kind="outdoor_worker_station",
                  crs="gcj02")
    before = registry.all()
    out = tmp_path / f"export{suffix}"
    export_stations(before, out)
    other = Registry.open(f"sqlite:///{tmp_path / 'other.db'}")
    report = import_ledger(other, out)
    assert report.unlocated == 2 and other.all() == before
    assert import_ledger(registry, out).counts.unchanged == len(before)  # type: ignore[union-attr]


def test_reimport_without_coordinates_keeps_a_location_set_on_site(
        registry: Registry, write_csv: WriteCsv) -> None:
    path = write_csv([["驿站", "outdoor_worker_station", "郑州市二七区大学路80号"]],
                     header=["name", "kind", "address"])
    import_ledger(registry, path)
    (st,) = registry.all()
    registry.set_location(st.id, 113.6401, 34.7236, actor="王芳", how="on site")
    again = import_ledger(registry, path)
    assert again.counts is not None and again.counts.unchanged == 1
    assert registry.get(st.id).lon == 113.6401


def test_a_workbook_declaring_the_whole_sheet_is_read_in_its_used_range(
        registry: Registry, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "kind", "lon", "lat"])
    for i in range(50):
        sheet.append([f"驿站{i}", "outdoor_worker_station", 113.6 + i / 1000, 34.7])
    path = tmp_path / "huge-dimension.xlsx"
    book.save(path)
    declare_dimension(path, "A1:XFD1048576")
    report = import_ledger(registry, path, dry_run=True)
    assert report.rows == 50




def test_a_single_line_too_long_is_refused_without_reading_it_whole(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("name,kind,lon,lat\n")
        fh.write("驿" * 1_500_000)  # one line of 1.5 million characters, no newline
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    (problem,) = info.value.problems
    assert (problem.row, problem.field) == (2, "file") and "longer than 1,000,000" in problem.reason


def test_an_xml_bomb_in_a_workbook_is_refused(registry: Registry, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["name", "kind", "lon", "lat"])
    book.active.append(["驿站", "outdoor_worker_station", 113.66, 34.78])
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    import zipfile

    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    entities = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' \
               '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    body = xml.split("?>", 1)[-1]
    # the name cell as an inline string made of the entity
    body = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="inlineStr"><is><t>&c;</t></is></c>', body)
    parts["xl/worksheets/sheet1.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>' + entities + body).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    assert "forbidden XML entities" in str(info.value)
    assert registry.count() == 0


def test_too_many_rows_are_refused(registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stations.io.sources as sources
    import stations.io.table as table

    monkeypatch.setattr(sources, "MAX_ROWS", 5)
    monkeypatch.setattr(table, "MAX_ROWS", 5)
    path = tmp_path / "many.csv"
    path.write_text("name,kind,lon,lat\n" + "驿站,driver_home,113.6,34.7\n" * 20, encoding="utf-8")
    with pytest.raises(LedgerInvalid, match="more than 5"):
        import_ledger(registry, path)


def _titled_csv(path: Path, title: str | None, extra: str = "") -> Path:
    lines = ([f"{title},,,"] if title else []) + [f"名称,地址,服务内容{extra},备注"]
    lines.append("湖南路驿站,鼓楼区湖南路10号,饮水" + (",x" if extra else "") + ",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_title_naming_the_city_is_the_ledgers_region(registry: Registry, tmp_path: Path) -> None:
    titled = _titled_csv(tmp_path / "titled.csv", "南京市户外劳动者服务站点（爱心驿站）一览表")
    report = import_ledger(registry, titled, kind="outdoor_worker_station")
    (station,) = registry.all()
    assert (station.adcode, station.city, station.county, station.lon) == ("320106", "南京市", "鼓楼区", None)
    assert any("标题指明地区 江苏省南京市（320100）" in note for note in report.notes)
    # without the title, 鼓楼区 is one of several: refused, naming the cities it could be
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, _titled_csv(tmp_path / "bare.csv", None), kind="outdoor_worker_station")
    (problem,) = info.value.problems
    assert problem.field == "address" and "南京市" in problem.reason and "福州市" in problem.reason
    # --region says otherwise than the title: the address is read in that region, no title note
    other = import_ledger(registry, _titled_csv(tmp_path / "other.csv", "南京市驿站一览表"),
                          kind="outdoor_worker_station", region="410100")
    assert not any("标题" in note for note in other.notes)
    assert registry.get(station.id).adcode == "410100"  # type: ignore[union-attr]


def test_a_failed_import_still_says_which_columns_it_ignored(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("名称,地址,所辖片区\n湖南路驿站,鼓楼区湖南路10号,城北\n", encoding="utf-8")
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path, kind="outdoor_worker_station")
    assert info.value.notes == ["已忽略未知列 / ignored unknown columns: 所辖片区"]
    assert info.value.problems[0].field == "address"
