"""Spreadsheets the service writes never carry a live formula, and still import back
unchanged; text fields are checked the same way on every path (import, API, CLI)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stations.errors import InvalidInput, LedgerInvalid
from stations.io.export import export_stations
from stations.io.ledger import import_ledger
from stations.io.report import write_report
from stations.io.rows import Finding
from stations.io.safe_cells import csv_text, csv_text_in
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER

EVIL_NAMES = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'=already quoted",
    "''+twice",
    "'plain apostrophe",
]


@pytest.mark.parametrize("text", [*EVIL_NAMES, "-12.5", "+86", "驿站", "a=b", ""])
def test_csv_text_round_trips_every_value(text: str) -> None:
    assert csv_text_in(csv_text(text)) == text


@pytest.mark.parametrize(("value", "written"), [
    ('=HYPERLINK("http://evil","x")', "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-x", "'-x"),
    ("-12.5", "-12.5"), ("+86", "+86"), ("1e-5", "1e-5"),  # plain numbers stay numbers
    (-12.5, -12.5), (3, 3), (None, None), ("驿站", "驿站"),
])
def test_csv_text_guards_formulas_only(value: object, written: object) -> None:
    assert csv_text(value) == written


@pytest.mark.parametrize(("value", "written"), [
    ("-2", "'-2"), ("+86", "'+86"), ("'-2", "''-2"),  # text columns keep number-like text as text
    ('=HYPERLINK("http://evil","x")', "'=HYPERLINK(\"http://evil\",\"x\")"), ("@x", "'@x"),
    (-2, -2), (3.5, 3.5), (None, None), ("驿站", "驿站"), ("a-2", "a-2"),
])
def test_csv_text_of_a_text_only_column_guards_number_like_text_too(value: object, written: object) -> None:
    assert csv_text(value, text_only=True) == written


def evil_ledger(write_csv: Callable[..., Path]) -> Path:
    rows = [list(r) for r in GOOD_ROWS[:3]]
    rows[0][1], rows[1][1], rows[2][1] = EVIL_NAMES[0], EVIL_NAMES[1], EVIL_NAMES[4]
    rows[0][5] = "@地址"  # address
    rows[0][8] = "+86 371 1234 5678"  # a phone that starts with +
    return write_csv(rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_names_export_as_text_and_import_back_unchanged(
        registry: Registry, write_csv: Callable[..., Path], tmp_path: Path, suffix: str) -> None:
    import_ledger(registry, evil_ledger(write_csv))
    before = registry.all()
    assert {st.name for st in before} >= {EVIL_NAMES[0], EVIL_NAMES[1]}
    out = tmp_path / f"export{suffix}"
    export_stations(before, out)

    if suffix == ".xlsx":
        sheet = load_workbook(out).active
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            by_name = dict(zip(header, row, strict=True))
            for cell in row:
                assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            assert by_name["name"].data_type == "s"
            assert by_name["lon"].data_type == "n" and isinstance(by_name["lon"].value, float)
    else:
        with out.open(encoding="utf-8-sig", newline="") as fh:
            records = list(csv.DictReader(fh))
        names = {r["name"] for r in records}
        assert "'" + EVIL_NAMES[0] in names and "'" + EVIL_NAMES[1] in names
        assert not any(v[:1] in "=+-@\t\r" and v.strip("+-.0123456789eE")
                       for r in records for v in r.values())

    other = Registry.open(f"sqlite:///{tmp_path / 'other.db'}")
    report = import_ledger(other, out)
    assert report.counts is not None and report.counts.added == 3
    assert other.all() == before
    other.close()


def test_the_import_report_writes_original_cells_as_text(tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    write_report(out, "=evil()", warnings=[Finding(2, "name", "x", "why", EVIL_NAMES[0])])
    sheet = load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert EVIL_NAMES[0] in [c.value for c in cells]  # kept exactly, as text
    assert "=evil()" in [c.value for c in cells]


def test_a_stored_nul_cannot_crash_an_xlsx_export(registry: Registry, write_csv: Callable[..., Path],
                                                  tmp_path: Path) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS[:1]))
    (station,) = registry.all()
    from dataclasses import replace

    export_stations([replace(station, name="驿\x00站")], tmp_path / "x.xlsx")  # data from before the checks
    assert load_workbook(tmp_path / "x.xlsx").active["B2"].value == "驿\ufffd站"


# -- text fields: the same check on every path -------------------------------------------


@pytest.mark.parametrize(("field", "value", "reason"), [
    pytest.param("name", "驿\x00站", "control character (U+0000)", id="nul-in-name"),
    pytest.param("name", "驿站\u202egnp.exe", "bidirectional control (U+202E)", id="bidi"),
    pytest.param("name", "\u200b", "only invisible characters", id="zero-width-only"),
    pytest.param("name", "驿" * 201, "at most 200 characters", id="long-name"),
    pytest.param("address", "路" * 501, "at most 500 characters", id="long-address"),
    pytest.param("host", "a\x07b", "control character (U+0007)", id="bell-in-host"),
])
def test_import_refuses_bad_text_as_file_row_field_reason(
        registry: Registry, write_csv: Callable[..., Path], field: str, value: str, reason: str) -> None:
    row = list(GOOD_ROWS[0])
    row[LEDGER_HEADER.index(field)] = value
    path = write_csv([row])
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.field) == (str(path), 2, field)
    assert reason in problem.reason
    assert registry.count() == 0


@pytest.mark.parametrize(("size", "field", "reason"), [
    (5000, "status_reason", "at most 1000 characters"),
    (100_000, "file", "a cell is longer than 32,767 characters"),  # refused by the reader
    (1_000_000, "file", "longer than 1,000,000 characters"),
])
def test_a_long_status_reason_is_refused_in_the_import(
        registry: Registry, write_csv: Callable[..., Path], size: int, field: str, reason: str) -> None:
    path = write_csv([[*GOOD_ROWS[0], "x" * size]], header=[*LEDGER_HEADER, "status_reason"])
    with pytest.raises(LedgerInvalid) as info:
        import_ledger(registry, path)
    assert [(p.row, p.field) for p in info.value.problems] == [(2, field)]
    assert reason in info.value.problems[0].reason


def test_text_is_normalised_to_nfc_on_import(registry: Registry, write_csv: Callable[..., Path]) -> None:
    row = list(GOOD_ROWS[0])
    row[1] = "Cafe\u0301 驿站 "  # e + combining accent, trailing space
    import_ledger(registry, write_csv([row]))
    assert registry.get("ZZ1").name == "Café 驿站"


@pytest.mark.parametrize(("reason", "message"), [
    ("x" * 1_000_000, "at most 1000 characters"),
    ("损坏\x00", "control character"),
    ("\u200b\u200b", "only invisible characters"),
])
def test_status_reason_is_checked_in_the_registry(registry: Registry, write_csv: Callable[..., Path],
                                                  reason: str, message: str) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS[:1]))
    with pytest.raises(InvalidInput, match=message):
        registry.set_status("ZZ1", "suspended", reason=reason, actor="t")
    assert registry.get("ZZ1").status == "active"


def test_the_cli_refuses_the_same_reason_with_exit_1(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "stations", *args], capture_output=True, text=True,
                              env=env, timeout=120)

    assert run("import", str(write_csv(GOOD_ROWS[:1]))).returncode == 0
    result = run("set-status", "ZZ1", "suspended", "--reason", "驿站\u202e")
    assert result.returncode == 1, result.stderr
    assert "bidirectional control" in result.stderr and "Traceback" not in result.stderr
