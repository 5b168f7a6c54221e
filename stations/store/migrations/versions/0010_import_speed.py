"""Import speed (issue 17): the indexes on station kind and status are dropped.

Two kinds and four statuses: an index on either never narrows a query enough to be used
well (nine stations in ten are active outdoor-worker stations), yet every inserted station
paid for both: about a fifth of the time SQLite spends storing a 200,000-row ledger.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_stations_kind", table_name="stations")
    op.drop_index("ix_stations_status", table_name="stations")


def downgrade() -> None:
    op.create_index("ix_stations_kind", "stations", ["kind"])
    op.create_index("ix_stations_status", "stations", ["status"])
