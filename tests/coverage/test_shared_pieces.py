"""The country's covered shapes, computed once and shared by every region asked afterwards:
the figures stay within 0.5% of each region's own exact computation."""

from __future__ import annotations

import pandas as pd
import pytest

from stations.coverage import service as service_module
from stations.coverage.analysis import analyse
from stations.coverage.query import parse_query
from stations.coverage.service import CoverageService
from tests.support.coverage import ZHENGZHOU, combine, offset, stations


class FixedRegistry:
    def revision(self) -> int:
        return 7


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """A dense cluster of 1 km stations in Zhengzhou (overlapping unions), some across the
    city's districts, and one 50 km driver home reaching into Kaifeng."""
    riders = [offset(ZHENGZHOU, east_m=300.0 * i, north_m=250.0 * (i % 7)) for i in range(120)]
    riders += [offset(ZHENGZHOU, east_m=-6_000.0 * i, north_m=4_000.0) for i in range(1, 6)]
    return combine(stations(riders),
                   stations([offset(ZHENGZHOU, east_m=45_000)], kind="driver_home"))


@pytest.mark.parametrize("region", ["410000", "410100", "410105", "410200"])
@pytest.mark.parametrize("kind", [None, "outdoor_worker_station"])
def test_regions_after_the_country_reuse_its_pieces(frame: pd.DataFrame, region: str,
                                                    kind: str | None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = service_module.national_pieces
    monkeypatch.setattr(service_module, "national_pieces",
                        lambda *a: calls.append(1) or real(*a))
    service = CoverageService(FixedRegistry(), load=lambda: frame)  # type: ignore[arg-type]
    service.analyse(parse_query(None, kind=kind))
    shared = service.analyse(parse_query(region, kind=kind))
    assert len(calls) == 1  # computed for the country, reused for the region
    exact = analyse(frame, parse_query(region, kind=kind))
    assert list(shared.table["adcode"]) == list(exact.table["adcode"])
    assert list(shared.table["stations"]) == list(exact.table["stations"])
    for a, b in zip(exact.table["covered_km2"], shared.table["covered_km2"], strict=True):
        assert b == pytest.approx(a, rel=0.005, abs=1e-6)


def test_a_region_asked_first_computes_its_own(frame: pd.DataFrame,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(service_module, "national_pieces", lambda *a: calls.append(1))
    service = CoverageService(FixedRegistry(), load=lambda: frame)  # type: ignore[arg-type]
    service.analyse(parse_query("410100"))
    assert calls == []  # a province or city alone never pays for the whole country
