"""Accounts acting for one region, for the permission and account tests."""

from __future__ import annotations

from stations.store.compliance_tables import UserRow, UserStationRow
from stations.store.registry import Registry
from tests.support.compliance import _password_hash, uid_of

REGION = "410100"  # Zhengzhou
ROLES = ("inspector", "planner", "admin", "host")
INSIDE, OUTSIDE = "ZZ1", "AH1"  # 金水区 (410105); Anhui


def who(role: str) -> str:
    """The name of the Zhengzhou account of ``role``."""
    return f"z_{role}"


def add_regional_users(registry: Registry) -> None:
    """One account per role acting for Zhengzhou (the host runs ZZ1), and two planners
    to be changed: one in 金水区 (inside), one in Anhui (outside)."""
    rows = [(who(role), role, REGION) for role in ROLES]
    rows += [("z_target_in", "planner", "410105"), ("z_target_out", "planner", "340000")]
    with registry.session() as s:
        for name, role, region in rows:
            s.add(UserRow(name=name, role=role, password_hash=_password_hash(), active=True,
                          uid=uid_of(name), version=1, region=region))
        s.flush()
        host_id = s.query(UserRow.id).filter(UserRow.name == who("host")).scalar()
        s.add(UserStationRow(user_id=host_id, station_id=INSIDE))
