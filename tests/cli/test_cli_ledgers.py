"""``stations import`` on a union's spreadsheet: options, summary, report; the unlocated queue."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.test_cli import run
from tests.support.messy import write_messy_xlsx


def test_a_union_workbook_from_the_command_line(tmp_path: Path) -> None:
    ledger = write_messy_xlsx(tmp_path / "台账.xlsx")
    refused = run("import", str(ledger), home=tmp_path)
    assert refused.returncode == 1 and f"{ledger}:4: kind: " in refused.stderr
    report = tmp_path / "report.xlsx"
    done = run("import", str(ledger), "--kind", "outdoor_worker_station", "--crs", "gcj02",
               "--region", "410100", "--report", str(report), home=tmp_path, check=True)
    assert "读取工作表 '驿站台账'" in done.stdout
    assert "added 4, updated 0, unchanged 0" in done.stdout
    assert "unlocated (to be located on site) 2" in done.stdout
    assert "unknown service words 1" in done.stdout
    assert f"{ledger}:9: services: 警告 / warning:" in done.stderr
    lines = list(load_workbook(report).active.iter_rows(min_row=3, values_only=True))
    assert [line[:3] for line in lines] == [(9, "警告 / warning", "services")]
    queue = run("queue", "unlocated", "--region", "410100", "--json", home=tmp_path, check=True)
    names = [s["name"] for s in json.loads(queue.stdout)["stations"]]
    assert sorted(names) == ["二七区大学路驿站", "航空港区司机服务点"]
