"""Addresses read against the bundled administrative names, in their context."""

from __future__ import annotations

import pytest

from geodata.addresses import FORMER_NAMES, ZONES, AmbiguousAddress, parse_address, place
from geodata.regions import region


@pytest.mark.parametrize(
    ("address", "within", "adcode"),
    [
        pytest.param("郑州市金水区花园路1号", None, "410105", id="city-county"),
        pytest.param("河南省郑州市二七区大学路", None, "410103", id="province-city-county"),
        pytest.param("河南郑州二七区", None, "410103", id="short-names"),
        pytest.param("朝阳区建国路", "110000", "110105", id="chaoyang-beijing"),
        pytest.param("朝阳区人民大街", "220100", "220104", id="chaoyang-changchun"),
        pytest.param("鼓楼区中山路", "350100", "350102", id="gulou-fuzhou"),
        pytest.param("南京市鼓楼区中山路", None, "320106", id="gulou-nanjing-in-text"),
        pytest.param("上海市黄浦区河南中路", None, "310101", id="road-named-after-a-province"),
        pytest.param("青岛市市北区郑州路", None, "370203", id="road-named-after-a-city"),
        pytest.param("郑州高新区枫杨街", None, "410100", id="generic-zone-in-its-city"),
        pytest.param("高新区", "410100", "410100", id="generic-zone-in-context"),
        pytest.param("郑东新区商务内环", None, "410100", id="named-zone"),
        pytest.param("郑州航空港区新港大道", None, "410100", id="named-zone-with-city"),
        pytest.param("济南市莱芜区凤城街道", None, "370116", id="laiwu-district"),
        pytest.param("山东省莱芜市莱城区凤城街道", None, "370116", id="laiwu-former-city"),
        pytest.param("莱芜市钢城区艾山街道", None, "370117", id="gangcheng-under-former-laiwu"),
        pytest.param("北京市密云县", None, "110118", id="county-become-district"),
        pytest.param("东莞市南城街道", None, "441900", id="city-without-counties"),
        pytest.param("文化路12号", "410100", "410100", id="context-only"),
    ],
)
def test_addresses_resolve_to_their_region(address: str, within: str | None, adcode: str) -> None:
    found = parse_address(address, within=within)
    assert found is not None and found.adcode == adcode


@pytest.mark.parametrize(
    ("address", "cities"),
    [
        pytest.param("朝阳区建国路", ("北京市", "长春市"), id="chaoyang"),
        pytest.param("鼓楼区中山路", ("南京市", "徐州市", "福州市", "开封市"), id="gulou"),
        pytest.param("新华区中华北大街", ("石家庄市", "沧州市", "平顶山市"), id="xinhua"),
    ],
)
def test_ambiguous_counties_are_refused_naming_the_cities(address: str, cities: tuple[str, ...]) -> None:
    with pytest.raises(AmbiguousAddress) as info:
        parse_address(address)
    assert len(info.value.candidates) == len(cities)
    for city in cities:
        assert city in str(info.value)


def test_a_generic_zone_without_a_city_is_refused() -> None:
    with pytest.raises(AmbiguousAddress, match="name the city"):
        parse_address("高新区创业路")


def test_text_that_names_no_place_is_none() -> None:
    assert parse_address("文化路12号") is None
    assert parse_address(None) is None


def test_the_zone_and_former_name_tables_point_at_bundled_regions() -> None:
    for adcode in [*ZONES.values(), *FORMER_NAMES.values()]:
        assert region(adcode).adcode == adcode
    assert place("370116").city == "济南市"  # 莱芜 has been part of 济南 since 2019
    assert place("110105").city == "北京市"  # municipalities: the city is the province
