"""One process, one answer: the inspection period an app or a command is built with is the
one every answer uses (it once came from two places and gave two answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from stations.accounts.users import get_user
from stations.compliance import Submission, load_checklists, record_inspection
from stations.compliance.evidence import EvidenceStore
from stations.config import Settings
from stations.core.clock import utcnow
from stations.store.registry import Registry
from tests.support.compliance import ZZ1_LAT, ZZ1_LON, add_role_users, all_pass, seed
from web.app import create_app


def pass_100_days_ago(registry: Registry, tmp_path: Path) -> None:
    """ZZ1 passed an on-site inspection recorded 100 days ago."""
    record_inspection(
        registry, get_user(registry, "inspector"),
        Submission(station_id="ZZ1", results=all_pass(), lon=ZZ1_LON, lat=ZZ1_LAT),
        checklists=load_checklists(), evidence=EvidenceStore(tmp_path / "evidence"),
        now=utcnow() - timedelta(days=100),
    )


def test_an_app_built_with_a_30_day_period_calls_a_100_day_old_pass_overdue_everywhere(
    registry: Registry, db_url: str, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    seed(registry, write_csv)
    add_role_users(registry)
    pass_100_days_ago(registry, tmp_path)
    settings = Settings(db=db_url, seed_demo=False, inspection_period_days=30, home=tmp_path / "home")
    with TestClient(create_app(settings)) as client:
        detail = client.get("/api/stations/ZZ1/inspections").json()
        assert detail["standing"] == "overdue"
        near = client.get("/api/nearest", params={"lon": ZZ1_LON, "lat": ZZ1_LAT, "k": 3}).json()
        assert {r["id"]: r["standing"] for r in near["results"]}["ZZ1"] == "overdue"
        compliant = client.get("/api/nearest", params={
            "lon": ZZ1_LON, "lat": ZZ1_LAT, "k": 3, "compliant_only": "true"}).json()
        assert "ZZ1" not in [r["id"] for r in compliant["results"]]
        coverage = client.get("/api/coverage", params={"region": "410100", "compliant_only": "true"})
        assert coverage.json()["region"]["stations"] == 0

    # the same registry under the default period (365 days): the pass still counts
    with TestClient(create_app(Settings(db=db_url, seed_demo=False, home=tmp_path / "home"))) as client:
        assert client.get("/api/stations/ZZ1/inspections").json()["standing"] == "compliant"
        coverage = client.get("/api/coverage", params={"region": "410100", "compliant_only": "true"})
        assert coverage.json()["region"]["stations"] == 1


def test_the_command_line_follows_the_period_from_the_environment(
    tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    db = f"sqlite:///{tmp_path / 'stations.db'}"
    registry = Registry.open(db)
    seed(registry, write_csv)
    add_role_users(registry)
    pass_100_days_ago(registry, tmp_path)
    registry.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(tmp_path / "home"), "STATIONS_INSPECTION_PERIOD_DAYS": "30"}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "stations", *args, "--db", db, "--json"],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    nearest = json.loads(run("nearest", str(ZZ1_LON), str(ZZ1_LAT), "-k", "3"))
    assert {r["id"]: r["standing"] for r in nearest["results"]}["ZZ1"] == "overdue"
    compliant = json.loads(run("nearest", str(ZZ1_LON), str(ZZ1_LAT), "--compliant-only"))
    assert compliant["results"] == []
    overdue = json.loads(run("queue", "overdue"))
    assert "ZZ1" in [s["id"] for s in overdue["stations"]]
    coverage = json.loads(run("coverage", "--region", "410100", "--compliant-only"))
    assert sum(r["stations"] for r in coverage["regions"]) == 0
