"""Live status: notices (``/api/stations/{id}/notices``), reports from the road
(``/api/stations/{id}/reports``), the reported queue and the ``/api/live`` feed.

Writes bump ``live_revision`` and reload this instance's live overlay at once; other
instances pick the change up within a poll. None of it rebuilds the search index.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request, Response

from stations.accounts.users import MAY, User
from stations.core.clock import utcnow
from stations.live.notices import list_notices, post_notice, withdraw_notice
from stations.live.queue import QUEUE_DAYS, reported_for
from stations.live.reports import Client, submit_report
from stations.services import Services
from web.deps import CurrentUser, RegistryDep, ServicesDep, require_role
from web.params import NoticeId, StationId
from web.schemas_live import LiveFeed, NoticeIn, NoticeList, NoticeOut, ReportedQueue, ReportIn, ReportOut

router = APIRouter(prefix="/api", tags=["live"])
QueueReader = Annotated[User, Depends(require_role(*MAY["read_queues"]))]
FEED_SECONDS = 15  # the feed holds for this long: every instance serves the same bytes


def _live_now(services: Services, station_id: str) -> dict[str, Any] | None:
    state = services.start_index().board.current.state_of(station_id, utcnow())
    return None if state is None else state.to_dict()


@router.post("/stations/{station_id}/notices", status_code=201, response_model=NoticeOut,
             summary="发布通告 / Post a notice (host of the station, staff in its region)")
def create_notice(station_id: StationId, body: NoticeIn, user: CurrentUser, registry: RegistryDep,
                  services: ServicesDep) -> Any:
    """Closed (from/until, reason), full, free truck spaces or a service unavailable. It
    ends by itself at ``ends_at`` (default by kind) and outranks reports meanwhile."""
    notice = post_notice(registry, user, station_id, kind=body.kind, starts_at=body.starts_at,
                         ends_at=body.ends_at, free_spaces=body.free_spaces,
                         service=body.service, reason=body.reason)
    services.live_changed()
    return notice.to_dict()


@router.get("/stations/{station_id}/notices", response_model=NoticeList,
            summary="站点通告 / A station's notices, and what drivers are shown now")
def get_notices(station_id: StationId, registry: RegistryDep, services: ServicesDep) -> Any:
    notices = list_notices(registry, station_id)
    return {"station_id": station_id, "notices": [n.to_dict() for n in notices],
            "live": _live_now(services, station_id)}


@router.delete("/stations/{station_id}/notices/{notice_id}", response_model=NoticeOut,
               summary="撤回通告 / Withdraw a notice (ends it now)")
def delete_notice(station_id: StationId, notice_id: NoticeId, user: CurrentUser, registry: RegistryDep,
                  services: ServicesDep) -> Any:
    notice = withdraw_notice(registry, user, station_id, notice_id)
    services.live_changed()
    return notice.to_dict()


@router.post("/stations/{station_id}/reports", status_code=201, response_model=ReportOut,
             summary="现场报告 / Report a station's state from where you stand (no account)")
def create_report(station_id: StationId, body: ReportIn, request: Request, registry: RegistryDep,
                  services: ServicesDep,
                  x_device_id: Annotated[str | None, Header()] = None) -> Any:
    """Accepted within 500 m of the station (422 naming the distance otherwise); a few an
    hour per client (429 with ``Retry-After`` beyond). One report alone changes nothing
    shown: two independent clients within an hour, or a notice, do."""
    client = Client.of(request.client.host if request.client else None,
                       body.device_id or x_device_id, services.token_secret)
    stored = submit_report(registry, station_id, state=body.state, service=body.service,
                           lon=body.lon, lat=body.lat, crs=body.crs, client=client)
    services.live_changed()
    return {**stored, "live": _live_now(services, station_id)}


@router.get("/queues/reported", response_model=ReportedQueue, tags=["inspections"],
            summary="报告关闭的站点 / Stations reported closed when they should be open")
def reported(registry: RegistryDep, user: QueueReader,
             region: Annotated[str | None, Query(description="6-digit adcode")] = None) -> Any:
    region, stations = reported_for(registry, user, region)
    return {"queue": "reported", "region": region, "days": QUEUE_DAYS,
            "count": len(stations), "stations": stations}


def _feed(services: Services) -> tuple[bytes, str]:
    """The feed's bytes and ETag for the current window (the same on every instance)."""
    keeper = services.start_index()
    board, index = keeper.board, keeper.live.current
    now = utcnow()
    overlay = board.current
    # states hold for the start of a 15 s window, or for the newest write if later: a
    # moment every instance agrees on, so all serve the same bytes and the same ETag
    as_of = datetime.fromtimestamp(int(now.timestamp()) // FEED_SECONDS * FEED_SECONDS, UTC)
    if overlay.latest is not None and as_of < overlay.latest <= now:
        as_of = overlay.latest
    key = ("feed", overlay.revision, as_of)
    found = board.memo.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    names, lons, lats = index.column("name"), index.column("lon"), index.column("lat")
    stations = []
    for sid, state in overlay.states(as_of).items():
        row = index.row_of(sid)
        where = {} if row is None else {"name": names[row], "lon": float(lons[row]),
                                        "lat": float(lats[row])}
        live = state.to_dict()
        live.pop("reason")
        stations.append({"id": sid, **where, **live})
    body = orjson.dumps({"as_of": as_of.isoformat(timespec="milliseconds"),
                         "revision": overlay.revision, "stations": stations})
    etag = f'"{hashlib.sha256(body).hexdigest()[:24]}"'
    board.memo = {key: (body, etag)}
    return body, etag


@router.get("/live", response_model=LiveFeed,
            summary="实时状态源 / Feed of every station with a live state (ETag)",
            responses={304: {"description": "If-None-Match matched: nothing changed"}})
def live_feed(services: ServicesDep,
              if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """For navigation apps, TPIMS-style: poll it; send ``If-None-Match`` with the last
    ``ETag`` and get a bodiless 304 while nothing changed. States hold for ``as_of``; the
    answer changes at most every 15 s."""
    body, etag = _feed(services)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={FEED_SECONDS}"}
    if if_none_match and (if_none_match.strip() == "*" or etag in
                          [t.strip().removeprefix("W/") for t in if_none_match.split(",")]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
