"""Append-only records, corrections and reviews."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stations.accounts.users import User
from stations.compliance import (
    check_photo,
    get_inspection,
    list_inspections,
    review_inspection,
    station_standing,
)
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound
from stations.store.registry import Registry
from tests.compliance.common import NOW, PERIOD
from tests.support.compliance import (
    all_pass,
    png_bytes,
)

# -- append-only, corrections, reviews --------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE inspections SET passed = false", id="update-inspection"),
        pytest.param("DELETE FROM inspections", id="delete-inspection"),
        pytest.param("UPDATE inspection_results SET passed = false", id="update-result"),
        pytest.param("DELETE FROM inspection_results", id="delete-result"),
        pytest.param("DELETE FROM inspection_evidence", id="delete-evidence"),
        pytest.param("UPDATE inspection_reviews SET decision = 'approved'", id="update-review"),
    ],
)
def test_inspection_records_cannot_be_changed_even_in_sql(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User], statement: str
) -> None:
    first = submit(results=all_pass(signage=False), photos=[check_photo(png_bytes())])
    review_inspection(reg, users["admin"], first.id, "rejected", "照片不清楚")
    with pytest.raises(DBAPIError, match="append-only"), reg.engine.begin() as conn:
        conn.execute(text(statement))
    after = get_inspection(reg, first.id)
    assert after.passed is False
    assert after.review is not None and after.review.decision == "rejected"
    assert (len(after.results), len(after.evidence)) == (6, 1)


def test_a_correction_counts_only_once_an_admin_approves_it(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    wrong = submit(results=all_pass(signage=False), now=NOW - timedelta(days=2))
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "failing"
    fixed = submit(results=all_pass(), corrects_id=wrong.id, notes="误录 / entered wrongly")
    assert fixed.review_status == "pending_review" and fixed.review_reasons == ("correction",)
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "failing"
    listed = {i.id: i for i in list_inspections(reg, "ZZ1")}
    assert listed[wrong.id].corrected_by == fixed.id
    assert listed[wrong.id].passed is False  # the corrected record itself is unchanged
    with pytest.raises(Conflict):
        submit(corrects_id=wrong.id)
    approved = review_inspection(reg, users["admin"], fixed.id, "approve", "核实")
    assert approved.review_status == "approved"
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "compliant"


def test_a_rejected_correction_leaves_the_original_standing(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    wrong = submit(results=all_pass(signage=False), now=NOW - timedelta(days=2))
    fixed = submit(results=all_pass(), corrects_id=wrong.id)
    review_inspection(reg, users["admin"], fixed.id, "reject", "照片与站点不符")
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "failing"
    assert get_inspection(reg, fixed.id).review_status == "rejected"


@pytest.mark.parametrize(
    ("corrector", "allowed"),
    [
        pytest.param("inspector", True, id="who-logged-it"),
        pytest.param("admin", True, id="an-admin"),
        pytest.param("inspector2", False, id="another-inspector"),
        pytest.param("planner", False, id="a-planner"),
    ],
)
def test_only_the_inspector_who_logged_it_or_an_admin_may_correct(
    submit: Callable[..., Any], reg: Registry, corrector: str, allowed: bool
) -> None:
    original = submit(results=all_pass(signage=False))
    if allowed:
        assert submit(user=corrector, corrects_id=original.id).corrects_id == original.id
    else:
        with pytest.raises(Forbidden):
            submit(user=corrector, corrects_id=original.id)
        assert get_inspection(reg, original.id).corrected_by is None


def test_a_correction_must_be_of_the_same_station(submit: Callable[..., Any]) -> None:
    other = submit(station_id="ZZ2")
    with pytest.raises(InvalidInput) as caught:
        submit(corrects_id=other.id)
    assert caught.value.field == "corrects_id"


def test_review_is_set_once_by_an_admin_who_did_not_inspect(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    mine = submit(user="admin")
    with pytest.raises(Forbidden):
        review_inspection(reg, users["admin"], mine.id, "approved")
    theirs = submit()
    with pytest.raises(Forbidden):
        review_inspection(reg, users["inspector2"], theirs.id, "approved")
    with pytest.raises(InvalidInput):
        review_inspection(reg, users["admin"], theirs.id, "maybe")
    with pytest.raises(Forbidden):  # an admin of another province
        review_inspection(reg, replace(users["admin"], id=users["admin"].id, region="340000"), theirs.id, "approved")
    reviewed = review_inspection(reg, users["admin"], theirs.id, "approved", "好")
    assert reviewed.review is not None and reviewed.review.reviewer == "admin"
    with pytest.raises(Conflict):
        review_inspection(reg, users["admin"], theirs.id, "rejected")
    with pytest.raises(NotFound):
        review_inspection(reg, users["admin"], 999, "approved")
