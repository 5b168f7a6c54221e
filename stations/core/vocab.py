"""The controlled vocabulary of the public surface (see INTERFACE.md).

Each entry carries its Chinese and English label so pages, exports and error
messages speak zh-CN first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str


def term_table(*terms: Term) -> dict[str, Term]:
    """Terms by code, in the order given."""
    return {t.code: t for t in terms}


KINDS: dict[str, Term] = term_table(
    Term("outdoor_worker_station", "户外劳动者服务站点", "Outdoor-worker service station"),
    Term("driver_home", "司机之家", "Driver home"),
)

STATUSES: dict[str, Term] = term_table(
    Term("planned", "规划中", "Planned"),
    Term("active", "运营中", "Active"),
    Term("suspended", "暂停", "Suspended"),
    Term("revoked", "已撤销", "Revoked"),
    Term("closed", "已关闭", "Closed"),
)

# Lifecycle: which status may follow which. ``planned`` can become active or be
# dropped; a suspended station can come back; revoked and closed are final
# unless an admin re-plans the site.
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"active", "closed", "revoked"}),
    "active": frozenset({"suspended", "revoked", "closed"}),
    "suspended": frozenset({"active", "revoked", "closed"}),
    "revoked": frozenset({"planned"}),
    "closed": frozenset({"planned"}),
}

SERVICES: dict[str, Term] = term_table(
    Term("drinking_water", "饮用水", "Drinking water"),
    Term("hot_water", "热水", "Hot water"),
    Term("food_heating", "饭菜加热", "Food heating"),
    Term("toilet", "卫生间", "Toilet"),
    Term("rest_area", "休息区", "Rest area"),
    Term("air_conditioning", "空调", "Air conditioning"),
    Term("heating", "取暖", "Heating"),
    Term("first_aid", "急救药箱", "First aid"),
    Term("phone_charging", "手机充电", "Phone charging"),
    Term("wifi", "无线网络", "Wi-Fi"),
    Term("reading", "阅读", "Reading"),
    Term("parking", "停车", "Parking"),
    Term("truck_parking", "货车停车", "Truck parking"),
    Term("shower", "淋浴", "Shower"),
    Term("laundry", "洗衣", "Laundry"),
    Term("meals", "餐饮", "Meals"),
    Term("lodging", "住宿", "Lodging"),
    Term("security", "安保", "Security"),
    Term("repair", "维修", "Repair"),
)

SERVICE_CODES: tuple[str, ...] = tuple(SERVICES)
SERVICE_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(SERVICE_CODES)}

CRITERIA: dict[str, Term] = term_table(
    Term("signage", "有统一的标识名称", "Unified signage and name"),
    Term("layout", "有合理的站点布局", "Sensible place in the network"),
    Term("facilities", "有健全的服务设施", "Sound facilities"),
    Term("functions", "有完善的服务功能", "Complete service functions"),
    Term("management", "有规范的管理制度", "Written management rules"),
    Term("on_map", "有地图可查", "Findable on a map"),
)

# Chinese spellings a ledger may use for the codes above.
KIND_ALIASES: dict[str, str] = {
    "户外劳动者服务站点": "outdoor_worker_station",
    "户外劳动者服务站": "outdoor_worker_station",
    "驿站": "outdoor_worker_station",
    "爱心驿站": "outdoor_worker_station",
    "工会驿站": "outdoor_worker_station",
    "暖心驿站": "outdoor_worker_station",
    "职工驿站": "outdoor_worker_station",
    "户外劳动者驿站": "outdoor_worker_station",
    "户外劳动者服务驿站": "outdoor_worker_station",
    "户外劳动者服务点": "outdoor_worker_station",
    "户外劳动者服务站点（驿站）": "outdoor_worker_station",
    "劳动者港湾": "outdoor_worker_station",
    "爱心港湾": "outdoor_worker_station",
    "户外劳动者港湾": "outdoor_worker_station",
    "职工之家驿站": "outdoor_worker_station",
    "司机之家": "driver_home",
    "货车司机之家": "driver_home",
    "司机之家服务站": "driver_home",
    "司机驿站": "driver_home",
}
STATUS_ALIASES: dict[str, str] = {t.zh: t.code for t in STATUSES.values()} | {
    "在用": "active",
    "开放": "active",
    "运营": "active",
    "正常": "active",
    "规划": "planned",
    "筹建": "planned",
    "撤销": "revoked",
    "关闭": "closed",
    "停用": "suspended",
    "正常运营": "active",
    "正常运行": "active",
    "运行": "active",
    "运行中": "active",
    "运营正常": "active",
    "正常开放": "active",
    "已建成": "active",
    "建成": "active",
    "已挂牌": "active",
    "已投用": "active",
    "投入使用": "active",
    "已开放": "active",
    "在建": "planned",
    "建设中": "planned",
    "计划建设": "planned",
    "拟建": "planned",
    "暂停使用": "suspended",
    "暂停服务": "suspended",
    "暂停运营": "suspended",
    "暂停开放": "suspended",
    "已停用": "suspended",
    "已撤除": "revoked",
    "已摘牌": "revoked",
    "摘牌": "revoked",
}
# What a ledger cell holds when it means "nothing here": read as an empty cell.
PLACEHOLDERS = frozenset({
    "/", "//", "\\", "-", "--", "---", "—", "——", "———", "–", "一", "－", "/ /", "无", "暂无", "没有", "空",
    "待定", "待补充", "待完善", "不详", "未知", "未填", "无数据", "n/a", "na", "null", "none", "nil", "/无",
    "×",
})
SERVICE_ALIASES: dict[str, str] = {t.zh: t.code for t in SERVICES.values()}


def services_mask(codes: list[str] | tuple[str, ...] | frozenset[str]) -> int:
    """Bit mask of service codes (codes must already be valid)."""
    mask = 0
    for code in codes:
        mask |= SERVICE_BIT[code]
    return mask
