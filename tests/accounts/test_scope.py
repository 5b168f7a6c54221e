"""Regions as adcodes: which account may act on which station."""

import pytest

from stations.accounts.scope import check_region, covers, require_station_access, within
from stations.accounts.users import User
from stations.core.model import Station
from stations.errors import Forbidden, InvalidInput


def _station(adcode: str | None, sid: str = "S1") -> Station:
    return Station(id=sid, name="驿站", kind="outdoor_worker", lon=113.6, lat=34.7, adcode=adcode)


@pytest.mark.parametrize(
    ("region", "adcode", "inside"),
    [
        ("100000", "410102", True),
        ("100000", None, True),
        ("410000", "410102", True),
        ("410000", "420102", False),
        ("410100", "410102", True),
        ("410100", "410202", False),
        ("410102", "410102", True),
        ("410102", "410103", False),
        ("410000", None, False),
    ],
)
def test_a_region_covers_the_places_inside_it(region, adcode, inside):
    assert covers(region, adcode) is inside


def test_a_city_lies_within_its_province_but_not_the_other_way():
    assert within("410100", "410000")
    assert not within("410000", "410100")
    assert within("410000", "100000")


def test_an_account_outside_the_region_is_refused_naming_its_region():
    user = User(id=1, name="zz", role="admin", region="410100")
    assert require_station_access(user, _station("410102")) is user
    with pytest.raises(Forbidden, match="410100"):
        require_station_access(user, _station("420102"))


def test_a_host_acts_only_on_its_own_stations():
    host = User(id=2, name="bank", role="host", stations=frozenset({"S1"}))
    require_station_access(host, _station("410102", "S1"))
    with pytest.raises(Forbidden):
        require_station_access(host, _station("410102", "S2"))


@pytest.mark.parametrize("bad", ["", "41", "4101020", "abcdef"])
def test_a_region_is_six_digits(bad):
    with pytest.raises(InvalidInput):
        check_region(bad)
