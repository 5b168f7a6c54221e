"""Build the bundled demo ledger from the real public samples in ``shared/data``.

    python scripts/build_demo.py [SHARED_DATA_DIR]

Writes ``stations/data/demo_stations.csv`` in WGS-84 (both samples are GCJ-02):
- 82 Zhengzhou union stations (工会驿站) as outdoor-worker stations; their
  facilities map to service codes, their hours are kept where readable.
- 140 Anhui expressway service areas as driver-home sites (司机之家). The sample
  has no services or hours: the demo gives each the programme's five free basic
  services (parking and rest, hot water, food heating, shower, laundry) plus a
  toilet, 24/7, which is what an accepted driver home must offer. They are demo
  records, not a list of accepted driver homes.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.crs import gcj02_to_wgs84  # noqa: E402
from stations.core.hours import HoursError, parse_hours  # noqa: E402
from stations.io.tabular import COLUMNS  # noqa: E402

FACILITY_CODES = {
    "drink": ("drinking_water", "hot_water"),
    "seat": ("rest_area",),
    "charging": ("phone_charging",),
    "ac": ("air_conditioning",),
    "wifi": ("wifi",),
    "first_aid": ("first_aid",),
}
DRIVER_HOME_SERVICES = "hot_water;food_heating;toilet;rest_area;parking;truck_parking;shower;laundry"


def zhengzhou(path: Path) -> list[dict[str, object]]:
    rows = []
    records = json.loads(path.read_text(encoding="utf-8"))
    lon, lat = gcj02_to_wgs84([r["lng"] for r in records], [r["lat"] for r in records])
    for i, r in enumerate(records, start=1):
        codes: list[str] = []
        for facility in r.get("facilities") or []:
            codes += [c for c in FACILITY_CODES.get(facility, ()) if c not in codes]
        try:
            hours = parse_hours(r.get("open_hours"))
        except HoursError:
            hours = None  # e.g. "工作日开放": no hours given, so none are claimed
        rows.append({
            "id": f"ZZ{i:03d}",
            "name": r["name"],
            "kind": "outdoor_worker_station",
            "lon": round(float(lon[i - 1]), 7),
            "lat": round(float(lat[i - 1]), 7),
            "address": r.get("address"),
            "services": ";".join(codes),
            "opening_hours": str(hours) if hours else "",
            "phone": r.get("contact_phone") or "",
            "status": "active",
            "host": r.get("manager") or "",
        })
    return rows


def anhui(path: Path) -> list[dict[str, object]]:
    frame = pd.read_csv(path, dtype=str)
    lon, lat = gcj02_to_wgs84(frame["lng_gcj02"].astype(float).to_numpy(),
                              frame["lat_gcj02"].astype(float).to_numpy())
    rows = []
    for i, r in enumerate(frame.itertuples(index=False)):
        rows.append({
            "id": f"AH-{r.amap_id}",
            "name": f"{r.name}司机之家",
            "kind": "driver_home",
            "lon": round(float(lon[i]), 7),
            "lat": round(float(lat[i]), 7),
            "address": f"安徽省{r.county}{r.name}",
            "services": DRIVER_HOME_SERVICES,
            "opening_hours": "24/7",
            "phone": "",
            "status": "active",
            "host": r.name.split("(")[0],
        })
    return rows


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    rows = zhengzhou(shared / "zhengzhou_union_stations_gcj02.json")
    rows += anhui(shared / "anhui_highway_service_areas_gcj02.csv")
    out = ROOT / "stations" / "data" / "demo_stations.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} stations to {out}")


if __name__ == "__main__":
    main()
