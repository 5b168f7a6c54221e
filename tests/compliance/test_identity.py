"""One inspection per draft: the ``client_id`` a device gives each draft."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from stations.accounts.users import User
from stations.compliance import check_photo, list_inspections, load_checklists, log_inspection
from stations.compliance.evidence import EvidenceStore
from stations.compliance.submission import Submission
from stations.errors import Conflict, InvalidInput
from stations.store.compliance_tables import EvidenceRow, InspectionRow
from stations.store.registry import Registry
from tests.compliance.common import NOW, count
from tests.support.compliance import all_pass, files_under, png_bytes


def test_the_same_draft_sent_twice_is_stored_once(
    submit: Callable[..., Any], reg: Registry, store: EvidenceStore
) -> None:
    draft = str(uuid.uuid4())
    first = submit(client_id=draft, photos=[check_photo(png_bytes())])
    again = submit(client_id=draft.upper(), photos=[check_photo(png_bytes())])
    assert again == first and again.client_id == draft
    assert (count(reg, InspectionRow), count(reg, EvidenceRow)) == (1, 1)
    assert len(files_under(store.root)) == 1  # the resent photo is not kept


def test_equal_answers_from_two_drafts_are_two_inspections(submit: Callable[..., Any], reg: Registry) -> None:
    first = submit(client_id=str(uuid.uuid4()), notes="同一天两次")
    second = submit(client_id=str(uuid.uuid4()), notes="同一天两次")
    assert first.id != second.id
    assert len(list_inspections(reg, "ZZ1")) == 2


def test_log_inspection_says_when_it_was_a_repeat(reg: Registry, users: dict[str, User], store: EvidenceStore) -> None:
    sub = Submission(station_id="ZZ1", results=all_pass(), client_id=str(uuid.uuid4()))
    kw: dict[str, Any] = {"checklists": load_checklists(), "evidence": store, "now": NOW}
    first, repeat = log_inspection(reg, users["inspector"], sub, **kw)
    assert repeat is False
    second, repeat = log_inspection(reg, users["inspector"], sub, **kw)
    assert (second.id, repeat) == (first.id, True)


def test_a_draft_sent_twice_at_once_is_stored_once(reg: Registry, users: dict[str, User], store: EvidenceStore) -> None:
    sub = Submission(station_id="ZZ1", results=all_pass(), client_id=str(uuid.uuid4()))
    checklists = load_checklists()

    def send(_: int) -> tuple[int, bool]:
        found, repeat = log_inspection(reg, users["inspector"], sub, checklists=checklists, evidence=store, now=NOW)
        return found.id, repeat

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(send, range(4)))
    assert len({i for i, _ in answers}) == 1
    assert sorted(r for _, r in answers) == [False, True, True, True]
    assert count(reg, InspectionRow) == 1


@pytest.mark.parametrize(
    ("user", "fields"),
    [
        pytest.param("inspector2", {}, id="another-inspector"),
        pytest.param("inspector", {"station_id": "ZZ2"}, id="another-station"),
    ],
)
def test_a_client_id_is_one_inspectors_for_one_station(
    submit: Callable[..., Any], reg: Registry, user: str, fields: dict[str, Any]
) -> None:
    draft = str(uuid.uuid4())
    submit(client_id=draft)
    with pytest.raises(Conflict):
        submit(user=user, client_id=draft, **fields)
    assert count(reg, InspectionRow) == 1


def test_a_client_id_that_is_not_a_uuid_is_refused(submit: Callable[..., Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(client_id="draft-1")
    assert caught.value.field == "client_id"


def test_rows_from_before_client_ids_still_count(submit: Callable[..., Any]) -> None:
    a, b = submit(), submit()  # no client_id: as the rows stored before migration 0005
    assert a.client_id is None and b.client_id is None and a.id != b.id
