"""Cost bounded: one cache entry per question (radius in whole metres), one computation per
key at a time, and a full queue refused with 503 and ``Retry-After``."""

from __future__ import annotations

import threading
import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.coverage.query import parse_query
from stations.coverage.service import CoverageService
from stations.errors import Overloaded
from web.app import create_app


class FixedRegistry:
    def revision(self) -> int:
        return 1


def service(**options: Any) -> CoverageService:
    return CoverageService(FixedRegistry(), load=pd.DataFrame, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("asked", "kept"), [(1000.6, 1000.0), (1000.0, 1000.0), (1.9, 1.0),
                                             (199_999.99, 199_999.0)])
def test_radius_is_whole_metres_so_one_question_is_one_key(asked: float, kept: float) -> None:
    a = parse_query("410100", radius_m=asked)
    assert a.radius_m == kept
    assert a == parse_query("410100", radius_m=kept)
    s = service()
    assert s.key(1, a, None, False, 0) == s.key(1, parse_query("410100", radius_m=kept), None,
                                                False, 0)


def test_one_computation_per_key_at_a_time() -> None:
    s = service()
    calls = []
    gate = threading.Event()

    def compute() -> str:
        calls.append(1)
        gate.wait(5)
        return "answer"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(s.remember("k", compute)))
               for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(5)
    assert results == ["answer"] * 6
    assert len(calls) == 1


def test_a_full_queue_is_refused_and_then_recovers() -> None:
    s = service(max_queued=1)
    gate = threading.Event()
    started = threading.Event()

    def slow() -> str:
        started.set()
        gate.wait(5)
        return "slow"

    first = threading.Thread(target=lambda: s.remember("a", slow))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: s.remember("b", lambda: "b"))
    second.start()
    time.sleep(0.2)  # "b" waits its turn: the queue is full
    with pytest.raises(Overloaded) as refused:
        s.remember("c", lambda: "c")
    assert refused.value.retry_after_s > 0
    gate.set()
    first.join(5)
    second.join(5)
    assert s.remember("c", lambda: "c") == "c"
    assert s.refused == 1


def test_an_error_is_not_remembered() -> None:
    s = service()

    def broken() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        s.remember("k", broken)
    assert s.remember("k", lambda: "fine") == "fine"


def test_the_api_answers_503_with_retry_after(tmp_path: Any) -> None:
    with TestClient(create_app(Settings(db=f"sqlite:///{tmp_path / 's.db'}",
                                        seed_demo=False))) as client:
        coverage = client.app.state.services.coverage  # type: ignore[attr-defined]
        coverage.max_queued = 0
        for path in ("/api/coverage?region=410185", "/api/coverage/gaps?region=410185",
                     "/maps/coverage?region=410185", "/api/coverage.xlsx?region=410185"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert int(response.headers["retry-after"]) > 0
            if path.startswith("/maps/"):  # a sentence the map pane can show
                assert response.headers["content-type"].startswith("text/html")
                assert "try again" in response.text and 'role="alert"' in response.text
            else:
                assert "try again" in response.json()["detail"]["message"]
        coverage.max_queued = 4
        assert client.get("/api/coverage?region=410185").status_code == 200
