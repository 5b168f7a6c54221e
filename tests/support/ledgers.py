"""Small ledgers the tests import: the column header and four real-looking stations."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

LEDGER_HEADER = ["id", "name", "kind", "lon", "lat", "address", "services", "opening_hours",
                 "phone", "status", "host"]
# Three real-looking stations in Zhengzhou (WGS-84) and one driver home in Anhui.
GOOD_ROWS = [
    ["ZZ1", "金水区爱心驿站", "outdoor_worker_station", "113.6601", "34.7786", "郑州市金水区花园路1号",
     "drinking_water;toilet;phone_charging", "Mo-Fr 08:00-20:00", "0371-12345678", "active",
     "金水区总工会"],
    ["ZZ2", "二七区工会驿站", "outdoor_worker_station", "113.6401", "34.7236", "郑州市二七区大学路2号",
     "drinking_water;hot_water;first_aid", "24/7", "", "active", "二七区总工会"],
    ["ZZ3", "中原区暖心驿站", "outdoor_worker_station", "113.6121", "34.7480", "郑州市中原区建设路3号",
     "drinking_water;rest_area", "08:00-18:00", "", "planned", ""],
    ["AH1", "福山服务区司机之家", "driver_home", "118.0210", "31.5830", "安徽省含山县",
     "hot_water;shower;laundry;truck_parking:40", "24/7", "", "active", "福山服务区"],
]


def declare_dimension(path: Path, ref: str) -> None:
    """Make an XLSX file claim ``ref`` (e.g. the whole sheet) as its used range."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode()
    xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml) if "<dimension" in xml \
        else xml.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            package.writestr(part, data)


def write_ledger(path: Path, rows: list[list[str]]) -> Path:
    """A UTF-8 CSV ledger of ``rows`` under :data:`LEDGER_HEADER`."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([LEDGER_HEADER, *rows])
    return path
