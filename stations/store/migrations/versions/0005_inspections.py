"""Inspections (issue 14): the draft's identity (``client_id``) and why one waits for review.

- ``client_id``: a UUID the inspector's device gives each draft; unique, so a draft sent
  twice (an answer lost on the way back) is stored once. NULL for the rows before it.
- ``review_reasons``: why an admin must approve the inspection before it counts toward
  the station's standing (``correction``, ``off_site``, ``late``), fixed when it is
  stored. NULL for the rows before it, which count as they did.

Both are new nullable columns: ``ALTER TABLE ... ADD COLUMN`` on both databases, which
leaves the rows (and the append-only triggers of 0002) as they were.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inspections", sa.Column("client_id", sa.String(36), nullable=True))
    op.add_column("inspections", sa.Column("review_reasons", sa.String(64), nullable=True))
    op.create_index("ix_inspections_client_id", "inspections", ["client_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_inspections_client_id", table_name="inspections")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column by rebuilding the table, which the append-only triggers
        # and the foreign keys pointing here refuse; the columns stay, unused.
        return
    op.drop_column("inspections", "review_reasons")
    op.drop_column("inspections", "client_id")
