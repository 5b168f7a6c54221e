"""Live status through the API: notices, reports and their defences, the live state in
search results, the reported queue and the feed, on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from geodata.crs import wgs84_to_gcj02
from stations.accounts.users import User
from tests.support.compliance import bearer
from tests.support.live import AH1, FAR_ZZ2, NEAR_ZZ2, ZZ2, act_as, from_address, host_of, live_app, report
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(db: str, tmp_path: Path) -> Iterator:
    application = live_app(db, tmp_path)
    with TestClient(application, raise_server_exceptions=False):
        yield application


@pytest.fixture
def client(app) -> TestClient:
    return from_address(app, "10.0.0.1")


def nearest_live(client: TestClient, at=ZZ2, **params) -> dict:
    body = client.get("/api/nearest", params={"lon": at[0], "lat": at[1], "k": 5, **params}).json()
    return {r["id"]: r for r in body["results"]}


# -- notices --------------------------------------------------------------------------------


def test_a_host_posts_a_notice_drivers_see_it_and_it_ends_by_itself(app, client) -> None:
    act_as(app, host_of("AH1"))
    answer = client.post("/api/stations/AH1/notices", json={"kind": "full", "reason": "节假日车多"})
    assert answer.status_code == 201, answer.text
    notice = answer.json()
    ends = datetime.fromisoformat(notice["ends_at"]) - datetime.fromisoformat(notice["starts_at"])
    assert notice["kind"] == "full" and ends == timedelta(hours=3)  # the default for "full"
    live = nearest_live(client, AH1)["AH1"]["live"]
    assert (live["state"], live["source"], live["reason"]) == ("full", "notice", "节假日车多")
    listed = client.get("/api/stations/AH1/notices").json()
    assert [n["id"] for n in listed["notices"]] == [notice["id"]]
    assert listed["live"]["state"] == "full"
    # a notice that ends in a moment is gone from what drivers see when it has ended
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    short = client.post("/api/stations/AH1/notices",
                        json={"kind": "free_spaces", "free_spaces": 7, "ends_at": soon.isoformat()})
    assert short.status_code == 201, short.text
    assert nearest_live(client, AH1)["AH1"]["live"]["free_spaces"] == 7
    assert eventually(lambda: nearest_live(client, AH1)["AH1"]["live"]["state"] == "full",
                      timeout_s=5)
    withdrawn = client.delete(f"/api/stations/AH1/notices/{notice['id']}")
    assert withdrawn.status_code == 200
    assert nearest_live(client, AH1)["AH1"]["live"] is None
    assert client.get("/api/stations/AH1/notices").json()["notices"] == []


@pytest.mark.parametrize(("user", "station", "expected"), [
    pytest.param(host_of("AH1"), "ZZ2", 403, id="host-of-another-station"),
    pytest.param(User(1, "anhui", "inspector", region="340000"), "ZZ2", 403, id="staff-elsewhere"),
    pytest.param(User(1, "henan", "inspector", region="410000"), "ZZ2", 201, id="staff-inside"),
    pytest.param(User(1, "zz-admin", "admin", region="410100"), "ZZ2", 201, id="admin-inside"),
    pytest.param(User(1, "p", "planner"), "ZZ2", 403, id="planner"),
])
def test_who_may_post_a_notice(app, client, user, station, expected) -> None:
    act_as(app, user)
    answer = client.post(f"/api/stations/{station}/notices", json={"kind": "closed"})
    assert answer.status_code == expected, answer.text


def test_without_an_account_no_notice(client) -> None:
    assert client.post("/api/stations/ZZ2/notices", json={"kind": "closed"}).status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"kind": "gone"}, "kind", id="kind"),
    pytest.param({"kind": "free_spaces", "free_spaces": 41}, "free_spaces", id="over-capacity"),
    pytest.param({"kind": "free_spaces", "free_spaces": -1}, "free_spaces", id="negative"),
    pytest.param({"kind": "service_unavailable", "service": "sauna"}, "service", id="service"),
    pytest.param({"kind": "service_unavailable", "service": "toilet"}, "service",
                 id="service-not-offered"),
    pytest.param({"kind": "closed", "starts_at": "2030-01-02T08:00:00",
                  "ends_at": "2030-01-01T08:00:00"}, "ends_at", id="ends-before-start"),
    pytest.param({"kind": "full", "ends_at": "2020-01-01T08:00:00"}, "ends_at", id="past"),
    pytest.param({"kind": "closed", "reason": "a\u202eb"}, "reason", id="bidi-reason"),
])
def test_bad_notices_are_refused_naming_the_field(app, client, body, field) -> None:
    act_as(app, host_of("AH1"))
    answer = client.post("/api/stations/AH1/notices", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["field"] == field


def test_open_now_takes_a_closure_notice_into_account(app, client) -> None:
    assert nearest_live(client, open_now="true")["ZZ2"]["open_now"] is True
    act_as(app, User(1, "admin", "admin"))
    until = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    posted = client.post("/api/stations/ZZ2/notices",
                         json={"kind": "closed", "ends_at": until, "reason": "管道维修"})
    assert posted.status_code == 201, posted.text
    assert "ZZ2" not in nearest_live(client, open_now="true")
    shown = nearest_live(client)["ZZ2"]
    assert shown["open_now"] is False
    assert (shown["live"]["state"], shown["live"]["until"][:16]) == ("closed", until[:16])
    route = {"route": {"type": "LineString", "coordinates": [[113.63, 34.72], [113.65, 34.73]]},
             "corridor_m": 2000}
    along = {r["id"]: r for r in client.post("/api/route/stations", json=route).json()["results"]}
    assert along["ZZ2"]["live"]["state"] == "closed"
    assert "ZZ2" not in {r["id"] for r in client.post(
        "/api/route/stations", json={**route, "open_now": True}).json()["results"]}


# -- reports --------------------------------------------------------------------------------


def test_one_report_shows_nothing_two_independent_ones_do(app) -> None:
    first, second = from_address(app, "10.0.0.1"), from_address(app, "10.0.0.2")
    answer = report(first, "ZZ2", "full", "device-aaaa")
    assert answer.status_code == 201, answer.text
    assert answer.json()["live"] is None and nearest_live(first)["ZZ2"]["live"] is None
    # the same person on a second device behind the same address is not a second client
    assert report(first, "ZZ2", "full", "device-bbbb").json()["live"] is None
    answer = report(second, "ZZ2", "full", "device-cccc")
    assert answer.json()["live"]["state"] == "full"
    live = nearest_live(first)["ZZ2"]["live"]
    assert (live["state"], live["source"], live["reports"]) == ("full", "reports", 2)


def test_a_notice_outranks_reports(app) -> None:
    for n in range(2):
        report(from_address(app, f"10.0.1.{n}"), "ZZ2", "full", f"device-{n:04d}")
    client = from_address(app, "10.0.0.9")
    assert nearest_live(client)["ZZ2"]["live"]["state"] == "full"
    act_as(app, User(1, "admin", "admin"))
    client.post("/api/stations/ZZ2/notices", json={"kind": "free_spaces", "free_spaces": 0,
                                                   "ends_at": None})
    client.post("/api/stations/ZZ2/notices", json={"kind": "service_unavailable",
                                                   "service": "hot_water"})
    assert report(client, "ZZ2", "open", "device-open").json()["live"]["source"] == "notice"
    act_as(app, User(1, "admin", "admin"))


def test_reports_count_only_from_within_500_m(client) -> None:
    answer = report(client, "ZZ2", "closed", "device-far1", at=FAR_ZZ2)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail["field"] == "position" and "916 m" in detail["message"]
    # the same spot given in GCJ-02 (as Amap shows it) is as near as it is
    gcj = tuple(float(v) for v in wgs84_to_gcj02(*NEAR_ZZ2))
    answer = report(client, "ZZ2", "closed", "device-gcj1", at=gcj, crs="gcj02")
    assert answer.status_code == 201, answer.text
    assert answer.json()["distance_m"] == pytest.approx(183, abs=5)


def test_each_client_may_report_a_few_times_an_hour(app) -> None:
    client = from_address(app, "10.0.2.1")
    for _ in range(3):
        assert report(client, "ZZ2", "open", "device-limit").status_code == 201
    refused = report(client, "ZZ2", "open", "device-limit")
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3601
    # another device elsewhere is another client; a new device id at the same address
    # still counts against the address's own limit
    assert report(from_address(app, "10.0.2.2"), "ZZ2", "open", "device-limit").status_code == 201
    codes = [report(client, "ZZ2", "open", f"device-new{n:03d}").status_code for n in range(20)]
    assert codes.count(201) == 17 and codes[-1] == 429


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"state": "burning"}, "state", id="state"),
    pytest.param({"state": "service_missing"}, "service", id="service-missing-without-code"),
    pytest.param({"state": "service_missing", "service": "shower"}, "service",
                 id="service-not-offered"),
    pytest.param({"state": "open", "crs": "utm"}, "crs", id="crs"),
    pytest.param({"state": "open", "lat": 95}, "lat", id="lat"),
])
def test_bad_reports_are_refused_naming_the_field(client, body, field) -> None:
    answer = client.post("/api/stations/ZZ2/reports",
                         json={"lon": NEAR_ZZ2[0], "lat": NEAR_ZZ2[1], **body})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["field"] == field


def test_closed_reports_on_an_open_station_go_to_the_inspectors_queue(app, client) -> None:
    report(client, "ZZ2", "closed", "device-q001")
    report(from_address(app, "10.0.3.3"), "ZZ2", "closed", "device-q002")
    report(client, "ZZ2", "full", "device-q003")
    for user, region, expected in (("inspector", None, ["ZZ2"]), ("admin", "410000", ["ZZ2"]),
                                   ("inspector", "340000", [])):
        answer = client.get("/api/queues/reported", params={"region": region} if region else {},
                            headers=bearer(user))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert [s["station_id"] for s in body["stations"]] == expected
    entry = body = client.get("/api/queues/reported", headers=bearer("inspector")).json()
    entry = body["stations"][0]
    assert (entry["reports"], entry["clients"]) == (2, 2)
    assert client.get("/api/queues/reported").status_code == 401
    act_as(app, User(1, "anhui", "inspector", region="340000"))
    assert client.get("/api/queues/reported", params={"region": "410000"}).status_code == 403
    assert client.get("/api/queues/reported").json()["stations"] == []


def test_old_reports_are_deleted_when_new_ones_come_and_recent_ones_kept(app, client) -> None:
    from sqlalchemy import select

    from stations.live.reports import KEEP_DAYS, Client, submit_report
    from stations.store.live_tables import ReportRow

    registry = app.state.services.registry
    now = datetime.now(UTC)
    for n, days_ago in enumerate((KEEP_DAYS + 1, 3)):
        submit_report(registry, "ZZ2", state="closed", lon=NEAR_ZZ2[0], lat=NEAR_ZZ2[1],
                      client=Client.of(f"10.0.6.{n}", f"device-keep{n}", "s"),
                      now=now - timedelta(days=days_ago, hours=1))
    assert report(client, "ZZ2", "open", "device-keep9").status_code == 201
    with registry.session() as s:
        kept = sorted(round((now - at.replace(tzinfo=at.tzinfo or UTC)) / timedelta(days=1))
                      for at in s.scalars(select(ReportRow.created_at)))
    assert kept == [0, 3]  # the one older than KEEP_DAYS is gone
    # the recent one is still a lead in the inspectors' week-long queue
    (entry,) = client.get("/api/queues/reported", headers=bearer("inspector")).json()["stations"]
    assert (entry["station_id"], entry["reports"]) == ("ZZ2", 1)


# -- the feed and the index -----------------------------------------------------------------


def test_the_feed_lists_live_states_with_an_etag(app, client) -> None:
    empty = client.get("/api/live")
    assert empty.status_code == 200 and empty.json()["stations"] == []
    etag = empty.headers["ETag"]
    again = client.get("/api/live", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    act_as(app, host_of("AH1"))
    client.post("/api/stations/AH1/notices", json={"kind": "free_spaces", "free_spaces": 12})
    changed = client.get("/api/live", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    (entry,) = changed.json()["stations"]
    assert {k: entry[k] for k in ("id", "state", "free_spaces", "source")} == {
        "id": "AH1", "state": "open", "free_spaces": 12, "source": "notice"}
    assert entry["until"] and entry["since"] and entry["lon"] == pytest.approx(AH1[0])


def test_the_index_picks_up_live_state_without_a_rebuild(app, db: str, tmp_path: Path) -> None:
    keeper = app.state.services.start_index()
    rebuilds, revision = keeper.rebuilds, keeper.revision
    # a second instance on the same database
    other = live_app(db, tmp_path, poll_seconds=0.2)
    with TestClient(other) as second:
        assert nearest_live(second)["ZZ2"]["live"] is None
        for n in range(2):
            report(from_address(app, f"10.0.4.{n}"), "ZZ2", "closed", f"device-x{n:03d}")
        assert eventually(lambda: (nearest_live(second)["ZZ2"]["live"] or {}).get("state")
                          == "closed", timeout_s=10)
        assert other.state.services.keeper.rebuilds == 0
        assert second.get("/api/live").headers["ETag"] == from_address(app, "x").get(
            "/api/live").headers["ETag"]
    assert keeper.rebuilds == rebuilds and app.state.services.registry.revision() == revision


def test_the_reported_queue_on_the_command_line(app, client, db: str, tmp_path: Path) -> None:
    report(client, "ZZ2", "closed", "device-cli1")
    env = os.environ | {"STATIONS_HOME": str(tmp_path / "cli"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "stations", "queue", "reported", "--json",
                           "--region", "410100", "--db", db],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert [(s["station_id"], s["reports"]) for s in body["stations"]] == [("ZZ2", 1)]


@pytest.mark.parametrize(("minutes_ago", "shown"), [
    pytest.param((10, 5), True, id="fresh"),
    pytest.param((50, 45), False, id="decayed"),
    pytest.param((70, 5), False, id="one-out-of-the-hour"),
])
def test_agreement_decays_with_time(app, minutes_ago, shown) -> None:
    from stations.live.reports import Client, submit_report

    services = app.state.services
    now = datetime.now(UTC)
    for n, ago in enumerate(minutes_ago):
        submit_report(services.registry, "ZZ2", state="full", lon=NEAR_ZZ2[0], lat=NEAR_ZZ2[1],
                      client=Client.of(f"10.0.5.{n}", f"device-decay{n}", "s"),
                      now=now - timedelta(minutes=ago))
    services.live_changed()
    live = nearest_live(from_address(app, "10.0.5.9"))["ZZ2"]["live"]
    assert (live is not None) is shown
