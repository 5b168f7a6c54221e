"""Files in are bounded by what they hold, not by what they claim: a 60 MB single-line
CSV fails fast in little memory, a sheet declaring the whole grid is read in its used
range, an XML bomb is a clear FILE error; the CLI says ``FILE:ROW: field: reason`` and
exits 1; demand files get the same limits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from stations.coverage.demand import read_demand
from stations.errors import LedgerInvalid
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import declare_dimension

MB = 1024 * 1024




def test_20k_rows_declaring_the_whole_sheet_are_read_fast(registry: Registry, tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("stations")
    sheet.append(["name", "kind", "lon", "lat"])
    for i in range(20_000):
        sheet.append([f"驿站{i}", "outdoor_worker_station", 113.5 + (i % 200) / 1000, 34.7 + (i // 200) / 1000])
    path = tmp_path / "whole-sheet.xlsx"
    book.save(path)
    declare_dimension(path, "A1:XFD1048576")
    started = time.monotonic()
    report = import_ledger(registry, path, dry_run=True)
    seconds = time.monotonic() - started
    print(f"\n20k rows declaring A1:XFD1048576: {seconds:.1f} s")
    assert report.rows == 20_000
    assert seconds < 15  # 17.9 s before on a fast machine, for reading alone


def peak_rss_mb(code: str) -> tuple[int, str, float]:
    """Run ``code`` in a fresh interpreter; its exit code, stderr and peak RSS (MB)."""
    wrapped = code + textwrap.dedent("""
        import resource, sys
        print(f"PEAK_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
    """)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True, timeout=300, env=env)
    match = re.search(r"PEAK_KB=(\d+)", proc.stderr)
    assert match, proc.stderr[-2000:]
    return proc.returncode, proc.stderr, int(match.group(1)) / 1024


@pytest.fixture(scope="module")
def one_line_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "one-line.csv"
    with path.open("wb") as fh:
        fh.write(b"name,kind,lon,lat\n")
        block = "驿".encode() * (MB // 3)
        for _ in range(60):
            fh.write(block)  # 60 MB on one line, no newline at all
    return path


def test_a_60_mb_single_line_csv_fails_fast_in_bounded_memory(one_line_csv: Path, tmp_path: Path) -> None:
    baseline = peak_rss_mb("import stations.io.ledger, stations.store.registry")[2]
    started = time.monotonic()
    code, err, peak = peak_rss_mb(textwrap.dedent(f"""
        from stations.errors import LedgerInvalid
        from stations.io.ledger import import_ledger
        from stations.store.registry import Registry
        registry = Registry.open("sqlite:///{tmp_path / 'x.db'}")
        try:
            import_ledger(registry, {str(one_line_csv)!r})
        except LedgerInvalid as exc:
            print(exc, file=__import__("sys").stderr)
    """))
    seconds = time.monotonic() - started
    print(f"\n60 MB single line: peak RSS {peak:.0f} MB (imports alone {baseline:.0f} MB), {seconds:.1f} s")
    assert code == 0, err[-2000:]
    assert f"{one_line_csv}:2: file: 行过长 / line 2 is longer than 1,000,000 characters" in err
    assert peak - baseline < 40, f"{peak - baseline:.0f} MB more than the imports for a 60 MB line"


def test_the_cli_reports_it_as_file_row_field_reason_and_exits_1(one_line_csv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "stations", "import", str(one_line_csv)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert f"{one_line_csv}:2: file: 行过长 / line 2 is longer than 1,000,000 characters" in result.stderr
    assert "Traceback" not in result.stderr


def test_demand_files_have_the_same_limits(one_line_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(LedgerInvalid, match="longer than 1,000,000 characters"):
        read_demand(one_line_csv)
    book = Workbook()
    book.active.append(["lon", "lat"])
    book.active.append([113.66, 34.78])
    path = tmp_path / "demand.xlsx"
    book.save(path)
    declare_dimension(path, "A1:XFD1048576")
    assert len(read_demand(path)) == 1
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    entities = ('<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    body = parts["xl/worksheets/sheet1.xml"].decode().split("?>", 1)[-1]
    parts["xl/worksheets/sheet1.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>' + entities + body).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(LedgerInvalid) as info:
        read_demand(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.field) == (str(path), "file"), problem
    assert "forbidden XML entities" in problem.reason, problem
