"""Travel profiles: which OpenStreetMap ways a walker, a rider or a driver may use, and how fast.

Speeds are those planners assume for reach in minutes: walking at 4 km/h (so the 15-minute
walk is the 1,000 m circle the registry has always drawn), cycling at 12 km/h, and driving
at a speed per road class (or the way's ``maxspeed`` when it is lower). The *circle speed*
turns minutes into the radius of the circle drawn beside the network figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from stations.errors import InvalidInput

_NO = frozenset({"no", "private", "discouraged", "agricultural", "forestry", "delivery"})
_YES = frozenset({"yes", "designated", "permissive", "destination", "official"})
_ONEWAY_YES = frozenset({"yes", "true", "1"})
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?\s*$")
_MAJOR = {"primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link"}
_MINOR = {"residential", "living_street", "service", "unclassified", "road"}


@dataclass(frozen=True)
class Profile:
    """How one kind of traveller uses roads.

    Attributes
    ----------
    name : str
        ``walk``, ``bike`` or ``drive``.
    speeds_kmh : dict
        Highway class → speed; only these classes are used.
    access_keys : tuple of str
        Access tags that decide for this traveller, most specific first.
    one_way : bool
        Whether one-way streets bind this traveller.
    access_kmh : float
        Speed of the leg between a point and the road it is snapped to.
    circle_kmh : float
        Speed that turns minutes into the comparison circle's radius.
    max_snap_m : float
        A point farther than this from every road is not on the network.
    min_search_m, max_search_m : float
        Road distances of nearest results are searched at least this far (a detour over a
        bridge) and at most this far (farther stations get none).
    """

    name: str
    zh: str
    speeds_kmh: dict[str, float]
    access_keys: tuple[str, ...]
    one_way: bool
    access_kmh: float
    circle_kmh: float
    max_snap_m: float
    min_search_m: float
    max_search_m: float
    use_maxspeed: bool = False
    allow_if_yes: frozenset[str] = field(default_factory=frozenset)

    def circle_radius_m(self, minutes: float) -> float:
        """The radius of the circle drawn for ``minutes`` of travel."""
        return minutes * self.circle_kmh * 1000.0 / 60.0

    @property
    def uniform(self) -> bool:
        """One speed everywhere (walking): travel time is length over speed."""
        return set(self.speeds_kmh.values()) == {self.access_kmh} and not self.use_maxspeed

    def way_speed(self, tags: dict[str, str]) -> float | None:
        """Speed on a way with these OSM tags, or ``None`` when this traveller may not use it."""
        highway = tags.get("highway", "")
        speed = self.speeds_kmh.get(highway)
        if speed is None:
            # a footway or track this traveller may use when the way says so
            if highway not in self.allow_if_yes or not any(tags.get(k) in _YES for k in self.access_keys[:1]):
                return None
            speed = min(self.speeds_kmh.values())
        if tags.get("area") == "yes" and highway != "pedestrian":
            return None
        for key in self.access_keys:
            value = tags.get(key)
            if value is not None:
                if value in _NO:
                    return None
                break
        if self.use_maxspeed:
            limit = _maxspeed(tags.get("maxspeed"))
            if limit is not None and 0 < limit < speed:
                speed = limit
        return speed

    def direction(self, tags: dict[str, str]) -> int:
        """1: only along the way's nodes; -1: only against them; 0: both ways."""
        if not self.one_way:
            return 0
        value = tags.get("oneway", "")
        if value in _ONEWAY_YES:
            return 1
        if value == "-1":
            return -1
        if value == "no":
            return 0
        if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway":
            return 1
        return 0


def _maxspeed(text: str | None) -> float | None:
    if not text:
        return None
    match = _NUMBER.match(text)
    if match is None:
        return None
    value = float(match.group(1))
    return value * 1.609 if match.group(2) else value


def _speeds(kmh: float, classes: set[str] | frozenset[str]) -> dict[str, float]:
    return dict.fromkeys(sorted(classes), kmh)


_WALKABLE = {"footway", "pedestrian", "path", "steps", "living_street", "residential", "service",
             "unclassified", "road", "track", "cycleway", "corridor", "bridleway"} | _MAJOR
_RIDEABLE = {"cycleway", "path", "track", "living_street"} | _MINOR | _MAJOR

PROFILES: dict[str, Profile] = {
    "walk": Profile(
        name="walk", zh="步行", speeds_kmh=_speeds(4.0, _WALKABLE),
        access_keys=("foot", "access"), one_way=False, access_kmh=4.0, circle_kmh=4.0,
        max_snap_m=500.0, min_search_m=2_000.0, max_search_m=10_000.0,
        allow_if_yes=frozenset({"trunk", "trunk_link"}),
    ),
    "bike": Profile(
        name="bike", zh="骑行", speeds_kmh=_speeds(12.0, _RIDEABLE),
        access_keys=("bicycle", "vehicle", "access"), one_way=True, access_kmh=4.0,
        circle_kmh=12.0, max_snap_m=500.0, min_search_m=5_000.0, max_search_m=20_000.0,
        allow_if_yes=frozenset({"footway", "pedestrian", "trunk", "trunk_link"}),
    ),
    "drive": Profile(
        name="drive", zh="驾车",
        speeds_kmh={"motorway": 100.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
                    "primary": 60.0, "primary_link": 40.0, "secondary": 50.0,
                    "secondary_link": 35.0, "tertiary": 40.0, "tertiary_link": 30.0,
                    "unclassified": 30.0, "road": 30.0, "residential": 25.0,
                    "living_street": 10.0, "service": 15.0},
        access_keys=("motorcar", "motor_vehicle", "vehicle", "access"), one_way=True,
        access_kmh=15.0, circle_kmh=40.0, max_snap_m=1_000.0, min_search_m=20_000.0,
        max_search_m=60_000.0,
        use_maxspeed=True,
    ),
}
# Which profile a station's visitors travel by: riders walk the last stretch to a station,
# truck drivers drive to a driver home.
KIND_PROFILE = {"outdoor_worker_station": "walk", "driver_home": "drive"}


def get_profile(name: object, field_name: str = "profile") -> Profile:
    """The profile called ``name``, or :class:`InvalidInput` naming ``field_name``."""
    profile = PROFILES.get(name) if isinstance(name, str) else None
    if profile is None:
        raise InvalidInput(field_name, f"未知的出行方式 / unknown profile {name!r}; "
                                       f"可选 / one of {', '.join(PROFILES)}")
    return profile


def seconds(length_m: float, kmh: float) -> float:
    """Seconds to cover ``length_m`` at ``kmh``."""
    return length_m * 3.6 / kmh if kmh > 0 else math.inf
