"""Every empty combination renders: a region with no stations, none of the kind asked for,
none compliant, no gaps. The API, the map page, the PNG and the CLI say the same thing, and
odd parameters are refused, never a 500."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from stations.cli import app as cli_app
from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from web.app import create_app

# (query, code of what is missing, region name): Zhengzhou's stations are outdoor-worker
# stations never inspected; Dengfeng (410185) has none at all
EMPTY_CASES = [
    pytest.param("region=410185", "no_stations", "登封市", id="county-without-stations"),
    pytest.param("region=410100&compliant_only=true", "no_compliant", "郑州市",
                 id="compliant-only-on-a-fresh-registry"),
    pytest.param("region=410100&kind=driver_home", "no_match", "郑州市",
                 id="driver-homes-in-zhengzhou"),
    pytest.param("region=410100&radius_m=200000&gaps=true", "no_gaps", "郑州市",
                 id="no-gaps"),
]


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("empty")
    ledger = folder / "ledger.csv"
    ledger.write_text("\n".join(",".join(f'"{c}"' for c in row)
                                for row in [LEDGER_HEADER, *GOOD_ROWS]), encoding="utf-8")
    url = f"sqlite:///{folder / 'stations.db'}"
    reg = Registry.open(url)
    import_ledger(reg, ledger)
    reg.close()
    return url


@pytest.fixture(scope="module")
def api(db_file: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=db_file, seed_demo=False))) as c:
        yield c


@pytest.mark.parametrize(("query", "code", "name"), EMPTY_CASES)
def test_the_api_says_what_is_missing(api: TestClient, query: str, code: str, name: str) -> None:
    response = api.get(f"/api/coverage?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    empty = {e["code"]: e for e in body["empty"]}
    assert code in empty
    assert name in empty[code]["zh"] and " / " in empty[code]["message"]
    if code != "no_gaps":
        assert body["region"]["stations"] == 0  # the table agrees with the message


def test_a_county_without_stations_is_itself_a_gap(api: TestClient) -> None:
    body = api.get("/api/coverage/gaps?region=410185").json()
    [gap] = body["gaps"]
    assert gap["basis"] == "empty_region" and gap["county_adcode"] == "410185"
    assert "登封市" in gap["reason"] and gap["nearest_station_m"] > 10_000
    assert [e["code"] for e in body["empty"]] == ["no_stations"]


def test_a_full_answer_has_nothing_missing(api: TestClient) -> None:
    assert api.get("/api/coverage?region=410100").json()["empty"] == []


@pytest.mark.parametrize(("query", "code", "name"), EMPTY_CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_page_shows_the_outline_and_the_message(api: TestClient, query: str, code: str,
                                                        name: str, lang: str) -> None:
    response = api.get(f"/maps/coverage?{query}&lang={lang}")
    assert response.status_code == 200, response.text
    page = response.text
    message = api.get(f"/api/coverage?{query}").json()["empty"]
    wanted = next(e for e in message if e["code"] == code)[lang]
    assert 'class="stations-empty"' in page
    assert html.escape(wanted) in page
    assert "L.geoJson" in page or "L.geoJSON" in page  # the region outline is drawn
    assert "maximum-scale" not in page and "user-scalable=no" not in page
    assert re.search(r"<html lang=\"(zh-CN|en)\"", page)
    assert "<title>" in page
    if code != "no_gaps":
        assert "FastMarkerCluster" not in page and "L.markerClusterGroup" not in page


def test_the_maps_notes_speak_one_language(api: TestClient) -> None:
    """The legend's note on how gaps are ranked is in the map's language only."""
    zh = api.get("/maps/coverage?region=410100&gaps=true").text
    en = api.get("/maps/coverage?region=410100&gaps=true&lang=en").text
    assert "没有需求数据时" in zh and "without demand" not in zh
    assert "without demand" in en and "没有需求数据时" not in en


def test_compliant_only_map_on_a_fresh_registry_is_not_a_500(api: TestClient) -> None:
    assert api.get("/maps/coverage?compliant_only=true").status_code == 200


ODD = [
    "radius_m=nan", "radius_m=inf", "radius_m=-inf", "radius_m=1e400", "radius_m=0.0000001",
    "radius_m=", "region=%00", "region=<script>", "region=4101", "region=" + "9" * 500,
    "kind=", "kind=%E2%80%AE", "by=county&region=410185", "by=street", "compliant_only=maybe",
    "gaps=perhaps", "limit=-1", "limit=abc", "limit=100000", "lang=fr", "status=flying",
    "region=410185&radius_m=200000", "network=teleport",
]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "gaps", "gaps.csv", "gaps.xlsx", "map"])
@pytest.mark.parametrize("odd", ODD)
def test_odd_parameters_never_500(api: TestClient, fmt: str, odd: str) -> None:
    path = {"json": "/api/coverage", "map": "/maps/coverage"}.get(fmt, f"/api/coverage.{fmt}")
    if fmt.startswith("gaps"):
        path = "/api/coverage/gaps" + fmt.removeprefix("gaps")
    response = api.get(f"{path}?{odd}")
    assert response.status_code < 500, (path, odd, response.text[:300])


runner = CliRunner()


@pytest.mark.parametrize(("query", "code", "name"), EMPTY_CASES)
def test_the_cli_prints_the_message_and_writes_pictures(db_file: str, tmp_path: Path, query: str,
                                                        code: str, name: str) -> None:
    args = ["coverage", "--db", db_file]
    for part in query.split("&"):
        key, value = part.split("=")
        flag = {"region": "--region", "kind": "--kind", "radius_m": "--radius-m"}.get(key)
        if flag:
            args += [flag, value]
        elif key == "compliant_only":
            args.append("--compliant-only")
        elif key == "gaps":
            args.append("--gaps")
    text = runner.invoke(cli_app, args)
    assert text.exit_code == 0, text.output
    assert name in text.output and "没有" in text.output
    as_json = runner.invoke(cli_app, [*args, "--json"])
    assert code in {e["code"] for e in json.loads(as_json.stdout)["empty"]}
    png, page = tmp_path / "map.png", tmp_path / "map.html"
    for out in (png, page):
        done = runner.invoke(cli_app, [*args, "--out", str(out)])
        assert done.exit_code == 0, done.output
    description = Image.open(png).info["Description"]
    assert name in description and "no " in description
    assert 'class="stations-empty"' in page.read_text("utf-8")


@pytest.mark.parametrize("region", ["410185", "410100", "340000", ""])
@pytest.mark.parametrize("kind", ["", "driver_home"])
@pytest.mark.parametrize("compliant", ["false", "true"])
@pytest.mark.parametrize("gaps", ["false", "true"])
def test_every_combination_renders_and_agrees(api: TestClient, region: str, kind: str,
                                              compliant: str, gaps: str) -> None:
    query = f"region={region}&kind={kind}&compliant_only={compliant}&gaps={gaps}&radius_m=50000"
    body = api.get(f"/api/coverage?{query}").json()
    page = api.get(f"/maps/coverage?{query}")
    assert page.status_code == 200, page.text[:300]
    codes = {e["code"] for e in body["empty"]}
    assert (body["region"]["stations"] == 0) == bool(codes & {"no_stations", "no_match",
                                                             "no_compliant"})
    assert ("no_gaps" in codes) == (gaps == "true" and not body["gaps"])
    assert page.text.count('class="stations-empty"') == len(body["empty"])
