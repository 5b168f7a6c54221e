"""Which county or city an address names, read against the bundled administrative names.

``parse_address("郑州市金水区花园路1号")`` → the county 金水区 (410105). Addresses are read
left to right: each administrative name found narrows the place down (province → city →
county), within an optional context (``within``: the adcode of the province, city or
county the text is known to be in, e.g. a ledger's region or its 区县 column). Names that
contradict what is already known are street names (上海市黄浦区河南中路: 河南 is a road
there) and are passed over.

- County names repeat across cities (朝阳区 in 北京 and 长春, 鼓楼区 in four cities): without
  a city in the text or the context, :class:`AmbiguousAddress` lists the candidates.
- Short names (郑州, 河南, 内蒙古) count at the start of the text or right after another
  name, never in the middle, where they are usually roads (郑州路).
- Development zones map to their parent through a small table (:data:`ZONES`): named ones
  (郑东新区, 航空港区) to a city or county, generic ones (高新区, 经开区) to the city in the
  text or context.
- Former names still written in addresses: a county renamed between 县, 区 and 市 (密云县 →
  密云区) and the few in :data:`FORMER_NAMES` (莱芜市 → 济南市莱芜区, merged in 2019).

Knows nothing about stations.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from geodata.errors import GeodataError
from geodata.regions import COUNTRY_ADCODE, regions_frame

__all__ = ["AmbiguousAddress", "Place", "ZONES", "FORMER_NAMES", "parse_address", "place"]

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
# Named development zones and new areas → the adcode of their parent (city or county).
ZONES: dict[str, str] = {
    "郑东新区": "410100", "航空港区": "410100", "郑州航空港区": "410100",
    "航空港经济综合实验区": "410100", "郑州航空港经济综合实验区": "410100",
    "苏州工业园区": "320500", "天府新区": "510100", "两江新区": "500000",
    "雄安新区": "130600", "贵安新区": "520000", "兰州新区": "620100", "湘江新区": "430100",
    "赣江新区": "360100", "滇中新区": "530100", "哈尔滨新区": "230100", "长春新区": "220100",
    "福州新区": "350100", "金普新区": "210200", "西海岸新区": "370211",
    "青岛西海岸新区": "370211", "南沙新区": "440115", "舟山群岛新区": "330900",
}
# Generic zone names: they belong to whichever city the text or context names.
GENERIC_ZONES = frozenset({
    "高新区", "高新技术产业开发区", "高新技术开发区", "高新开发区", "高新技术产业园区",
    "经开区", "经济开发区", "经济技术开发区", "经济技术产业开发区", "开发区",
    "综合保税区", "保税区", "出口加工区", "工业园区", "产业集聚区",
})
# Former names whose successor is not found by swapping 县/区/市 (checked against the data).
FORMER_NAMES: dict[str, str] = {
    "莱芜市": "370116", "莱城区": "370116",  # 2019: 莱芜市 became 济南市莱芜区 and 钢城区
}
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"([\u4e00-\u9fff]{0,12}?族)*(自治州|地区|盟|市)$")
_SPACE = re.compile(r"\s+")
_PEOPLES = ("蒙古|达斡尔|鄂温克|鄂伦春|朝鲜|土家|仫佬|毛南|仡佬|布依|哈尼|纳西|傈僳|拉祜|景颇|独龙|普米|哈萨克|"
            "锡伯|撒拉|东乡|保安|裕固|塔吉克|柯尔克孜|维吾尔|俄罗斯|乌孜别克|塔塔尔|赫哲|阿昌|德昂|布朗|基诺|"
            "门巴|珞巴|高山|满|回|畲|苗|瑶|侗|壮|各|黎|羌|彝|藏|水|傣|白|佤|怒|土|京")
_ETHNIC = re.compile(rf"^(?P<stem>.+?)(?:(?:{_PEOPLES})族)+(?:自治)?(?P<suffix>[县区旗])$")


class AmbiguousAddress(GeodataError):
    """An address whose county name exists in several places of its context."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class Place:
    """Where an address is, as precisely as it says.

    Attributes
    ----------
    adcode : str
        Six-digit code of the most specific region named (a county, else a city).
    level : str
        ``"county"``, ``"city"`` or ``"province"``.
    province, city, county : str or None
        Names; for municipalities ``city`` repeats the province (as :func:`locate` does).
    """

    adcode: str
    level: str
    province: str
    city: str | None
    county: str | None

    @property
    def city_adcode(self) -> str | None:
        """The adcode of the city (the municipality for 北京, 天津, 上海, 重庆)."""
        return _tree().city_of.get(self.adcode)


@dataclass(frozen=True)
class _Entry:
    adcode: str
    level: str  # province | city | county | zone (generic, the city in scope)
    short: bool = False  # a short name: only at the start or right after another name
    former: bool = False  # a former name: the place it became, unless the text says more


class _Tree:
    """Regions by adcode with their ancestors, and every name an address may use."""

    def __init__(self) -> None:
        self.level: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        for lvl in ("province", "city", "county"):
            frame = regions_frame(lvl)
            for adcode, name, parent in zip(frame["adcode"], frame["name"], frame["parent_adcode"],
                                            strict=True):
                key = adcode if lvl != "county" or adcode not in self.level else f"{adcode}c"
                self.level[key] = lvl
                self.name[key] = name
                self.parent[key] = parent if lvl != "province" else None
        # a county that shares its city's adcode (东莞市 441900) hangs off that city
        for key in [k for k in self.level if k.endswith("c")]:
            self.parent[key] = key[:-1]
        self.city_of: dict[str, str] = {}
        for key in self.level:
            chain = self._chain(key)
            city = next((k for k in chain if self.level[k] == "city"), None)
            if city is None and chain[-1] in MUNICIPALITIES:
                city = chain[-1]
            if city is not None:
                self.city_of[key.rstrip("c")] = city.rstrip("c")
        self.entries = self._names()
        self._chains = {key: self._chain(key) for key in self.level}
        self._places: dict[str, Place] = {}

    def _chain(self, key: str) -> tuple[str, ...]:
        out = [key]
        while (parent := self.parent.get(out[-1])) is not None and parent in self.level:
            out.append(parent)
        return tuple(out)

    def chain(self, key: str) -> tuple[str, ...]:
        """``key`` and its ancestors, the region first, its province last."""
        return self._chains[key]

    def _names(self) -> dict[str, list[_Entry]]:
        names: dict[str, list[_Entry]] = {}

        def add(text: str, entry: _Entry) -> None:
            if len(text) >= 2 and entry not in names.setdefault(text, []):
                names[text].append(entry)

        for key, lvl in self.level.items():
            full = self.name[key]
            add(full, _Entry(key, lvl))
            if lvl == "province":
                add(_PROVINCE_SUFFIX.sub("", full), _Entry(key, lvl, short=True))
            elif lvl == "city":
                add(_CITY_SUFFIX.sub("", full), _Entry(key, lvl, short=True))
        real = set(names)
        for key, lvl in self.level.items():  # 密云县 → 密云区: counties renamed 县/区/市
            full = self.name[key]
            if lvl == "county" and full[-1] in "县区市" and len(full) >= 3:
                for suffix in "县区市":
                    other = full[:-1] + suffix
                    if other not in real:
                        add(other, _Entry(key, lvl, former=True))
        for key, lvl in self.level.items():  # 管城回族区 → 管城区: the name without its peoples
            short_name = _ETHNIC.sub(r"\g<stem>\g<suffix>", self.name[key]) if lvl == "county" else ""
            if short_name and short_name != self.name[key] and short_name not in real:
                add(short_name, _Entry(key, lvl))
        self.stems: dict[str, list[str]] = {}  # 江宁 → 江宁区: before a generic zone only
        for key, lvl in self.level.items():
            full = self.name[key]
            if lvl == "county" and full[-1] in "县区市旗" and len(full) >= 3:
                self.stems.setdefault(full[:-1], []).append(key)
        for text, adcode in FORMER_NAMES.items():
            add(text, _Entry(adcode, self.level[adcode], former=True))
        for text, adcode in ZONES.items():
            add(text, _Entry(adcode, self.level[adcode]))
        for text in GENERIC_ZONES:
            add(text, _Entry("", "zone"))
        return names

    def within(self, key: str, scope: str | None) -> bool:
        """Whether region ``key`` lies in region ``scope`` or contains it (consistent)."""
        if scope is None:
            return True
        return scope in self.chain(key) or key in self.chain(scope)

    def deeper(self, a: str | None, b: str) -> str:
        """The more specific of two consistent regions."""
        if a is None:
            return b
        return b if a in self.chain(b) else a

    def path(self, key: str) -> str:
        return "".join(dict.fromkeys(self.name[k] for k in reversed(self.chain(key))))

    def place(self, key: str) -> Place:
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = self._place(key)
        return found

    def _place(self, key: str) -> Place:
        chain = self.chain(key)
        by_level = {self.level[k]: self.name[k] for k in chain}
        province = by_level["province"]
        city = by_level.get("city") or (province if chain[-1] in MUNICIPALITIES else None)
        return Place(key.rstrip("c"), self.level[key], province, city, by_level.get("county"))


@functools.lru_cache(maxsize=1)
def _tree() -> _Tree:
    return _Tree()


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[int, ...]]:
    """Name lengths by first two characters, longest first (every name has two or more)."""
    lengths: dict[str, set[int]] = {}
    for text in _tree().entries:
        lengths.setdefault(text[:2], set()).add(len(text))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


def _names_in(text: str) -> list[tuple[int, int, str]]:
    """Names in ``text``, left to right, the longest at each place: (start, end, name)."""
    index, names = _index(), _tree().entries
    found = []
    i, n = 0, len(text)
    while i < n - 1:
        for length in index.get(text[i:i + 2], ()):
            word = text[i:i + length]
            if len(word) == length and word in names:
                found.append((i, i + length, word))
                i += length
                break
        else:
            i += 1
    return found


def _key(adcode: str, tree: _Tree) -> str:
    """The tree key of an adcode: the county one where a city and county share it."""
    if adcode not in tree.level:
        raise GeodataError(f"未知的行政区划代码 / unknown adcode {adcode!r}")
    return adcode


def place(adcode: str) -> Place:
    """The place of a region given by its adcode (a county, city or province)."""
    tree = _tree()
    return tree.place(_key(adcode, tree))


@functools.lru_cache(maxsize=200_000)
def parse_address(text: str | None, *, within: str | None = None) -> Place | None:
    """The most specific region an address names, inside the context ``within``.

    Parameters
    ----------
    text : str or None
        An address or a region name (``"郑州市金水区花园路1号"``, ``"高新区"``).
    within : str, optional
        Adcode of a province, city or county the address is known to lie in.

    Returns
    -------
    Place or None
        ``None`` when the text names no region (and there is no context).
        With a context and nothing more specific in the text, the context's place.

    Raises
    ------
    AmbiguousAddress
        When a county name (or a generic zone) exists in several places of the context;
        the message lists them.
    geodata.errors.GeodataError
        For an unknown ``within`` adcode.
    """
    tree = _tree()
    scope = None if within in (None, "", COUNTRY_ADCODE) else _key(str(within), tree)
    clean = _SPACE.sub("", text or "")
    tentative: str | None = None
    open_choice: tuple[str, list[str]] | None = None
    zone: str | None = None
    last_end = -1
    prev_end = 0
    for start, end, word in _names_in(clean):
        free_from, prev_end = prev_end, end
        entries = [e for e in tree.entries.get(word, ())
                   if not e.short or start in (0, last_end)]
        if not entries:
            continue
        if entries[0].level == "zone":
            county = _zone_county(tree, clean, start, free_from, scope)
            if county is not None:  # 江宁经济技术开发区: the zone of 江宁区
                scope = tree.deeper(scope, county)
            else:
                zone = word
            last_end = end
            continue
        fitting = [e for e in entries if tree.within(e.adcode, scope)]
        keys = _one_chain(tree, list(dict.fromkeys(e.adcode for e in fitting)))
        if not keys:
            continue  # contradicts what is known: a road or a building named after a place
        if all(tree.level[k] in ("province", "city") for k in keys):
            last_end = end  # a short name may follow a province or city (河南郑州), not a county
        if len(keys) > 1:
            open_choice = (word, keys)
            continue
        entry = next(e for e in fitting if e.adcode == keys[0])
        if entry.former and entry.level == "county":
            tentative = entry.adcode  # unless a real county of the same city follows
            city = tree.city_of.get(entry.adcode.rstrip("c"))
            scope = tree.deeper(scope, city) if city else scope
            continue
        scope = tree.deeper(scope, entry.adcode)
        if open_choice is not None:
            remaining = [k for k in open_choice[1] if tree.within(k, scope)]
            open_choice = (open_choice[0], remaining) if len(remaining) > 1 else None
            if len(remaining) == 1:
                scope = tree.deeper(scope, remaining[0])
    if tentative is not None and (scope is None or tree.level[scope] != "county"):
        scope = tree.deeper(scope, tentative)
    if open_choice is not None:
        word, keys = open_choice
        keys = [k for k in keys if tree.within(k, scope)]
        if len(keys) > 1 and (scope is None or tree.level[scope] != "county"):
            _ambiguous(tree, word, keys)
        if len(keys) == 1:
            scope = tree.deeper(scope, keys[0])
    if zone is not None and scope is None:
        _ambiguous(tree, zone, [])
    if scope is None:
        return None
    return tree.place(scope)


def _zone_county(tree: _Tree, text: str, start: int, free_from: int, scope: str | None) -> str | None:
    """The county whose name, without 区/县/市, comes right before a generic zone
    (``江宁经济技术开发区`` → 江宁区), when one county of the scope has it."""
    for length in (4, 3, 2):
        if start - length < free_from:
            continue
        keys = [k for k in tree.stems.get(text[start - length:start], ()) if tree.within(k, scope)]
        keys = _one_chain(tree, keys)
        if len(keys) == 1:
            return keys[0]
    return None


def _one_chain(tree: _Tree, keys: list[str]) -> list[str]:
    """The deepest key when all lie on one line of descent (东莞市: city and county)."""
    if len(keys) > 1:
        deepest = max(keys, key=lambda k: len(tree.chain(k)))
        if all(k in tree.chain(deepest) for k in keys):
            return [deepest]
    return keys


def _ambiguous(tree: _Tree, word: str, keys: list[str]) -> None:
    if not keys:
        raise AmbiguousAddress(
            f"{word!r} 各城市都有，需要城市 / {word!r} exists in many cities: name the city "
            "(in the address, the 区县/城市 column or --region)",
            [],
        )
    listed = [f"{tree.path(k)} ({k.rstrip('c')})" for k in keys]
    raise AmbiguousAddress(
        f"{word!r} 可能是 / could be: {'、'.join(listed)}；请写明城市或给出区域 / name the city "
        "(in the address, the 区县/城市 column or --region)",
        listed,
    )
