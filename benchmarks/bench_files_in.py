"""Hostile ledger files: peak memory and time of refusing (or reading) them.

    python benchmarks/bench_files_in.py [--gb 1.0]

Each case runs ``import_ledger --dry-run`` in a child process and prints its peak RSS
(``ru_maxrss``) next to the baseline of the same child importing a small good ledger, and
the message the user sees. Cases: a single-line CSV of ``--gb`` gigabytes, an XLSX with an
XML entity bomb, and an XLSX of 20,000 rows that declares the whole sheet
(``A1:XFD1048576``) as its dimension. Files are written under a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from stations.errors import LedgerInvalid
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
registry = Registry.open(sys.argv[2])
t0 = time.perf_counter()
try:
    report = import_ledger(registry, sys.argv[1], dry_run=True)
    message = f"read {{report.rows}} rows"
except LedgerInvalid as exc:
    message = str(exc.problems[0])[-160:]
print(json.dumps({{"seconds": time.perf_counter() - t0, "message": message,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(path: Path, tmp: Path) -> dict[str, object]:
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, str(path), str(tmp / f"{path.stem}.db")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def good_csv(tmp: Path) -> Path:
    path = tmp / "good.csv"
    path.write_text("name,kind,lon,lat\n驿站,outdoor_worker_station,113.66,34.78\n", encoding="utf-8")
    return path


def one_line_csv(tmp: Path, gigabytes: float) -> Path:
    path = tmp / "one-line.csv"
    block = ("x" * (1 << 20)).encode()
    with path.open("wb") as fh:
        fh.write(b"name,kind,lon,lat\n")
        for _ in range(int(gigabytes * 1024)):
            fh.write(block)
    return path


def _workbook(tmp: Path, name: str, rows: int) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("stations")
    sheet.append(["name", "kind", "lon", "lat"])
    for i in range(rows):
        sheet.append([f"驿站{i}", "outdoor_worker_station", 113.6 + (i % 1000) / 10_000, 34.7])
    path = tmp / name
    book.save(path)
    return path


def _rewrite_sheet(path: Path, change: object) -> None:
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = change(parts[sheet].decode()).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def xml_bomb(tmp: Path) -> Path:
    path = _workbook(tmp, "bomb.xlsx", 2)
    levels = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{i} "{"".join(f"&e{i - 1};" for _ in range(10))}">' for i in range(1, 10)]
    doctype = f"<!DOCTYPE d [{''.join(levels)}]>"

    def bomb(xml: str) -> str:
        body = xml.split("?>", 1)[-1]
        body = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="inlineStr"><is><t>&e9;</t></is></c>', body)
        return '<?xml version="1.0" encoding="UTF-8"?>' + doctype + body

    _rewrite_sheet(path, bomb)
    return path


def declared_whole_sheet(tmp: Path) -> Path:
    path = _workbook(tmp, "whole-sheet.xlsx", 20_000)

    def declare(xml: str) -> str:
        if "<dimension" in xml:
            return re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
        return xml.replace("<sheetData", '<dimension ref="A1:XFD1048576"/><sheetData', 1)

    _rewrite_sheet(path, declare)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0, help="size of the single-line CSV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = run(good_csv(tmp), tmp)
        print(f"baseline (a 1-row ledger)          : peak {base['peak_mb']:7.0f} MB  "
              f"{base['seconds']:6.2f} s")
        t0 = time.perf_counter()
        cases = [(f"single-line CSV, {args.gb:g} GB", one_line_csv(tmp, args.gb))]
        print(f"(wrote the CSV in {time.perf_counter() - t0:.1f} s)")
        cases += [("XLSX with an XML entity bomb", xml_bomb(tmp)),
                  ("XLSX 20k rows declaring A1:XFD1048576", declared_whole_sheet(tmp))]
        for label, path in cases:
            found = run(path, tmp)
            print(f"{label:35s}: peak {found['peak_mb']:7.0f} MB  {found['seconds']:6.2f} s  "
                  f"(+{float(found['peak_mb']) - float(base['peak_mb']):.0f} MB)  {found['message']}")
            path.unlink()


if __name__ == "__main__":
    main()
