"""Every export imports back unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stations.errors import InvalidInput
from stations.io.export import export_stations
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".xlsx"])
def test_export_imports_back_unchanged(
    registry: Registry, write_csv: Callable[..., Path], tmp_path: Path, suffix: str
) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS), crs="gcj02")  # awkward floats on purpose
    registry.set_status("ZZ2", "suspended", reason="设施损坏 / broken", actor="t")
    before = registry.all()
    out = tmp_path / f"export{suffix}"
    assert export_stations(before, out) == len(GOOD_ROWS)

    other = Registry.open(f"sqlite:///{tmp_path / 'other.db'}")
    report = import_ledger(other, out)
    assert report.counts is not None and report.counts.added == len(GOOD_ROWS)
    assert other.all() == before
    # and importing it into the original registry changes nothing
    again = import_ledger(registry, out)
    assert again.counts is not None and again.counts.unchanged == len(GOOD_ROWS)


def test_export_carries_region_columns(registry: Registry, write_csv: Callable[..., Path],
                                       tmp_path: Path) -> None:
    import_ledger(registry, write_csv(GOOD_ROWS))
    out = tmp_path / "s.csv"
    export_stations(registry.all(), out)
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith("adcode,province,city,county")
    assert "410105,河南省,郑州市,金水区" in text


def test_unknown_export_format_is_refused(registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unsupported export format"):
        export_stations([], tmp_path / "x.shp")
    assert not (tmp_path / "x.shp").exists()
