"""Where an account may act: regions as adcodes, and the stations a host runs.

An account's ``region`` is an administrative code (adcode): ``100000`` is the whole
country, ``410000`` a province, ``410100`` a city, ``410102`` a county. A region covers a
station when the station's adcode lies inside it. A station without an adcode (not yet
located, region unknown) lies only inside the whole country.

This is the one place that answers "may this account touch this station": routes and
domain code call :func:`require_station_access`; issue 15 fills in how regions and host
stations are stored, the contract here stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.errors import Forbidden, InvalidInput

if TYPE_CHECKING:
    from stations.accounts.users import User
    from stations.core.model import Station

COUNTRY = "100000"


def check_region(code: str) -> str:
    """``code`` as a six-digit adcode.

    Raises
    ------
    stations.errors.InvalidInput
        For anything but six digits.
    """
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        raise InvalidInput(
            "region", f"地区代码应为6位数字 / a region is a six-digit adcode, got {code!r}"
        )
    return code


def region_prefix(region: str) -> str:
    """The adcode prefix every place inside ``region`` shares ('' for the country)."""
    if region == COUNTRY:
        return ""
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


def covers(region: str, adcode: str | None) -> bool:
    """Whether ``adcode`` (a station's or another region's) lies inside ``region``."""
    prefix = region_prefix(region)
    if not prefix:
        return True
    return bool(adcode) and str(adcode).startswith(prefix)


def within(inner: str, outer: str) -> bool:
    """Whether region ``inner`` lies wholly inside region ``outer``."""
    return covers(outer, inner) and len(region_prefix(inner)) >= len(region_prefix(outer))


def may_touch(user: User, station: Station) -> bool:
    """Whether ``user`` may act on ``station``: inside their region, or (a host) theirs."""
    if user.role == "host":
        return station.id in user.stations
    return covers(user.region, station.adcode)


def require_station_access(user: User, station: Station) -> User:
    """``user`` if the station is theirs to act on.

    Raises
    ------
    stations.errors.Forbidden
        Naming the account's region (or, for a host, that the station is not theirs).
    """
    if may_touch(user, station):
        return user
    if user.role == "host":
        raise Forbidden(
            f"站点 {station.id} 不由您的单位运营 / station {station.id} is not one you host"
        )
    raise Forbidden(
        f"站点 {station.id} 不在您的辖区 {user.region} 内 / station {station.id} "
        f"lies outside your region {user.region}"
    )


def region_for(user: User, asked: str | None) -> str:
    """The region a listing or queue covers for ``user``: ``asked`` (an adcode) if it lies
    inside the account's region; the account's own region when none is asked, or when the
    one asked for holds the account's (a city inspector asking for the province gets the
    city: the answer's ``region`` says so).

    Raises
    ------
    stations.errors.InvalidInput
        For an ``asked`` that is not an adcode.
    stations.errors.Forbidden
        For a region outside the account's, naming the account's region.
    """
    if asked is None or not str(asked).strip():
        return user.region
    region = check_region(str(asked))
    if within(user.region, region):
        return user.region
    if not within(region, user.region):
        raise Forbidden(
            f"地区 {region} 不在您的辖区 {user.region} 内 / region {region} lies outside "
            f"your region {user.region}"
        )
    return region
