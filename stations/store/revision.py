"""The registry's revision: a counter that grows with every write.

Every instance of the app (and the CLI) sees the same counter, so a change made anywhere
reaches every search index and cache that polls it.
"""

from __future__ import annotations

from sqlalchemy import Update, select, update
from sqlalchemy.orm import Session

from stations.store.tables import MetaRow


def read_revision(session: Session) -> int:
    """The current revision (0 for a new database)."""
    return int(session.scalar(select(MetaRow.value).where(MetaRow.key == "revision")) or 0)


def revision_bump() -> Update:
    """The statement that bumps the revision (for writes made on a plain connection)."""
    return update(MetaRow).where(MetaRow.key == "revision").values(value=MetaRow.value + 1)


def bump_revision(session: Session) -> None:
    session.execute(revision_bump())
