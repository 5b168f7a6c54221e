"""Query parameters of reach along roads (``network``, ``minutes``, ``reach_m``,
``buffer_m``), shared by the coverage routes and the map page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from stations.coverage.reach import NetworkReach, parse_reach


def reach_params(
    network: Annotated[str | None, Query(
        description="沿路网计算覆盖 / reach along roads: walk | bike | drive "
                    "(regions without a network keep circles; `reach.method` says which)")] = None,
    minutes: Annotated[float | None, Query(
        description="路网可达时间（分钟，默认 15）/ reach in minutes (default 15)")] = None,
    reach_m: Annotated[float | None, Query(
        description="路网可达距离（米）/ reach in metres along roads")] = None,
    buffer_m: Annotated[float | None, Query(
        description="道路两侧覆盖宽度（米，默认 50）/ covered width each side of a road")] = None,
) -> NetworkReach | None:
    """The checked road reach (``None``: circles only); 422 naming the bad parameter."""
    return parse_reach(network, minutes=minutes, reach_m=reach_m, buffer_m=buffer_m)


ReachDep = Annotated[NetworkReach | None, Depends(reach_params)]
