"""``stations network`` as a user runs it: import an extract, list it, measure along it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.test_cli import run
from tests.support.ledgers import LEDGER_HEADER
from tests.support.networks import HELSINKI_OFFSET, RIVER_COUNTY, helsinki_pbf


def _row(sid: str, name: str, point: tuple[float, float]) -> list[str]:
    return [sid, name, "outdoor_worker_station", f"{point[0]:.7f}", f"{point[1]:.7f}", "", "toilet",
            "24/7", "", "active", ""]


def test_network_commands_end_to_end(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    ledger = write_csv([_row("H1", "赫尔辛基一号", (113.6246, 34.7520)),
                        _row("H2", "赫尔辛基二号", (113.6290, 34.7480))], header=LEDGER_HEADER)
    run("import", str(ledger), home=tmp_path, check=True)
    offset = ",".join(str(v) for v in HELSINKI_OFFSET)
    done = run("network", "import", str(helsinki_pbf()), "--offset", offset, "--region",
               RIVER_COUNTY, home=tmp_path, check=True)
    assert "serves 1 county" in done.stdout and "\x1b[" not in done.stderr
    listed = json.loads(run("network", "list", "--json", home=tmp_path, check=True).stdout)
    assert [n["profile"] for n in listed["networks"]] == ["walk"]
    answer = json.loads(run("coverage", "--region", RIVER_COUNTY, "--network", "walk",
                            "--minutes", "10", "--json", home=tmp_path, check=True).stdout)
    assert answer["reach"]["method"] == "network"
    assert 0 < answer["region"]["covered_km2"] < answer["regions"][0]["circle_covered_km2"]
    nearest = json.loads(run("nearest", "113.6250", "34.7510", "--json",
                             home=tmp_path, check=True).stdout)
    assert all(r["road_distance_m"] >= r["distance_m"] for r in nearest["results"])
    bad = run("coverage", "--region", RIVER_COUNTY, "--network", "boat", home=tmp_path)
    assert bad.returncode == 1 and "network" in bad.stderr
    assert run("network", "remove", "99", home=tmp_path).returncode == 1
