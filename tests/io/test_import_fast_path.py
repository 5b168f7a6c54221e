"""The fast import path (issue 17: 200,000 rows in a few seconds) reads exactly what the
row-by-row reading reads: same records, same fields, same problems and warnings, same rows
named in every message."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import stations.io.tabular as tabular
from stations.errors import LedgerInvalid
from stations.io.columns import parse_records
from stations.io.fastcsv import MIN_ROWS
from stations.io.ledger import import_ledger
from stations.io.rows import parse_row
from stations.io.tabular import read_table
from stations.store.registry import Registry

HEADER = ["序号", "编号", "站点名称", "类型", "经度", "纬度", "详细地址", "服务内容", "开放时间",
          "联系电话", "状态", "货车车位", "状态日期"]
# Cells as clerks write them: each row differs from a plain one in one way.
ODD_ROWS: list[list[str]] = [
    ["", "Z-DMS", "金水区度分秒驿站", "爱心驿站", "113°37′12″", "34°45′36″", "郑州市金水区花园路1号",
     "饮水、热水、微波炉，休息", "8:00—18:00", "0371-1234567", "", ""],
    ["", "Z-FW", "全角驿站", "outdoor_worker_station", "１１３．６５", "３４．７６", "郑州市金水区经三路2号",
     "drinking_water", "全天", "１３８００１３８０００", "在用", ""],
    ["", "Z-UNK", "未知服务驿站", "outdoor_worker_station", "113.66", "34.77", "郑州市金水区3号",
     "饮水、拖鞋", "24小时", "0371-7654321", "active", ""],
    ["", "Z-PROSE", "时间是句话驿站", "outdoor_worker_station", "113.67", "34.78", "郑州市金水区4号",
     "toilet", "看情况", "0371-1111111", "active", ""],
    ["", "Z-REMARK", "带说明驿站", "outdoor_worker_station", "113.68", "34.79", "郑州市金水区5号",
     "toilet", "8:30~17:30（节假日休息）", "0371-2222222", "active", ""],
    ["", "Z-PHONE", "坏电话驿站", "outdoor_worker_station", "113.69", "34.80", "郑州市金水区6号",
     "toilet", "24/7", "打电话", "active", ""],
    ["", "Z-CTRL", "控制\x07字符驿站", "outdoor_worker_station", "113.70", "34.81", "郑州市金水区7号",
     "toilet", "24/7", "0371-3333333", "active", ""],
    ["", "Z-NFD", "Cafe\u0301驿站", "outdoor_worker_station", "113.71", "34.82", "郑州市金水区8号",
     "toilet", "24/7", "0371-4444444", "active", ""],
    ["", "Z-NONAME", "", "outdoor_worker_station", "113.72", "34.83", "郑州市金水区9号",
     "toilet", "24/7", "0371-5555555", "active", ""],
    ["", "Z-KIND", "怪类型驿站", "加油站", "113.73", "34.84", "郑州市金水区10号",
     "toilet", "24/7", "0371-6666666", "active", ""],
    ["", "Z-LONLY", "只有经度驿站", "outdoor_worker_station", "113.74", "", "郑州市金水区11号",
     "toilet", "24/7", "0371-7777777", "active", ""],
    ["", "Z-RANGE", "超范围驿站", "outdoor_worker_station", "213.74", "34.85", "郑州市金水区12号",
     "toilet", "24/7", "0371-8888888", "active", ""],
    ["", "Z-UNDER", "下划线驿站", "outdoor_worker_station", "11_3.75", "34.86", "郑州市金水区13号",
     "toilet", "24/7", "0371-9999999", "active", ""],
    ["", "Z-CAP", "车位驿站", "司机之家", "113.76", "34.87", "郑州市中牟县14号",
     "饮水、停车", "24/7", "0371-1212121", "active", "四十"],
    ["", "Z-CAP2", "车位好驿站", "司机之家", "113.77", "34.88", "郑州市中牟县15号",
     "drinking_water", "24/7", "0371-1313131", "active", "40"],
    ["", "Z-NOXY", "没坐标驿站", "outdoor_worker_station", "", "", "郑州市二七区大学路16号",
     "toilet", "24/7", "0371-1414141", "active", ""],
    ["", "Z-INVIS", "\u200b\u200b", "outdoor_worker_station", "113.78", "34.89", "郑州市金水区17号",
     "toilet", "24/7", "0371-1515151", "active", ""],
    ["", "Z-STATUS", "怪状态驿站", "outdoor_worker_station", "113.79", "34.90", "郑州市金水区18号",
     "toilet", "24/7", "0371-1616161", "半开", ""],
    ["", "Z-DATE", "日期驿站", "outdoor_worker_station", "113.80", "34.91", "郑州市金水区19号",
     "toilet", "25:00-26:00", "0371-1717171", "active", ""],
    ["", "Z-LONG", "长" * 201, "outdoor_worker_station", "113.81", "34.92", "郑州市金水区20号",
     "toilet", "24/7", "0371-1818181", "active", ""],
    ["", "Z-WHO", "联系人驿站", "outdoor_worker_station", "113.82", "34.93", "郑州市金水区21号",
     "toilet", "24/7", "王师傅 13903711234", "active", ""],
    ["", "Z-DASH", "全角横线驿站", "outdoor_worker_station", "113.83", "34.94", "郑州市金水区22号",
     "toilet", "24/7", "0371－63251234", "active", ""],
    ["", "Z-EXCEL", "科学计数驿站", "outdoor_worker_station", "113.84", "34.95", "郑州市金水区23号",
     "toilet", "24/7", "1.38123E+10", "active", ""],
    ["", "Z-BREAK", "换行\n驿站", "outdoor_worker_station", "113.85", "34.96", "郑州市金水区\n24号",
     "饮水\n热水", "8:00-18:00\n周末休息", "0371-1919191", "active", ""],
    ["", "Z-LSEP", "段落\u2028驿站", "outdoor_worker_station", "113.86", "34.97", "郑州市金水区25号",
     "toilet", "24/7", "0371-2020202", "active", ""],
    ["", "Z-PAIR", "一格坐标驿站", "outdoor_worker_station", "113.87,34.98", "", "郑州市金水区26号",
     "toilet", "24/7", "0371-2121212", "active", ""],
    ["", "Z-PLACE", "占位驿站", "outdoor_worker_station", "113.88", "34.99", "郑州市金水区27号",
     "无", "/", "——", "active", ""],
    ["", "Z-ABOUT", "约数驿站", "司机之家", "113.89", "35.00", "郑州市中牟县28号",
     "停车", "24/7", "0371-2222223", "active", "约50"],
    ["", "Z-DAY", "日期驿站二", "outdoor_worker_station", "113.90", "35.01", "郑州市金水区29号",
     "toilet", "24/7", "0371-2323232", "suspended", "", "2024年3月1日"],
    ["", "Z-MONTH", "只有月份驿站", "outdoor_worker_station", "113.91", "35.02", "郑州市金水区30号",
     "toilet", "24/7", "0371-2424242", "suspended", "", "2024年3月"],
]


def _plain(i: int) -> list[str]:
    return [str(i), f"P{i:05d}", f"金水区爱心驿站{i}", "outdoor_worker_station", f"{113.6 + i * 1e-5:.6f}",
            f"{34.7 + i * 1e-5:.6f}", f"郑州市金水区第{i % 97 + 1}街{i}号",
            "drinking_water;hot_water;truck_parking:12" if i % 7 == 0 else "drinking_water;toilet",
            "Mo-Fr 08:00-18:00" if i % 3 else "24/7", f"0371-{i:07d}", "active", "", ""]


def _ledger(n: int) -> list[list[str]]:
    rows = [_plain(i) for i in range(n)]
    for k, odd in enumerate(ODD_ROWS):  # spread through the file
        rows[(k * 37 + 5) % n] = ([str(k)] + odd[1:] + [""])[:len(HEADER)]
    return rows


def _expected(records: Any, j: int) -> tuple[dict[str, Any], list[tuple[str, str]], list[Any]]:
    out, problems, warnings = parse_row(records.row(j))
    return out, problems, warnings


def test_every_row_read_by_columns_is_what_the_row_reading_says(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *_ledger(400)])
    records = read_table(path).records
    parsed = parse_records(records)
    problem_rows, warning_rows = set(), set()
    for j in range(len(records)):
        out, problems, warnings = _expected(records, j)
        for name, column in parsed.fields.items():
            default = () if name == "services" else ("active" if name == "status" else None)
            want = out.get(name, default) if name != "status" else (out.get("status") or "active")
            assert column[j] == want, (records.numbers[j], name)
        for axis, got in (("lon", parsed.lon[j]), ("lat", parsed.lat[j])):
            want_xy = out.get(axis)
            assert (np.isnan(got) if want_xy is None else got == want_xy), (records.numbers[j], axis)
        mine = [(f, r) for i, f, r in parsed.problems if i == j]
        assert mine == problems, records.numbers[j]
        assert [w for w in parsed.warnings if w.row == records.numbers[j]] == warnings
        if problems:
            problem_rows.add(records.row(j).values["id"])
        if warnings:
            warning_rows.add(records.row(j).values["id"])
    # the odd rows were found: each a problem or a warning (or read into the right value)
    assert {"Z-PHONE", "Z-CTRL", "Z-NONAME", "Z-KIND", "Z-LONLY", "Z-RANGE", "Z-CAP",
            "Z-INVIS", "Z-STATUS", "Z-DATE", "Z-LONG"} <= problem_rows
    assert {"Z-EXCEL", "Z-MONTH"} <= problem_rows
    assert {"Z-UNK", "Z-PROSE", "Z-REMARK", "Z-WHO"} <= warning_rows
    at = records.columns["id"].index
    assert parsed.fields["phone"][at("Z-DASH")] == "0371-63251234"
    assert parsed.fields["name"][at("Z-BREAK")] == "换行 驿站" and parsed.fields["name"][at("Z-LSEP")] == "段落 驿站"
    assert (parsed.lon[at("Z-PAIR")], parsed.lat[at("Z-PAIR")]) == (113.87, 34.98)
    assert parsed.fields["phone"][at("Z-PLACE")] is None and parsed.fields["opening_hours"][at("Z-PLACE")] is None
    assert parsed.fields["truck_parking_capacity"][at("Z-ABOUT")] == 50
    assert str(parsed.fields["status_date"][at("Z-DAY")]) == "2024-03-01"
    dms = records.columns["id"].index("Z-DMS")
    assert parsed.lon[dms] == pytest.approx(113.62) and parsed.fields["opening_hours"][dms] == "08:00-18:00"
    nfd = records.columns["id"].index("Z-NFD")
    assert parsed.fields["name"][nfd] == "Café驿站"  # normalised to NFC, as the row reading does


def _messy_big_csv(path: Path, n: int, encoding: str = "utf-8") -> Path:
    rows: list[list[str]] = [["郑州市户外劳动者服务站点台账（2026 年 11 月）"], ["填报单位：郑州市总工会"], HEADER]
    for i in range(n):
        row = _plain(i)
        if i % 500 == 3:
            row[6] = f"  郑州市金水区\n花园路{i}号  "  # a line break inside a quoted cell, spaces around
        if i % 777 == 5:
            row[7] = "'=HYPERLINK(\"http://x\")"  # our own export's apostrophe before a formula
        rows.append(row)
        if i == n // 2:
            rows.append([])  # a blank line
            rows.append(["二、二七区"])  # a section row: the region of the rows below
    rows += [["合计", "", f"{n} 个"], ["制表人：张三", "", "审核：李四"]]
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_big_csv_reads_the_same_fast_as_row_by_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       encoding: str) -> None:
    path = _messy_big_csv(tmp_path / "big.csv", MIN_ROWS + 1_000, encoding)
    used: list[bool] = []
    fast = tabular.plain_records

    def spy(*args: Any) -> Any:
        found = fast(*args)
        used.append(found is not None)
        return found
    monkeypatch.setattr(tabular, "plain_records", spy)
    quick = read_table(path).records
    monkeypatch.setattr(tabular, "plain_records", lambda *args: None)
    slow = read_table(path).records
    assert used == [True]
    assert quick.numbers == slow.numbers and quick.columns == slow.columns
    assert quick.contexts == slow.contexts and quick.contexts is not None
    # rows below the section row carry it; the title, blank, 合计 and 制表人 rows are no stations
    assert len(quick) == MIN_ROWS + 1_000 and quick.numbers[0] == 4
    assert quick.contexts[-1] == "二、二七区" and quick.contexts[0] is None
    assert quick.columns["services"][5 - 0] != "'=HYPERLINK(\"http://x\")"


def test_a_row_wider_than_the_header_is_read_row_by_row(tmp_path: Path) -> None:
    path = _messy_big_csv(tmp_path / "wide.csv", MIN_ROWS + 10)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[100] = lines[100].rstrip("\r\n") + ",多出来的备注,又一格\r\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert tabular.plain_records(path, "utf-8", _header(path), len(HEADER)) is None
    records = read_table(path).records  # the row-by-row reading reads it all the same
    assert len(records) == MIN_ROWS + 10


def _header(path: Path) -> Any:
    from stations.io.sources import file_sheets
    from stations.io.table import choose_sheet
    return choose_sheet(file_sheets(path, str(path)), str(path), None)[1]


def test_problems_in_a_big_file_name_their_rows_and_nothing_is_written(
        registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = [_plain(i) for i in range(MIN_ROWS + 500)]
    rows[4_321][5] = "九十一"  # not a latitude
    rows[5_000][2] = "驿站\u202egnp.exe"  # a bidirectional control
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["台账"], HEADER, *rows])
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    found = {(p.row, p.field) for p in info.value.problems}
    assert found == {(4_321 + 3, "lat"), (5_000 + 3, "name")}
    assert registry.count() == 0


def test_every_imported_station_starts_its_history_with_the_ledger_it_came_from(
        registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "郑州台账.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *[_plain(i) for i in range(30)]])
    report = import_ledger(registry, path, actor="clerk")
    assert report.counts is not None and report.counts.added == 30
    for sid in ("P00000", "P00029"):
        (entry,) = registry.history(sid)
        assert (entry.action, entry.actor, entry.changes) == ("create", "clerk", {})
        assert entry.reason == "台账 / ledger 郑州台账.csv"
    rows = [_plain(i) for i in range(30)]
    rows[3][8] = "24/7" if rows[3][8] != "24/7" else "08:00-20:00"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    again = import_ledger(registry, path, actor="clerk")
    assert again.counts is not None and (again.counts.added, again.counts.updated) == (0, 1)
    first, second = registry.history("P00003")
    assert second.action == "import" and set(second.changes) == {"opening_hours"}


def test_address_heads_of_a_column_are_each_address_head() -> None:
    from stations.io.places import address_head, address_heads
    addresses = ["郑州市金水区花园路1号", "12号院", "郑州市二七区大学路", "Ｎo.５郑州市", "北京市朝阳区", "",
                 "南宁市第1街1号", "１号楼郑州市"]
    assert address_heads(addresses) == [address_head(a) for a in addresses]
    assert address_heads(["a\nb", "郑州市1号"]) == [address_head("a\nb"), "郑州市"]
    assert address_heads([]) == []
