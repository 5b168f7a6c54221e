"""The ``stations`` command as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from tests.support.live_server import free_port


def run(*args: str, home: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "stations", *args], capture_output=True, text=True, env=env, timeout=120
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_help_lists_the_commands(tmp_path: Path) -> None:
    out = run("--help", home=tmp_path, check=True).stdout
    for command in ("serve", "import", "export", "nearest"):
        assert command in out


def test_import_export_round_trip(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    ledger = write_csv(GOOD_ROWS)
    result = run("import", str(ledger), home=tmp_path, check=True)
    assert "added 4" in result.stdout
    assert "\x1b[" not in result.stderr  # no progress bar drawn into a pipe
    again = run("import", str(ledger), home=tmp_path, check=True)
    assert "unchanged 4" in again.stdout
    out = tmp_path / "out.geojson"
    run("export", str(out), home=tmp_path, check=True)
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 4


def test_bad_ledger_exits_1_with_file_row_field_lines(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    bad = [GOOD_ROWS[0][:3] + ["abc", "34.7"] + GOOD_ROWS[0][5:], GOOD_ROWS[1][:2] + ["bank"] + GOOD_ROWS[1][3:]]
    ledger = write_csv(bad)
    result = run("import", str(ledger), home=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"{ledger}:2: lon: 不是数字 / not a number: 'abc'" in lines
    assert any(line.startswith(f"{ledger}:3: kind:") for line in lines)
    assert "Traceback" not in result.stderr
    out = tmp_path / "out.csv"
    run("export", str(out), home=tmp_path, check=True)
    assert out.read_text(encoding="utf-8-sig").strip() == ",".join(
        LEDGER_HEADER + ["status_date", "status_reason", "adcode", "province", "city", "county"])


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["import", "missing.csv"], id="missing-file"),
        pytest.param(["import", "x.csv", "--crs", "utm"], id="bad-crs"),
        pytest.param(["export", "out.shp"], id="bad-export-format"),
        pytest.param(["history", "nope"], id="unknown-station"),
        pytest.param(["import", "x.csv", "--db", "nosuchdb://x"], id="bad-db-url"),
    ],
)
def test_user_errors_exit_1_without_traceback(tmp_path: Path, write_csv: Callable[..., Path],
                                              args: list[str]) -> None:
    write_csv(GOOD_ROWS, name="x.csv")
    args = [str(tmp_path / a) if a.endswith((".csv", ".shp")) else a for a in args]
    result = run(*args, home=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_dry_run_writes_nothing(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    result = run("import", str(write_csv(GOOD_ROWS)), "--dry-run", home=tmp_path, check=True)
    assert "dry run" in result.stdout
    out = tmp_path / "out.csv"
    run("export", str(out), home=tmp_path, check=True)
    assert len(out.read_text(encoding="utf-8-sig").strip().splitlines()) == 1


def test_nearest_from_the_command_line(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    run("import", str(write_csv(GOOD_ROWS)), home=tmp_path, check=True)
    out = run("nearest", "113.655", "34.77", "-k", "2", "--json", home=tmp_path, check=True).stdout
    results = json.loads(out)["results"]
    assert [r["id"] for r in results] == ["ZZ1", "ZZ2"]  # ZZ3 is only planned
    text = run("nearest", "113.655", "34.77", "-k", "1", home=tmp_path, check=True).stdout
    assert "金水区爱心驿站" in text and "uri.amap.com" in text
    bad = run("nearest", "113.655", "134.77", home=tmp_path)
    assert bad.returncode == 1 and "lat" in bad.stderr and "Traceback" not in bad.stderr




def test_serve_on_a_fresh_machine_creates_the_database_with_demo_data(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "stations", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok"}
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(base + "/api/stations?limit=1", timeout=5) as r:
            body = json.load(r)
        assert body["numberMatched"] == 222
        with urllib.request.urlopen(base + "/api/stations?kind=driver_home&limit=1", timeout=5) as r:
            assert json.load(r)["numberMatched"] == 140
        assert (tmp_path / "stations.db").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_unreachable_database_at_start_is_a_clear_error(tmp_path: Path) -> None:
    result = run("serve", "--db", "postgresql://postgres@127.0.0.1:1/nowhere", home=tmp_path)
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_terminal_user_sees_a_progress_bar(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    import pty

    ledger = write_csv(GOOD_ROWS)
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {
        "STATIONS_HOME": str(tmp_path), "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, "-m", "stations", "import", str(ledger)],
        stdout=subprocess.PIPE, stderr=follower, env=env, timeout=120, text=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "校验 / validating" in drawn and "4/4" in drawn
