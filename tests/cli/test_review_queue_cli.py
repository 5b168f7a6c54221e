"""``stations queue review``: inspections waiting for an admin, from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from stations.accounts.users import get_user
from stations.compliance import EvidenceStore, Submission, load_checklists, log_inspection
from stations.store.registry import Registry
from tests.cli.test_cli import run
from tests.support.compliance import add_role_users, all_pass
from tests.support.ledgers import GOOD_ROWS


def test_the_review_queue_lists_what_waits(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    run("import", str(write_csv(GOOD_ROWS)), home=tmp_path, check=True)
    [db] = tmp_path.rglob("stations.db")
    registry = Registry.open(f"sqlite:///{db}")
    try:
        add_role_users(registry)
        inspector = get_user(registry, "inspector")
        kw = {"checklists": load_checklists(), "evidence": EvidenceStore(tmp_path / "evidence")}
        waiting, _ = log_inspection(registry, inspector, Submission(
            station_id="ZZ1", results=all_pass(), on_site=False), **kw)
        log_inspection(registry, inspector, Submission(station_id="ZZ2", results=all_pass()), **kw)
    finally:
        registry.close()
    answer = json.loads(run("queue", "review", "--json", home=tmp_path, check=True).stdout)
    assert [(i["id"], i["review_reasons"]) for i in answer["inspections"]] == [
        (waiting.id, ["off_site"])]
    anhui = run("queue", "review", "--region", "340000", home=tmp_path, check=True)
    assert anhui.stdout == "" and "0 waiting for review" in anhui.stderr
