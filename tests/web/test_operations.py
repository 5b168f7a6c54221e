"""What an operator sees: ``/metrics`` moving with traffic, ``/readyz`` telling when
not to send traffic, request ids, and errors logged once and never shown."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

import stations.services as services_module
from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.databases import PG_URL, postgis_schema_url
from tests.support.ledgers import GOOD_ROWS
from tests.support.tcp_proxy import TcpProxy
from web.app import create_app

NEAREST = "/api/nearest?lon=113.66&lat=34.77&k=2"


def scrape(client: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_route_template_and_status(client: TestClient) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get(NEAREST).status_code == 200
    assert client.get("/api/stations/ZZ1").status_code == 200
    assert client.get("/api/stations/NOPE").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.post("/api/token", data={"username": "ghost", "password": "x" * 9}).status_code == 401
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "stations_http_requests_total"
    assert moved(requests, method="GET", route="/api/nearest", status="200") == 3
    assert moved(requests, method="GET", route="/api/stations/{station_id}", status="200") == 1
    assert moved(requests, method="GET", route="/api/stations/{station_id}", status="404") == 1
    assert moved(requests, method="GET", route="unmatched", status="404") == 1
    # the nearest search has a latency histogram of its own
    assert moved("stations_http_request_duration_seconds_count", route="/api/nearest") == 3
    assert moved("stations_http_request_duration_seconds_bucket", route="/api/nearest", le="+Inf") == 3
    assert moved("stations_failed_logins_total", reason="bad_credentials") == 1
    assert value(after, "stations_index_stations") == len(GOOD_ROWS)
    assert value(after, "stations_index_ready") == 1
    assert value(after, "stations_registry_revision") == value(after, "stations_index_revision") >= 1
    assert value(after, "stations_index_lag_seconds") == 0
    assert value(after, "stations_database_up") == 1


def test_metrics_count_coverage_cache_hits(client: TestClient) -> None:
    before = scrape(client)
    for _ in range(2):
        assert client.get("/api/coverage?region=410100&radius_m=1000").status_code == 200
    after = scrape(client)
    for name in ("stations_coverage_cache_misses_total", "stations_coverage_cache_hits_total"):
        assert value(after, name) - value(before, name) == 1


@pytest.fixture
def seeded(db_url: str, write_csv: Callable[..., Path]) -> str:
    registry = Registry.open(db_url)
    import_ledger(registry, write_csv(GOOD_ROWS))
    registry.close()
    return db_url


def app_client(db_url: str, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(db=db_url, seed_demo=False, **settings)))


@pytest.mark.parametrize(
    ("settings", "headers", "status"),
    [
        pytest.param({"metrics_token": "s3cret-scraper"}, {}, 401, id="token-missing"),
        pytest.param({"metrics_token": "s3cret-scraper"}, {"Authorization": "Bearer wrong"}, 401, id="token-wrong"),
        pytest.param({"metrics_token": "s3cret-scraper"}, {"Authorization": "Bearer s3cret-scraper"}, 200,
                     id="token-right"),
        pytest.param({"metrics_allow": "10.0.0.0/8"}, {}, 403, id="network-other"),
        pytest.param({"metrics_allow": "10.0.0.0/8", "metrics_token": "t0ken-for-scrapes"},
                     {"Authorization": "Bearer t0ken-for-scrapes"}, 200, id="network-other-token-right"),
        pytest.param({"metrics": False}, {}, 404, id="switched-off"),
    ],
)
def test_metrics_can_be_restricted_to_a_network_or_a_token(
    seeded: str, settings: dict[str, Any], headers: dict[str, str], status: int,
) -> None:
    with app_client(seeded, **settings) as client:
        assert client.get("/metrics", headers=headers).status_code == status
        assert client.get("/healthz").status_code == 200  # nothing else is restricted


def test_a_bad_metrics_network_is_refused_when_the_settings_are_read() -> None:
    with pytest.raises(ValueError, match="not-a-network"):
        Settings(metrics_allow="10.0.0.0/8,not-a-network")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        pytest.param("nginx-7f3a9c", True, id="sensible"),
        pytest.param("x" * 65, False, id="too-long"),
        pytest.param("a b<script>", False, id="odd-characters"),
    ],
)
def test_every_answer_carries_a_request_id(client: TestClient, sent: str, kept: bool) -> None:
    response = client.get(NEAREST, headers={"X-Request-ID": sent})
    echoed = response.headers["x-request-id"]
    assert (echoed == sent) is kept
    assert len(echoed) <= 64
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_an_unexpected_error_is_logged_once_with_its_traceback_and_not_shown(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret detail: postgresql://admin:pw@db")

    monkeypatch.setattr(client.app.state.services.registry, "get", broken)  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO):
        response = client.get("/api/stations/ZZ1", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.json()["detail"]["request_id"] == "req-42"
    assert response.headers["x-request-id"] == "req-42"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None and "secret detail" in str(errors[0].exc_info[1])
    access = [r for r in caplog.records if r.name == "stations.access"]
    assert [(r.status, r.route, r.request_id) for r in access] == [  # type: ignore[attr-defined]
        (500, "/api/stations/{station_id}", "req-42")]


def test_the_access_line_never_holds_the_query_string(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="stations.access"):
        client.get(NEAREST)
    line = next(r for r in caplog.records if r.name == "stations.access")
    assert "34.77" not in line.getMessage()  # riders' positions stay out of the logs
    assert line.path == "/api/nearest" and line.status == 200  # type: ignore[attr-defined]


def wait_ready(client: TestClient, timeout_s: float = 60) -> Any:
    """``/readyz`` once it says ready (the index is built in the background on start)."""
    deadline = time.monotonic() + timeout_s
    while (response := client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, response.json()
        time.sleep(0.05)
    return response


def test_readyz_says_ready_with_the_revisions(client: TestClient) -> None:
    response = wait_ready(client)
    body = response.json()
    assert body["status"] == "ready" and body["reasons"] == []
    assert body["registry_revision"] == body["index_revision"]
    assert body["index_stations"] == len(GOOD_ROWS)


@pytest.fixture
def slow_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The search index's first build waits until the event is set."""
    release = threading.Event()
    original = services_module.station_table

    def waiting(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=60)
        return original(*args, **kwargs)

    monkeypatch.setattr(services_module, "station_table", waiting)
    yield release
    release.set()


def test_readyz_waits_for_the_index_while_healthz_answers_at_once(seeded: str, slow_index: threading.Event) -> None:
    with app_client(seeded) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "index not built yet" in " ".join(response.json()["reasons"])
        answers: list[int] = []
        search = threading.Thread(target=lambda: answers.append(client.get(NEAREST).status_code))
        search.start()
        search.join(timeout=0.5)
        assert answers == []  # a search waits for the index rather than failing
        slow_index.set()
        search.join(timeout=60)
        assert answers == [200]
        wait_ready(client)


def test_readyz_fails_while_the_index_lags_the_registry_too_long(
    seeded: str, monkeypatch: pytest.MonkeyPatch, write_csv: Callable[..., Path],
) -> None:
    with app_client(seeded, poll_seconds=0.05, ready_max_lag_seconds=0.3) as client:
        wait_ready(client)
        keeper = client.app.state.services.start_index()  # type: ignore[attr-defined]
        good_load = keeper.load

        def failing() -> Any:
            raise OSError("rebuild failed")

        monkeypatch.setattr(keeper, "load", failing)
        changed = [row[:8] + ["0371-99999999"] + row[9:] for row in GOOD_ROWS[:1]]
        registry = Registry.open(seeded)
        import_ledger(registry, write_csv(changed, name="change.csv"))
        registry.close()
        deadline = time.monotonic() + 30
        while (response := client.get("/readyz")).status_code == 200:
            assert time.monotonic() < deadline, "readyz never noticed the lag"
            time.sleep(0.05)
        assert response.status_code == 503
        assert "behind the registry" in " ".join(response.json()["reasons"])
        monkeypatch.setattr(keeper, "load", good_load)
        wait_ready(client)


@pytest.fixture
def pg_through_proxy(write_csv: Callable[..., Path]) -> Iterator[tuple[str, TcpProxy]]:
    """A seeded PostGIS schema reached through a proxy the test can cut."""
    if not PG_URL:
        pytest.skip("needs STATIONS_TEST_PG")
    target = urlsplit(PG_URL)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    for url in postgis_schema_url():
        registry = Registry.open(url)
        import_ledger(registry, write_csv(GOOD_ROWS))
        registry.close()
        host = f"{target.hostname}:{target.port}" if target.port else str(target.hostname)
        yield url.replace(f"@{host}/", f"@127.0.0.1:{proxy.port}/", 1), proxy
    proxy.stop()


@pytest.mark.postgis
def test_readyz_is_503_while_the_database_is_away_and_200_when_it_is_back(
    pg_through_proxy: tuple[str, TcpProxy],
) -> None:
    url, proxy = pg_through_proxy
    with app_client(url) as client:
        wait_ready(client)
        proxy.stop()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["reasons"] == ["数据库不可达 / database unreachable"]
        assert response.headers["retry-after"]
        assert client.get("/healthz").status_code == 200  # alive, just not ready
        assert client.get(NEAREST).status_code == 200  # searches go on from memory
        samples = scrape(client)
        assert value(samples, "stations_database_up") == 0
        proxy.start()
        wait_ready(client, timeout_s=30)
        assert value(scrape(client), "stations_database_up") == 1


def test_json_log_lines_carry_the_request_id_and_the_traceback() -> None:
    from web.logs import REQUEST_ID, JsonFormatter, RequestIdFilter

    token = REQUEST_ID.set("req-7")  # as while a request is served
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("stations.errors").makeRecord(
            "stations.errors", logging.ERROR, __file__, 1, "unhandled error in %s", ("GET /x",),
            sys.exc_info())
        RequestIdFilter().filter(record)  # what the handler does when the line is logged
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-7" and line["level"] == "ERROR"
    assert line["message"] == "unhandled error in GET /x"
    assert "ValueError: boom" in line["traceback"]
