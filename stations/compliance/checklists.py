"""Checklists as versioned data: JSON files, one per version, per kind and region.

A file (see ``stations/data/checklists/``) holds ``id``, ``version`` (an integer),
``kind``, ``region`` (an adcode prefix such as ``"63"`` or a 6-digit adcode, or
``null`` for the whole country), ``valid_from`` (ISO date), ``title`` and ``criteria``:
a list of ``{code, zh, en, how_judged: "inspector"|"data", required_services: [...]}``.
A province with its own wording adds a file; no code changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from stations.core.filters import adcode_prefix
from stations.core.vocab import KINDS, SERVICES
from stations.errors import InvalidInput, NotFound

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data" / "checklists"
HOW_JUDGED = ("inspector", "data")


@dataclass(frozen=True)
class Criterion:
    """One item of a checklist."""

    code: str
    zh: str
    en: str
    how_judged: str
    required_services: tuple[str, ...] = ()
    min_neighbour_m: float | None = None
    """Layout rule: no other active station of the same kind closer than this."""
    urban_max_neighbour_m: float | None = None
    """Layout rule: in urban districts, another active station of the same kind within this."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "how_judged": self.how_judged,
        }
        if self.required_services:
            out["required_services"] = list(self.required_services)
        for name in ("min_neighbour_m", "urban_max_neighbour_m"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Checklist:
    """One version of a checklist for a kind of station in a region."""

    id: str
    version: int
    kind: str
    region: str | None
    valid_from: date
    title_zh: str
    title_en: str
    criteria: tuple[Criterion, ...]
    source: str | None = field(default=None, compare=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)

    def applies_to(self, kind: str, adcode: str | None, on: date) -> bool:
        if self.kind != kind or self.valid_from > on:
            return False
        return self.region is None or bool(adcode and adcode.startswith(self.region))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "kind": self.kind,
            "region": self.region,
            "valid_from": self.valid_from.isoformat(),
            "title": {"zh": self.title_zh, "en": self.title_en},
            "source": self.source,
            "criteria": [c.as_dict() for c in self.criteria],
        }


class Checklists:
    """All known checklist versions."""

    def __init__(self, checklists: Iterable[Checklist]) -> None:
        self._by_key: dict[tuple[str, int], Checklist] = {}
        for checklist in checklists:
            key = (checklist.id, checklist.version)
            if key in self._by_key and self._by_key[key] != checklist:
                raise InvalidInput(
                    "checklist",
                    f"清单 {checklist.id} 第 {checklist.version} 版定义了两次且内容不同 / "
                    f"checklist {checklist.id} version {checklist.version} is defined twice",
                )
            self._by_key[key] = checklist

    def __iter__(self) -> Any:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, checklist_id: str, version: int) -> Checklist:
        """One version of one checklist.

        Raises
        ------
        stations.errors.NotFound
        """
        try:
            return self._by_key[(checklist_id, version)]
        except KeyError:
            raise NotFound(
                f"清单不存在 / no checklist {checklist_id!r} version {version}"
            ) from None

    def select(self, kind: str, adcode: str | None, on: date | None = None) -> Checklist:
        """The checklist for a station of ``kind`` located in ``adcode`` on day ``on``.

        The most specific region wins (a county's over a city's over a province's over
        the national one), then the newest version; versions not yet valid are skipped.

        Raises
        ------
        stations.errors.NotFound
            When no checklist applies.
        """
        day = on or date.today()
        candidates = [c for c in self._by_key.values() if c.applies_to(kind, adcode, day)]
        if not candidates:
            raise NotFound(f"没有适用的检查清单 / no checklist for {kind} in {adcode or 'China'}")
        return max(candidates, key=lambda c: (len(c.region or ""), c.version, c.valid_from))


def load_checklists(extra_dirs: Sequence[Path | str | None] = ()) -> Checklists:
    """The bundled checklists plus any ``*.json`` files in ``extra_dirs``.

    Raises
    ------
    stations.errors.InvalidInput
        Naming the file and what is wrong in it.
    """
    dirs = [BUNDLED_DIR, *(Path(d) for d in extra_dirs if d)]
    found: list[Checklist] = []
    for directory in dirs:
        for path in sorted(Path(directory).glob("*.json")):
            found.append(parse_checklist_file(path))
    return Checklists(found)


def parse_checklist_file(path: Path) -> Checklist:
    """Read and check one checklist file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("checklist", f"{path}: 无法读取 / cannot read: {exc}") from None
    try:
        return parse_checklist(data, source=str(path))
    except InvalidInput as exc:
        raise InvalidInput("checklist", f"{path}: {exc}") from None


def parse_checklist(data: Any, *, source: str | None = None) -> Checklist:
    """A :class:`Checklist` from its JSON form, checking every field."""
    if not isinstance(data, dict):
        raise InvalidInput("checklist", "应为 JSON 对象 / expected a JSON object")
    cid = _text(data, "id")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput("version", "应为正整数 / must be a positive integer")
    kind = _text(data, "kind")
    if kind not in KINDS:
        raise InvalidInput("kind", f"未知类型 / unknown kind {kind!r}")
    region = data.get("region")
    if region is not None:
        region = str(region)
        if not region.isdigit() or len(region) > 6:
            raise InvalidInput(
                "region", f"应为行政区划代码前缀 / must be an adcode prefix: {region!r}"
            )
        if len(region) == 6:
            region = adcode_prefix(region)
    try:
        valid_from = date.fromisoformat(_text(data, "valid_from"))
    except ValueError:
        raise InvalidInput("valid_from", "应为 YYYY-MM-DD / must be an ISO date") from None
    title = data.get("title") or {}
    criteria = tuple(_criterion(i, item) for i, item in enumerate(data.get("criteria") or []))
    if not criteria:
        raise InvalidInput("criteria", "至少需要一项 / at least one criterion is required")
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise InvalidInput("criteria", "检查项代码重复 / duplicate criterion codes")
    return Checklist(
        id=cid,
        version=version,
        kind=kind,
        region=region,
        valid_from=valid_from,
        title_zh=str(title.get("zh") or cid),
        title_en=str(title.get("en") or cid),
        criteria=criteria,
        source=data.get("source") or source,
    )


def _criterion(index: int, item: Any) -> Criterion:
    where = f"criteria[{index}]"
    if not isinstance(item, dict):
        raise InvalidInput(where, "应为 JSON 对象 / expected a JSON object")
    how = item.get("how_judged", "inspector")
    if how not in HOW_JUDGED:
        raise InvalidInput(f"{where}.how_judged", f"应为 inspector 或 data / got {how!r}")
    services = tuple(item.get("required_services") or ())
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise InvalidInput(
            f"{where}.required_services", f"未知服务代码 / unknown service codes {unknown}"
        )
    return Criterion(
        code=_text(item, "code", where),
        zh=_text(item, "zh", where),
        en=_text(item, "en", where),
        how_judged=how,
        required_services=services,
        min_neighbour_m=_metres(item, "min_neighbour_m", where),
        urban_max_neighbour_m=_metres(item, "urban_max_neighbour_m", where),
    )


def _text(data: dict[str, Any], key: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        name = f"{where}.{key}" if where else key
        raise InvalidInput(name, "必填文本 / required text")
    return value.strip()


def _metres(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidInput(f"{where}.{key}", "应为非负米数 / must be metres >= 0")
    return float(value)
