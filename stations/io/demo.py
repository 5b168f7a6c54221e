"""Bundled demo data: real stations from public samples, converted from GCJ-02.

``stations/data/demo_stations.csv`` is built by ``scripts/build_demo.py`` from the
samples in ``shared/data`` and is already in WGS-84.
"""

from __future__ import annotations

from pathlib import Path

from stations.io.ledger import ImportReport, import_ledger
from stations.store.registry import Registry

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_stations.csv"


def seed_demo(registry: Registry) -> ImportReport | None:
    """Fill an empty registry with the demo stations; do nothing otherwise."""
    if registry.count():
        return None
    return import_ledger(registry, DEMO_FILE, crs="wgs84", actor="demo")
