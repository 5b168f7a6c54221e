"""The composition root: one set of services per process, built once from settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.errors import ConfigurationError
from stations.services import build_services
from web.app import create_app


@pytest.fixture
def broken_checklists(tmp_path: Path) -> Path:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "henan.json").write_text('{"id": "six_have_henan", "version": "one"', encoding="utf-8")
    return folder


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(db=f"sqlite:///{tmp_path / 'stations.db'}", seed_demo=False,
                    home=tmp_path / "home", **overrides)  # type: ignore[arg-type]


def test_checklists_are_read_once_when_the_services_are_built(tmp_path: Path) -> None:
    services = build_services(settings_for(tmp_path))
    try:
        assert services.checklists.select("outdoor_worker_station", "410105").id
        with TestClient(create_app(settings_for(tmp_path))) as client:
            first = client.app.state.services.checklists  # type: ignore[attr-defined]
            client.get("/api/stations/none/checklist")
            assert client.app.state.services.checklists is first  # type: ignore[attr-defined]
    finally:
        services.close()


def test_a_broken_checklist_file_is_a_start_up_error_naming_the_file(
    tmp_path: Path, broken_checklists: Path
) -> None:
    settings = settings_for(tmp_path, checklist_dir=str(broken_checklists))
    with pytest.raises(ConfigurationError, match="henan.json"):
        build_services(settings)
    with pytest.raises(ConfigurationError, match="henan.json"), TestClient(create_app(settings)):
        pass


def test_serve_reports_a_broken_checklist_and_exits(tmp_path: Path, broken_checklists: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(tmp_path), "STATIONS_CHECKLIST_DIR": str(broken_checklists)}
    done = subprocess.run([sys.executable, "-m", "stations", "serve", "--port", "1"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert "henan.json" in done.stderr and "Traceback" not in done.stderr
