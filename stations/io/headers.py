"""Column names: the ledger's canonical columns and the many ways headers write them.

``canonical_header("所在区县")`` → ``"county"``; ``canonical_header("经度（E）")`` → ``"lon"``;
``canonical_header("坐标（经度,纬度）")`` → ``"coordinates"`` (both in one cell). Headers
are compared without spaces, line breaks, ``*`` marks and bracketed units, in half-width
characters and lower case.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stations.io.cells import read_services

COLUMNS = (
    "id",
    "name",
    "kind",
    "lon",
    "lat",
    "address",
    "services",
    "opening_hours",
    "phone",
    "status",
    "host",
)
EXTRA_COLUMNS = ("status_date", "status_reason", "truck_parking_capacity", "coordinates")
DERIVED_COLUMNS = ("adcode", "province", "city", "county")
EXPORT_COLUMNS = COLUMNS + ("status_date", "status_reason") + DERIVED_COLUMNS

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "站点编号", "驿站编号", "站点代码", "站点编码", "编码", "唯一编号", "amap_id"),
    "name": ("名称", "站点名称", "驿站名称", "服务站名称", "服务站点名称", "站名", "站点", "驿站",
             "点位名称", "阵地名称", "司机之家名称", "服务区名称", "站点全称", "驿站全称"),
    "kind": ("类型", "站点类型", "类别", "站点类别", "驿站类型", "驿站类别", "type"),
    "lon": ("经度", "lng", "longitude", "东经", "经度坐标", "lng_gcj02", "lon_gcj02",
            "lng_wgs84", "lon_wgs84", "x坐标", "x"),
    "lat": ("纬度", "latitude", "北纬", "纬度坐标", "lat_gcj02", "lat_wgs84", "y坐标", "y"),
    "coordinates": ("坐标", "经纬度", "经纬度坐标", "位置坐标", "坐标位置", "地理坐标", "定位", "坐标点",
                    "coordinates", "location", "lnglat", "lonlat", "latlng", "latlon"),
    "address": ("地址", "详细地址", "站点地址", "具体地址", "所在地址", "地点", "位置", "具体位置",
                "详细位置", "站点位置", "驿站地址", "地理位置", "所在位置", "站点详细地址"),
    "services": ("服务", "服务项目", "服务内容", "服务功能", "功能", "配套设施", "设施", "服务设施",
                 "设施配置", "主要功能", "提供服务", "功能设施", "设施设备", "配套设施设备", "设施配备",
                 "功能配置", "服务功能及设施", "facilities"),
    "opening_hours": ("开放时间", "服务时间", "营业时间", "开放时段", "工作时间", "服务时段",
                      "服务时间段", "开放时间段", "营业时段", "open_hours", "hours", "开放时长"),
    "phone": ("电话", "联系电话", "联系方式", "电话号码", "手机", "联系人电话", "负责人电话", "服务电话",
              "值班电话", "联系手机", "contact_phone", "tel"),
    "status": ("状态", "运营状态", "站点状态", "使用状态"),
    "host": ("依托单位", "所在单位", "建设单位", "承建单位", "运营单位", "管理单位", "依托单位名称",
             "主办单位", "责任单位", "驿站所在单位", "站点所在单位", "依托单位（场所）"),
    "status_date": ("状态日期",),
    "status_reason": ("状态原因",),
    "truck_parking_capacity": ("货车车位", "货车停车位", "大车车位", "货车车位数"),
    "adcode": ("行政区划代码", "区划代码"),
    "province": ("省", "省份", "所在省份", "所属省份", "所在省", "所属省"),
    "city": ("市", "城市", "地市", "所在城市", "所属城市", "所在市", "市州", "地级市", "所属地市", "所属市",
             "所属市州", "所在地市", "所在市州", "城市名称"),
    "county": ("县", "区县", "所在区县", "县区", "县(市、区)", "县(市,区)", "区(县)", "区(县、市)",
               "所属区县", "所在区", "辖区", "区域", "所属区域", "所在区域", "行政区", "district", "区",
               "县(市区)", "县市区", "区县(市)", "所属区", "所属县", "所在县", "区/县", "县/区", "所属县区",
               "所在县区", "区县名称", "县区名称", "所属县(市、区)", "所在县(市、区)", "所属区(县)",
               "所在区(县)", "所属县(区)", "所在县(区)", "所在地", "所在地区", "所属地区"),
}
HEADER_ALIASES: dict[str, str] = {word: code for code, words in _SYNONYMS.items() for word in words}
SERIAL_HEADERS = frozenset({"序号", "序", "no", "no.", "num", "#", "排序", "顺序号", "序列号"})
_KNOWN = set(COLUMNS) | set(EXTRA_COLUMNS) | set(DERIVED_COLUMNS)
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# "...名称" headers that name something else than the station (its host, its region).
_NOT_NAMES = ("单位名称", "企业名称", "区名称", "县名称", "市名称", "省名称", "州名称", "街道名称",
              "社区名称", "镇名称", "乡名称", "村名称", "路名称")
_ABOUT_COORDINATES = ("坐标系", "坐标系统", "坐标类型", "来源", "方式", "备注", "说明", "精度")
_BRACKETS = re.compile(r"[(\[【].*?[)\]】]")


def _key(name: str) -> str:
    text = str(name).translate(_FULLWIDTH).lstrip("\ufeff")
    return re.sub(r"\s+", "", text).strip("*:").lower()


@lru_cache(maxsize=4096)
def canonical_header(name: str) -> str | None:
    """The canonical column a header means, or ``None`` for a column we do not read."""
    key = _key(name)
    if not key:
        return None
    for candidate in (key, _BRACKETS.sub("", key)):
        if candidate in _KNOWN:
            return candidate
        if candidate in HEADER_ALIASES:
            return HEADER_ALIASES[candidate]
    bare = _BRACKETS.sub("", key)
    if bare.endswith(_ABOUT_COORDINATES):
        return None  # 坐标系, 坐标来源: about the coordinates, not the coordinates
    if "经纬" in key or "坐标" in bare:
        return "coordinates"
    if bare.endswith("经度") or bare.startswith("经度"):
        return "lon"
    if bare.endswith("纬度") or bare.startswith("纬度"):
        return "lat"
    if bare.endswith(("名称", "站名")) and not bare.endswith(_NOT_NAMES):
        return "name"
    if bare.endswith("地址"):
        return "address"
    return None


@lru_cache(maxsize=4096)
def service_header(name: str) -> tuple[str, ...]:
    """The services a column of ticks stands for (``微波炉`` → ``("food_heating",)``), or ``()``
    for a header that is a canonical column or names no service.

    Ledgers often list facilities as columns (饮水 | 热水 | 微波炉 | 卫生间) with ``√`` or ``有``
    in each station's row: read with :func:`stations.io.cells.ticked`.
    """
    if canonical_header(name) is not None:
        return ()
    codes, _capacity, unknown = read_services(_BRACKETS.sub("", _key(name)))
    return () if unknown else codes
