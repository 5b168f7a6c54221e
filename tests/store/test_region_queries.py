"""Region filters are ranges of adcodes that the adcode index answers (a ``LIKE '4101%'``
never used it: SQLite's LIKE ignores case, PostgreSQL's needs a pattern index)."""

from __future__ import annotations

from sqlalchemy import select

from stations.core.filters import adcode_bounds
from stations.core.model import Station
from stations.store.registry import Registry
from stations.store.station_rows import in_region
from stations.store.tables import StationRow


def test_adcode_bounds_cover_exactly_the_region() -> None:
    assert adcode_bounds("410000") == ("41", "42")
    assert adcode_bounds("410100") == ("4101", "4102")
    assert adcode_bounds("410109") == ("410109", "41010:")  # ':' sorts right after '9'
    low, high = adcode_bounds("410900")
    assert all(low <= code < high for code in ("410902", "410923", "410999"))
    assert not any(low <= code < high for code in ("410899", "411000", "41"))


def test_a_region_query_uses_the_adcode_index_and_finds_the_regions_stations(registry: Registry) -> None:
    inside = [Station(f"in{i}", f"金水区驿站{i}", "outdoor_worker_station", None, None, address="郑州市金水区",
                      adcode=code) for i, code in enumerate(("410105", "410102", "410199"))]
    outside = [Station(f"out{i}", f"驿站{i}", "outdoor_worker_station", None, None, address="开封",
                       adcode=code) for i, code in enumerate(("410200", "410001", "420100"))]
    registry.save_many(inside + outside, actor="test")
    query = select(StationRow.id).where(in_region(StationRow.adcode, "410100")).order_by(StationRow.id)
    with registry.session() as s:
        assert s.execute(query).scalars().all() == ["in0", "in1", "in2"]
        connection = s.connection()
        if connection.dialect.name == "sqlite":
            sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "ix_stations_adcode" in plan
