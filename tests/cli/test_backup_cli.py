"""``stations backup`` and ``stations restore`` as a user runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stations.store.registry import Registry
from tests.cli.test_cli import run
from tests.support.ledgers import GOOD_ROWS
from tests.support.twins import registry_state


def test_backup_restore_refuse_and_force(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    source = tmp_path / "source.db"
    run("import", str(write_csv(GOOD_ROWS)), "--db", str(source), home=tmp_path, check=True)
    made = run("backup", str(tmp_path / "nightly.tar.gz"), "--db", str(source), home=tmp_path, check=True)
    assert "4 stations" in made.stdout
    target = tmp_path / "restored" / "stations.db"
    restored = run("restore", str(tmp_path / "nightly.tar.gz"), "--db", str(target), home=tmp_path, check=True)
    assert "restored 4 stations" in restored.stdout
    states = []
    for db in (source, target):
        registry = Registry.open(f"sqlite:///{db}")
        states.append(registry_state(registry, tmp_path / "evidence"))
        registry.close()
    assert states[0] == states[1]
    again = run("restore", str(tmp_path / "nightly.tar.gz"), "--db", str(target), home=tmp_path)
    assert again.returncode == 1
    assert "not empty" in again.stderr and "--force" in again.stderr and "Traceback" not in again.stderr
    forced = run("restore", str(tmp_path / "nightly.tar.gz"), "--db", str(target), "--force", home=tmp_path)
    assert forced.returncode == 0, forced.stderr
    missing = run("restore", str(tmp_path / "nope.tar"), "--db", str(target), home=tmp_path)
    assert missing.returncode == 1 and "no backup file" in missing.stderr
