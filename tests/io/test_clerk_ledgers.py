"""Ledgers as a union clerk really sends them: every cell form read, or reported with its
row and field (the workbook and CSV are in ``tests/support/clerk.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geodata.addresses import AmbiguousAddress, parse_address
from stations.core.hours import HoursUnreadable, canonical_hours, split_remark
from stations.core.vocab import KIND_ALIASES, STATUS_ALIASES
from stations.errors import LedgerInvalid
from stations.io.cells import (
    CellError,
    blank_cell,
    one_line,
    read_count,
    read_date,
    read_pair,
    read_phone,
    read_services,
    ticked,
)
from stations.io.headers import canonical_header, service_header
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.clerk import (
    FIRST_ROW,
    WIRED_ROWS,
    write_clerk_gbk_csv,
    write_ticks_workbook,
    write_union_workbook,
    write_wired_workbook,
)


def _by_name(registry: Registry) -> dict[str, object]:
    return {s.name: s for s in registry.all()}


def test_the_union_workbook_imports_with_its_words_read(registry: Registry, tmp_path: Path) -> None:
    path = write_union_workbook(tmp_path / "郑州台账.xlsx")
    report = import_ledger(registry, path, kind="outdoor_worker_station", region="410100", crs="gcj02")
    assert report.counts is not None and report.counts.added == 10  # 合计 and 制表人 are no stations
    assert report.notes[0].startswith("读取工作表 '户外劳动者服务站点'，表头在第 3 行")
    st = _by_name(registry)
    got = {name: (s.status, s.opening_hours, s.services) for name, s in st.items()}  # type: ignore[attr-defined]
    assert got["金水区花园路暖心驿站"] == ("active", "08:00-18:00", ("drinking_water", "rest_area", "phone_charging"))
    assert got["二七区大学路劳动者港湾"] == ("planned", "Mo-Fr 08:00-18:00; Sa,Su 09:00-17:00",
                                      ("drinking_water", "hot_water", "toilet"))
    assert got["管城区紫荆山路驿站"][1:] == ("Mo-Fr 08:30-17:30",
                                     ("air_conditioning", "first_aid", "wifi", "reading"))
    assert got["中原区建设路爱心驿站"][1:] == ("08:00-18:00", (
        "drinking_water", "rest_area", "air_conditioning", "heating", "first_aid", "phone_charging", "reading"))
    assert got["惠济区天河路驿站"][1] == "Mo-Fr 08:00-17:00"  # (周一至周五) scopes the hours
    assert got["金水区黄河路夜间驿站"][1] == "18:00-06:00"
    assert got["金水区东风路驿站"][1:] == ("Mo-Fr 00:00-24:00", ())  # 服务 "无": none, no warning
    assert got["二七区京广路驿站"][1] == "24/7"
    # 管城区 is how everyone writes 管城回族区; the 所属区 column places the unlocated row
    assert st["管城区紫荆山路驿站"].county == "管城回族区"  # type: ignore[attr-defined]
    erqi = st["二七区大学路劳动者港湾"]
    assert (erqi.lon, erqi.adcode) == (None, "410103")  # type: ignore[attr-defined]
    found = [(w.row - FIRST_ROW + 1, w.field, w.cell) for w in report.warnings]
    assert found == [
        (5, "services", "饮水、充电、雨伞"),
        (8, "opening_hours", "夏季8:00-19:00；冬季8:30-18:00"),
        (9, "opening_hours", "8:00-18:00，法定节假日休息"),
        (10, "address", "郑州市二七区京广路"),
    ]
    assert "'雨伞'" in report.warnings[0].reason
    assert "'法定节假日休息'" in report.warnings[2].reason and "(08:00-18:00)" in report.warnings[2].reason
    assert "开放时间未读或未全读 2" in report.summary()[-1]


def test_the_driver_homes_sheet_reads_labelled_coordinates(registry: Registry, tmp_path: Path) -> None:
    path = write_union_workbook(tmp_path / "郑州台账.xlsx")
    report = import_ledger(registry, path, sheet="司机之家", kind="driver_home")
    assert report.counts is not None and report.counts.added == 3 and report.warnings == []
    st = _by_name(registry)
    points = {name: (s.lon, s.lat, s.county) for name, s in st.items()}  # type: ignore[attr-defined]
    assert points == {"中牟司机之家": (114.0212, 34.7185, "中牟县"), "新郑司机之家": (113.7405, 34.3958, "新郑市"),
                      "荥阳司机之家": (113.3834, 34.7871, "荥阳市")}
    zhongmou, xinzheng = st["中牟司机之家"], st["新郑司机之家"]
    assert (zhongmou.truck_parking_capacity, zhongmou.status_date) == (40, date(2020, 12, 1))  # type: ignore[attr-defined]
    assert (xinzheng.status, xinzheng.services) == ("suspended", ("parking", "shower", "meals"))  # type: ignore[attr-defined]


def test_a_gbk_csv_with_a_development_zone_and_a_county_column(registry: Registry, tmp_path: Path) -> None:
    path = write_clerk_gbk_csv(tmp_path / "南京.csv")
    report = import_ledger(registry, path, kind="outdoor_worker_station", crs="gcj02")
    assert report.counts is not None and (report.counts.added, report.unlocated) == (3, 2)
    st = _by_name(registry)
    fuzimiao, jiangning, hexi = st["秦淮区夫子庙驿站"], st["江宁开发区驿站"], st["建邺区河西驿站"]
    assert (fuzimiao.adcode, fuzimiao.opening_hours) == ("320104", "09:00-21:00")  # type: ignore[attr-defined]
    assert (jiangning.adcode, jiangning.opening_hours) == ("320115", "24/7")  # type: ignore[attr-defined]
    assert (hexi.county, hexi.opening_hours) == ("建邺区", "08:00-18:00")  # type: ignore[attr-defined]



def test_line_breaks_placeholders_phones_dates_and_counts(registry: Registry, tmp_path: Path) -> None:
    path = write_wired_workbook(tmp_path / "台账.xlsx", WIRED_ROWS[:3])
    report = import_ledger(registry, path, kind="outdoor_worker_station")
    st = _by_name(registry)
    garden, jingsan, nongye = st["金水区花园路驿站"], st["金水区经三路驿站"], st["金水区农业路驿站"]
    assert (garden.address, garden.opening_hours, garden.services) == (  # type: ignore[attr-defined]
        "郑州市金水区花园路1号 （工商银行一楼）", "Mo-Fr 08:30-17:30; Sa 09:00-12:00",
        ("drinking_water", "food_heating", "truck_parking"))  # 货车车位 40 says it has truck parking
    assert (garden.phone, garden.status_date, garden.truck_parking_capacity) == (  # type: ignore[attr-defined]
        "13903711234", date(2024, 3, 1), 40)
    # "/" coordinates: an unlocated station placed by its address; "——", "无": nothing known
    assert (jingsan.lon, jingsan.adcode, jingsan.opening_hours, jingsan.phone) == (  # type: ignore[attr-defined]
        None, "410105", None, None)
    assert (jingsan.services, jingsan.truck_parking_capacity) == (("truck_parking",), 50)  # type: ignore[attr-defined]
    assert nongye.phone == "0371-63251234"  # type: ignore[attr-defined]
    (warning,) = report.warnings  # the contact's name is not a phone: said, not lost
    assert (warning.row, warning.field, warning.cell) == (2, "phone", "王师傅 13903711234")
    assert "'王师傅'" in warning.reason


def test_phones_excel_mangled_and_dates_without_a_day_are_refused_by_row(registry: Registry,
                                                                        tmp_path: Path) -> None:
    path = write_wired_workbook(tmp_path / "台账.xlsx")
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path, kind="outdoor_worker_station")
    problems = [(p.row, p.field) for p in info.value.problems]
    assert problems == [(5, "phone"), (5, "status_date")]
    assert "科学计数法" in info.value.problems[0].reason and "names no day" in info.value.problems[1].reason


def test_facility_columns_of_ticks_and_a_pair_in_one_coordinate_cell(registry: Registry,
                                                                      tmp_path: Path) -> None:
    path = write_ticks_workbook(tmp_path / "设施.xlsx")
    report = import_ledger(registry, path, kind="outdoor_worker_station")
    assert report.unknown_columns == ("备注",)  # the facility columns are read, not ignored
    st = _by_name(registry)
    got = {name: (s.lon, s.lat, s.services) for name, s in st.items()}  # type: ignore[attr-defined]
    assert got == {
        "金水区花园路驿站": (113.68, 34.78, ("drinking_water", "hot_water", "food_heating", "rest_area",
                                         "air_conditioning", "first_aid", "phone_charging")),
        "二七区大学路驿站": (113.64, 34.72, ("drinking_water", "hot_water", "toilet", "reading")),
        "中原区建设路驿站": (113.62, 34.75, ("toilet",)),
    }
    assert report.warnings == []


@pytest.mark.parametrize(
    ("header", "codes"),
    [("冷热水", ("drinking_water", "hot_water")), ("应急药箱\n（个）", ("first_aid",)), ("WiFi", ("wifi",)),
     ("服务内容", ()), ("备注", ()), ("联系人", ()), ("序号", ())],
)
def test_facility_headers(header: str, codes: tuple[str, ...]) -> None:
    assert service_header(header) == codes


def test_ticks() -> None:
    assert [ticked(t) for t in ("√", "✓", "有", "是", "1", "2台", "", "×", "无", "否", "0", "/")] == [
        True, True, True, True, True, True, False, False, False, False, False, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("8：00—18：00", "08:00-18:00", id="full-width"),
        pytest.param("8:00一18:00", "08:00-18:00", id="ime-yi-for-dash"),
        pytest.param("8:00-18:00。", "08:00-18:00", id="full-stop"),
        pytest.param("早八点至晚六点", "08:00-18:00", id="chinese-numerals"),
        pytest.param("上午：8:00-12:00 下午：14:00-18:00", "08:00-12:00,14:00-18:00", id="label-colons"),
        pytest.param("营业时间：9:00-21:00", "09:00-21:00", id="hours-label"),
        pytest.param("工作日：8:30-17:30", "Mo-Fr 08:30-17:30", id="workdays-colon"),
        pytest.param("每周一至周五 8:30-17:30", "Mo-Fr 08:30-17:30", id="every-week"),
        pytest.param("周一、三、五 9:00-17:00", "Mo,We,Fr 09:00-17:00", id="day-list"),
        pytest.param("周一至周五8:00-18:00，周六、日9:00-17:00", "Mo-Fr 08:00-18:00; Sa,Su 09:00-17:00",
                     id="sat-and-sun-short"),
        pytest.param("8:00-18:00，周六、周日休息", "Mo-Fr 08:00-18:00", id="closed-days"),
        pytest.param("8:00-18:00(周日闭馆)", "Mo-Sa 08:00-18:00", id="closed-day-in-brackets"),
        pytest.param("8:00-17:00（周一至周五）", "Mo-Fr 08:00-17:00", id="days-in-brackets"),
        pytest.param("18:00-次日6:00", "18:00-06:00", id="next-day"),
        pytest.param("晚8点至次日凌晨2点", "20:00-02:00", id="next-day-small-hours"),
        pytest.param("8:00-次日8:00", "24/7", id="round-the-clock"),
        pytest.param("24H", "24/7", id="24H"),
        pytest.param("AM8:00-PM6:00", "08:00-18:00", id="am-pm-before"),
        pytest.param("8:00am-6:00pm", "08:00-18:00", id="am-pm-after"),
        pytest.param("周一至周五全天", "Mo-Fr 00:00-24:00", id="whole-days"),
        pytest.param("Mo-Fr 00:00-24:00", "Mo-Fr 00:00-24:00", id="whole-days-round-trip"),
        pytest.param("/", None, id="slash"),
        pytest.param("无", None, id="none-written"),
        pytest.param("——", None, id="long-dash"),
    ],
)
def test_hours_as_clerks_write_them(text: str, expected: str | None) -> None:
    assert canonical_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "remark"),
    [
        pytest.param("工作日8:30-17:30，节假日休息", "节假日休息", id="holidays-clause"),
        pytest.param("8:00-18:00（法定节假日除外）", "法定节假日除外", id="holidays-bracket"),
        pytest.param("工作日 8:30-17:30 周末休息", None, id="closed-days-are-read"),
        pytest.param("8:00-17:00(周一至周五)", None, id="days-are-read"),
    ],
)
def test_remarks_that_are_not_hours_are_returned_to_be_reported(text: str, remark: str | None) -> None:
    assert split_remark(text)[1] == remark


@pytest.mark.parametrize("text", ["夏季8:00-19:00；冬季8:30-18:00", "与银行营业时间一致", "常年开放"])
def test_prose_hours_stay_unreadable(text: str) -> None:
    with pytest.raises(HoursUnreadable):
        canonical_hours(text)


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        pytest.param("1.饮水 2.充电 3.休息", ("drinking_water", "rest_area", "phone_charging"), (), id="numbered"),
        pytest.param("1、饮水；2、充电", ("drinking_water", "phone_charging"), (), id="numbered-dunhao"),
        pytest.param("无", (), (), id="none"),
        pytest.param("——", (), (), id="dash"),
        pytest.param("职工书屋、洗浴、床铺、餐厅", ("reading", "shower", "meals", "lodging"), (), id="more-words"),
        pytest.param("伤可用药、学可读报、用电可充", ("first_aid", "phone_charging", "reading"), (), id="slogan"),
        pytest.param("饮水、冰箱、针线包", ("drinking_water",), ("冰箱", "针线包"), id="no-code-is-reported"),
        pytest.param("√", (), ("√",), id="tick-is-reported"),
    ],
)
def test_service_cells(text: str, codes: tuple[str, ...], unknown: tuple[str, ...]) -> None:
    found, _capacity, left = read_services(text)
    assert (found, left) == (codes, unknown)


@pytest.mark.parametrize(
    "text",
    ["东经：113.62，北纬：34.75", "经度113.62 纬度34.75", "lng:113.62,lat:34.75", "113.62，34.75。",
     "北纬：34.75；东经：113.62", "113 37 12, 34 45 0", "113。62，34。75"],
)
def test_labelled_coordinate_pairs(text: str) -> None:
    assert read_pair(text) == pytest.approx((113.62, 34.75))


def test_a_bad_half_of_a_pair_names_the_whole_cell() -> None:
    with pytest.raises(CellError, match="'东经：113.62，北纬：abc'"):
        read_pair("东经：113.62，北纬：abc")


@pytest.mark.parametrize(
    ("header", "column"),
    [("所属区", "county"), ("区/县", "county"), ("所属县（市、区）", "county"), ("所在地", "county"),
     ("区县名称", "county"), ("城市名称", "city"), ("所属市", "city"), ("街道名称", None),
     ("X坐标", "lon"), ("Y坐标", "lat"), ("值班电话", "phone"), ("服务时间段", "opening_hours"),
     ("设施配备", "services"), ("驿站类别", "kind"), ("站点\n名称", "name"), ("坐标系", None),
     ("经纬度来源", None), ("经纬度（GCJ02）", "coordinates")],
)
def test_header_words(header: str, column: str | None) -> None:
    assert canonical_header(header) == column


@pytest.mark.parametrize(
    ("word", "kind"),
    [("暖心驿站", "outdoor_worker_station"), ("劳动者港湾", "outdoor_worker_station"),
     ("爱心港湾", "outdoor_worker_station"), ("货车司机之家", "driver_home")],
)
def test_kinds_in_local_words(word: str, kind: str) -> None:
    assert KIND_ALIASES[word] == kind


@pytest.mark.parametrize(
    ("word", "status"),
    [("正常运营", "active"), ("运行中", "active"), ("已建成", "active"), ("在建", "planned"),
     ("暂停服务", "suspended"), ("已摘牌", "revoked")],
)
def test_statuses_in_local_words(word: str, status: str) -> None:
    assert STATUS_ALIASES[word] == status


@pytest.mark.parametrize(
    ("text", "adcode"),
    [("郑州市管城区紫荆山路", "410104"), ("围场县", "130828"), ("江宁经济技术开发区将军大道", "320115"),
     ("南京江宁开发区", "320115")],
)
def test_addresses_as_people_shorten_them(text: str, adcode: str) -> None:
    found = parse_address(text)
    assert found is not None and found.adcode == adcode


def test_a_generic_zone_without_a_county_before_it_still_needs_a_city() -> None:
    with pytest.raises(AmbiguousAddress, match="高新区"):
        parse_address("高新区科学大道100号")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0371－63251234", ("0371-63251234", None)), ("王师傅 13903711234", ("13903711234", "王师傅")),
     ("13812345678（张师傅）", ("13812345678", "张师傅")), ("无", ("", None)),
     ("0371-66661234转8001", ("0371-66661234转8001", None)), ("+86 25 8888 1234", ("+86 25 8888 1234", None))],
)
def test_phone_cells(text: str, expected: tuple[str, str | None]) -> None:
    assert read_phone(text) == expected


@pytest.mark.parametrize(("text", "reason"), [("1.38123E+10", "科学计数法"), ("联系人张三", "not a phone number")])
def test_phone_cells_that_lost_their_number(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        read_phone(text)


@pytest.mark.parametrize(("text", "count"), [("40个", 40), ("约50", 50), ("40.0", 40), ("４０", 40),
                                              ("大车位30个", 30), ("0", 0)])
def test_count_cells(text: str, count: int) -> None:
    assert read_count(text) == count


@pytest.mark.parametrize("text", ["30-40个", "12.5", "-3", "无"])
def test_count_cells_refused(text: str) -> None:
    with pytest.raises(CellError, match="whole number"):
        read_count(text)


@pytest.mark.parametrize("text", ["2024-03-01", "2024-3-1", "2024/3/1", "2024.3.1", "2024年3月1日", "20240301",
                                  "2024-03-01 00:00:00", "45352"])
def test_date_cells(text: str) -> None:
    assert read_date(text) == date(2024, 3, 1)


@pytest.mark.parametrize(("text", "reason"), [("2024年3月", "names no day"), ("2024-02-30", "no such date"),
                                              ("去年", "not a date")])
def test_date_cells_refused(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        read_date(text)


def test_blank_cells_and_line_breaks() -> None:
    assert [blank_cell(t) for t in ("/", "／", "无", "——", "待定", "0", "金水区")] == [
        True, True, True, True, True, False, False]
    assert one_line("郑州市金水区花园路1号\r\n （工商银行一楼）") == "郑州市金水区花园路1号 （工商银行一楼）"
