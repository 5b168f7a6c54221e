"""Query parameters of the OGC endpoints, checked strictly.

OGC API - Features wants a 400 for a parameter the API does not define or a value it cannot
use (``limit=unlimited``, ``ooga=booga``), so clients learn of a typo instead of getting
every feature unfiltered. Each problem is an :class:`~stations.errors.InvalidInput` naming
the parameter; the OGC routes answer it with 400.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from starlette.datastructures import QueryParams

from stations.core.paging import Cursor
from stations.errors import InvalidInput
from web.ogc.crs import Crs, parse_bbox, parse_crs
from web.params import MAX_OFFSET

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100
FORMATS = ("json", "geojson", "html")
# every response: format and, for HTML, the language
COMMON = ("f", "lang")
PAGING = ("limit", "offset", "after", "before", "bbox", "bbox-crs", "crs", "datetime")
# properties each collection can be filtered by, by name
PROPERTY_FILTERS: dict[str, tuple[str, ...]] = {
    "stations": ("kind", "status", "service", "adcode"),
    "regions": ("level", "adcode"),
}


@dataclass(frozen=True)
class ItemsQuery:
    """A checked ``/items`` request."""

    limit: int
    cursor: Cursor
    bbox: tuple[float, float, float, float] | None
    crs: Crs
    bbox_crs: Crs
    changed: tuple[datetime | None, datetime | None] | None
    properties: dict[str, tuple[str, ...]]
    filter_text: str | None = None


def check_known(params: QueryParams, allowed: Sequence[str]) -> None:
    """400 for a parameter the endpoint does not define, or one given twice."""
    for name in params:
        if name not in allowed:
            raise InvalidInput(name, f"未知参数 / unknown parameter {name!r}; 可用 / this endpoint "
                                     f"takes {', '.join(allowed)}")
        if len(params.getlist(name)) > 1 and name not in ("service",):
            raise InvalidInput(name, "参数重复 / parameter given more than once")


def items_parameters(collection: str, *, with_filter: bool) -> tuple[str, ...]:
    return (*COMMON, *PAGING, *PROPERTY_FILTERS[collection],
            *(("filter", "filter-lang", "filter-crs") if with_filter else ()))


def parse_items(collection: str, params: QueryParams, *, with_filter: bool = False) -> ItemsQuery:
    """Check the parameters of ``/collections/{collection}/items``."""
    check_known(params, items_parameters(collection, with_filter=with_filter))
    # a limit above the maximum is served as the maximum (Part 1 allows either)
    limit = min(_integer(params, "limit", DEFAULT_LIMIT, 1, None), MAX_LIMIT)
    offset = _integer(params, "offset", 0, 0, MAX_OFFSET)  # no database overflows
    after = params.get("after") or None
    before = params.get("before") or None
    if (after or before) and "offset" in params and offset:
        raise InvalidInput("offset", "offset 不能与 after/before 同时使用 / give offset or a cursor "
                                     "(after, before), not both")
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    if "bbox-crs" in params and "bbox" not in params:
        raise InvalidInput("bbox-crs", "只能与 bbox 一起使用 / only goes with bbox")
    properties = {}
    for name in PROPERTY_FILTERS[collection]:
        values = tuple(v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip())
        if values:
            properties[name] = values
    filter_text = params.get("filter")
    if filter_text is not None:
        language = params.get("filter-lang", "cql2-text")
        if language not in ("cql2-text", "cql-text"):
            raise InvalidInput("filter-lang", f"只支持 cql2-text / only cql2-text is supported, not "
                                              f"{language!r}")
        if params.get("filter-crs") not in (None, "", DEFAULT_CRS_URI):
            raise InvalidInput("filter-crs", f"只支持 / only {DEFAULT_CRS_URI}")
    return ItemsQuery(
        limit=limit,
        cursor=Cursor(after=after, before=before, offset=offset),
        bbox=parse_bbox(params.get("bbox"), bbox_crs),
        crs=parse_crs(params.get("crs")),
        bbox_crs=bbox_crs,
        changed=parse_datetime(params.get("datetime")),
        properties=properties,
        filter_text=filter_text,
    )


DEFAULT_CRS_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def parse_datetime(value: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An RFC 3339 instant or interval (``a/b``, ``../b``, ``a/..``) as an inclusive UTC
    interval; a date alone means the whole day (China time)."""
    if value is None or value.strip() in ("", "../..", "/"):
        return None
    if "/" in value:
        first, _, second = value.partition("/")
        start = None if first in ("", "..") else _instant(first, end=False)
        end = None if second in ("", "..") else _instant(second, end=True)
        if start is not None and end is not None and start > end:
            raise InvalidInput("datetime", "区间起点晚于终点 / the interval starts after it ends")
        return start, end
    return _instant(value, end=False), _instant(value, end=True)


_CHINA = timedelta(hours=8)


def _instant(text: str, *, end: bool) -> datetime:
    text = text.strip()
    try:
        if len(text) == 10:  # a date: the whole day in China time
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end else time.min)
            return (moment - _CHINA).replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InvalidInput("datetime", f"无法识别的时间 / not an RFC 3339 date or time: {text!r} "
                                       "(e.g. 2024-05-01T08:00:00Z, 2024-05-01/.., ../2024-06-30)"
                           ) from None
    if moment.tzinfo is None:
        raise InvalidInput("datetime", f"时间需要时区 / give a time zone (Z or +08:00): {text!r}")
    return moment.astimezone(UTC)


def wants_html(params: Mapping[str, str], accept: str | None) -> bool:
    """HTML when ``f=html``, or when no ``f`` is given and the client prefers HTML."""
    fmt = params.get("f")
    if fmt is not None:
        if fmt not in FORMATS:
            raise InvalidInput("f", f"未知格式 / unknown format {fmt!r}; 可用 / one of {', '.join(FORMATS)}")
        return fmt == "html"
    if not accept:
        return False
    best = {"html": -1.0, "json": -1.0}
    for i, part in enumerate(accept.split(",")):
        media, _, rest = part.strip().partition(";")
        quality = 1.0
        for p in rest.split(";"):
            key, _, number = p.strip().partition("=")
            if key == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        score = quality - i * 1e-3  # earlier wins a tie
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            best["html"] = max(best["html"], score)
        elif "json" in media:
            best["json"] = max(best["json"], score)
    return best["html"] > 0 and best["html"] > best["json"]


def _integer(params: QueryParams, name: str, default: int, low: int, high: int | None) -> int:
    text = params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(name, f"需要整数 / expected an integer, not {text!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise InvalidInput(name, f"超出范围 / out of range ({bound}): {value}")
    return value
