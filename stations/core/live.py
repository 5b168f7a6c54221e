"""Live status of a station: what its host says now, and what drivers on the road report.

Two sources, one answer (:func:`live_state`):

- a **notice** from whoever runs the station (its host, or staff inside their region):
  ``closed`` (from/until), ``full``, ``free_spaces`` (truck spaces free) or
  ``service_unavailable`` (one service code). A notice counts between its start and its
  end and is taken at its word: one notice is enough, and it outranks any reports.
- **reports** from people at the station, no account needed. One report alone shows
  nothing. A state is shown when at least :data:`MIN_CLIENTS` independent clients (a
  different device *and* a different address) reported it within :data:`WINDOW_S`, and
  their confidence is at least :data:`THRESHOLD`. Each report weighs 1 when made and
  decays linearly to 0 over :data:`WINDOW_S`; reports of a contrary state from other
  clients subtract their weight, so a contested station shows nothing rather than a guess.
  Each client counts once per state (its latest report).

Everything here is pure: the records come in, the state at ``now`` comes out, so every
instance of the app computes the same answer from the same database rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

NOTICE_KINDS = ("closed", "full", "free_spaces", "service_unavailable")
REPORT_STATES = ("open", "closed", "full", "service_missing")
LIVE_STATES = ("closed", "full", "open", "service_unavailable")
WINDOW_S = 3600.0
"""How long a report counts (its weight falls from 1 to 0 over this time)."""
THRESHOLD = 1.0
"""Confidence needed to show a state from reports."""
MIN_CLIENTS = 2
"""Independent clients needed to show a state from reports."""
# which report states contradict each other ("open" and "full" both say: not closed)
_CONTRARY = {"open": {"closed"}, "closed": {"open", "full"}, "full": {"closed", "open"}}


@dataclass(frozen=True)
class Notice:
    """A notice as stored (times aware, UTC)."""

    id: int
    station_id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    free_spaces: int | None = None
    service: str | None = None
    reason: str | None = None
    created_at: datetime | None = None
    author_role: str | None = None

    def in_effect(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "station_id": self.station_id, "kind": self.kind,
                "starts_at": _iso(self.starts_at), "ends_at": _iso(self.ends_at),
                "free_spaces": self.free_spaces, "service": self.service, "reason": self.reason,
                "created_at": _iso(self.created_at), "author_role": self.author_role}


@dataclass(frozen=True)
class Report:
    """A report as stored: who (hashed device and address), what, when (aware, UTC)."""

    station_id: str
    state: str
    at: datetime
    device: str
    address: str
    service: str | None = None


@dataclass(frozen=True)
class LiveState:
    """What a driver is told about a station now."""

    state: str
    """``closed``, ``full``, ``open`` or ``service_unavailable``."""
    since: datetime
    until: datetime | None
    source: str
    """``notice`` or ``reports``."""
    free_spaces: int | None = None
    reports: int = 0
    """Independent clients whose reports agree with the state (0 for a notice alone)."""
    services_unavailable: tuple[str, ...] = ()
    reason: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "since": _iso(self.since), "until": _iso(self.until),
                "source": self.source, "free_spaces": self.free_spaces, "reports": self.reports,
                "services_unavailable": list(self.services_unavailable), "reason": self.reason}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def closed_by_notice(notices: Iterable[Notice], now: datetime) -> bool:
    """Whether a closure notice is in effect at ``now``."""
    return any(n.kind == "closed" and n.in_effect(now) for n in notices)


@dataclass(frozen=True)
class _Agreement:
    state: str
    score: float
    clients: int
    since: datetime
    until: datetime


def agreement(reports: Sequence[Report], now: datetime, state: str,
              service: str | None = None) -> _Agreement | None:
    """Whether reports agree on ``state`` at ``now`` (see the module's rules), and how well."""
    window = timedelta(seconds=WINDOW_S)
    fresh = [r for r in reports if now - window < r.at <= now]
    agreeing = _latest_per_device(r for r in fresh if r.state == state and r.service == service)
    if len(agreeing) < MIN_CLIENTS or len({r.address for r in agreeing}) < MIN_CLIENTS:
        return None
    contrary_states = _CONTRARY.get(state, set())
    devices = {r.device for r in agreeing}
    # a client whose latest word on the station contradicts, weighs against
    contrary = [r for r in _latest_per_device(
        r for r in fresh if r.state in contrary_states or r.state == state)
        if r.state != state and r.device not in devices]
    weights = [_weight(r, now) for r in agreeing]
    against = [_weight(r, now) for r in contrary]
    score = sum(weights) - sum(against)
    if score < THRESHOLD:
        return None
    # every weight falls by 1 / WINDOW_S a second (contrary ones too, which helps); the
    # state also ends when fewer than MIN_CLIENTS agreeing reports are left in the window
    slope = (len(weights) - len(against)) / WINDOW_S
    left = (score - THRESHOLD) / slope if slope > 0 else WINDOW_S
    last_pair = sorted((r.at for r in agreeing), reverse=True)[MIN_CLIENTS - 1] + window
    until = min(now + timedelta(seconds=left), last_pair)
    return _Agreement(state, score, len(agreeing), min(r.at for r in agreeing), until)


def _latest_per_device(reports: Iterable[Report]) -> list[Report]:
    latest: dict[str, Report] = {}
    for r in reports:
        if r.device not in latest or r.at > latest[r.device].at:
            latest[r.device] = r
    # two devices behind one address count once: keep the later
    by_address: dict[str, Report] = {}
    for r in latest.values():
        if r.address not in by_address or r.at > by_address[r.address].at:
            by_address[r.address] = r
    return list(by_address.values())


def _weight(report: Report, now: datetime) -> float:
    return max(0.0, 1.0 - (now - report.at).total_seconds() / WINDOW_S)


def live_state(notices: Sequence[Notice], reports: Sequence[Report],
               now: datetime) -> LiveState | None:
    """The state shown for one station at ``now`` (``None``: nothing to show).

    Parameters
    ----------
    notices : sequence of Notice
        The station's notices (any; those not in effect at ``now`` are ignored).
    reports : sequence of Report
        The station's recent reports.
    now : datetime
        Aware.

    Returns
    -------
    LiveState or None
        From the newest notice in effect when there is one (closures first), else from
        reports that agree; ``services_unavailable`` gathers both sources.
    """
    current = [n for n in notices if n.in_effect(now)]
    unavailable = {n.service for n in current if n.kind == "service_unavailable" and n.service}
    services = sorted({r.service for r in reports if r.state == "service_missing" and r.service})
    missing_since: list[datetime] = []
    for code in services:
        found = agreement(reports, now, "service_missing", code)
        if found is not None:
            unavailable.add(code)
            missing_since.append(found.since)
    unavailable_t = tuple(sorted(unavailable))
    main = _from_notices(current, now, unavailable_t)
    if main is not None:
        return main
    best = None
    for state in ("closed", "full", "open"):
        found = agreement(reports, now, state)
        if found is not None and (best is None or found.score > best.score):
            best = found
    if best is not None:
        return LiveState(state=best.state, since=best.since, until=best.until, source="reports",
                         reports=best.clients, services_unavailable=unavailable_t)
    if not unavailable_t:
        return None
    service_notices = [n for n in current if n.kind == "service_unavailable"]
    if service_notices:
        first = min(service_notices, key=lambda n: n.starts_at)
        return LiveState("service_unavailable", first.starts_at,
                         max(n.ends_at for n in service_notices), "notice",
                         services_unavailable=unavailable_t, reason=first.reason)
    return LiveState("service_unavailable", min(missing_since), None, "reports",
                     reports=MIN_CLIENTS, services_unavailable=unavailable_t)


def _from_notices(current: list[Notice], now: datetime,
                  unavailable: tuple[str, ...]) -> LiveState | None:
    closures = [n for n in current if n.kind == "closed"]
    parking = [n for n in current if n.kind in ("full", "free_spaces")]
    if closures:
        chosen = max(closures, key=lambda n: n.ends_at)
        return LiveState("closed", min(n.starts_at for n in closures), chosen.ends_at, "notice",
                         services_unavailable=unavailable, reason=chosen.reason)
    if parking:
        chosen = max(parking, key=lambda n: (n.created_at or n.starts_at, n.id))
        spaces = 0 if chosen.kind == "full" else chosen.free_spaces
        return LiveState("full" if not spaces else "open", chosen.starts_at, chosen.ends_at,
                         "notice", free_spaces=spaces, services_unavailable=unavailable,
                         reason=chosen.reason)
    return None
