"""Which carriageway a service area serves, read from its name."""

from __future__ import annotations

import pytest

from geodata.geodesy import bearing_deg
from stations.core.carriageway import toward, toward_bearing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("福山服务区(芜合高速芜湖方向)司机之家", "芜湖", id="road-then-city"),
        pytest.param("西桥服务区（沪陕高速上海方向）", "上海", id="full-width-brackets"),
        pytest.param("某服务区(G30连霍高速乌鲁木齐方向)", "乌鲁木齐", id="road-code"),
        pytest.param("香铺服务区(往合肥方向)", "合肥", id="wang"),
        pytest.param("天柱山服务区(济广高速天柱山方向)", "天柱山", id="not-a-region"),
        pytest.param("某服务区(东行)", "东", id="compass-bracket"),
        pytest.param("某服务区 西北方向", "西北", id="compass-before-fangxiang"),
        pytest.param("某服务区(往南方向)", "南", id="compass-wang"),
        pytest.param("工会驿站(郑州高新区枫杨办事处)", None, id="no-direction"),
        pytest.param("城东行政服务中心工会驿站", None, id="dong-xing-is-not-a-direction"),
        pytest.param("河南方向服务区", "河南", id="province"),
        pytest.param("", None, id="blank"),
        pytest.param(None, None, id="none"),
    ],
)
def test_toward_reads_the_destination_from_the_name(name: str | None, expected: str | None) -> None:
    assert toward(name) == expected


def test_bearing_points_towards_the_destination_place() -> None:
    # a site near Hefei: Shanghai lies east, Xi'an west-north-west
    lon, lat = 117.7116603, 31.9598334
    east = toward_bearing(lon, lat, "上海")
    west = toward_bearing(lon, lat, "西安")
    assert east is not None and 60 < east < 120
    assert west is not None and 260 < west < 310
    assert east == pytest.approx(float(bearing_deg(lon, lat, 121.47, 31.23)) % 360, abs=10)


@pytest.mark.parametrize(("word", "bearing"), [("北", 0.0), ("东", 90.0), ("西南", 225.0)])
def test_compass_words_are_bearings(word: str, bearing: float) -> None:
    assert toward_bearing(116.0, 31.0, word) == bearing


@pytest.mark.parametrize("place", ["天柱山", "鼓楼", "", None])
def test_unknown_or_ambiguous_places_give_no_bearing(place: str | None) -> None:
    assert toward_bearing(116.0, 31.0, place) is None
