"""Fixtures of the compliance tests: GOOD_ROWS, one user per role, and a submit helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from stations.accounts.users import User, get_user
from stations.compliance import EvidenceStore, Submission, load_checklists, record_inspection
from stations.store.registry import Registry
from tests.compliance.common import NOW
from tests.support.compliance import add_role_users, all_pass, seed


@pytest.fixture
def reg(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    """GOOD_ROWS and one user per role, on each test backend."""
    seed(registry, write_csv)
    add_role_users(registry)
    return registry


@pytest.fixture
def users(reg: Registry) -> dict[str, User]:
    return {name: get_user(reg, name) for name in ("inspector", "inspector2", "planner", "admin")}


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


@pytest.fixture
def submit(reg: Registry, users: dict[str, User], store: EvidenceStore) -> Callable[..., Any]:
    checklists = load_checklists()

    def do(user: str = "inspector", now: datetime = NOW, **fields: Any) -> Any:
        sub = Submission(**({"station_id": "ZZ1", "results": all_pass()} | fields))
        return record_inspection(reg, users[user], sub, checklists=checklists, evidence=store, now=now)

    return do
