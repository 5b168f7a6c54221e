"""Live status (issue 19): station notices, reports from the road, a live revision.

``registry_meta`` gains ``live_revision``: it grows with every notice or report, so every
instance refreshes its small live overlay without rebuilding its search index (the
``revision`` counter, which triggers rebuilds, is left alone).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.String(64),
                  sa.ForeignKey("stations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("free_spaces", sa.Integer),
        sa.Column("service", sa.String(32)),
        sa.Column("reason", sa.Text),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_by", sa.String(100)),
        sa.CheckConstraint(
            "kind IN ('closed', 'full', 'free_spaces', 'service_unavailable')",
            name="ck_station_notices_kind"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_station_notices_span"),
    )
    op.create_index("ix_station_notices_station_id", "station_notices", ["station_id"])
    op.create_index("ix_station_notices_ends_at", "station_notices", ["ends_at"])
    op.create_table(
        "station_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.String(64),
                  sa.ForeignKey("stations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("service", sa.String(32)),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("distance_m", sa.Float, nullable=False),
        sa.Column("device_key", sa.String(32), nullable=False),
        sa.Column("address_key", sa.String(32), nullable=False),
        sa.Column("expected_open", sa.Boolean),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed', 'full', 'service_missing')",
                           name="ck_station_reports_state"),
    )
    op.create_index("ix_station_reports_created_at", "station_reports", ["created_at"])
    op.create_index("ix_station_reports_station_created", "station_reports",
                    ["station_id", "created_at"])
    op.create_index("ix_station_reports_address_created", "station_reports",
                    ["address_key", "created_at"])
    op.bulk_insert(
        sa.table("registry_meta", sa.column("key", sa.String), sa.column("value", sa.Integer)),
        [{"key": "live_revision", "value": 0}],
    )


def downgrade() -> None:
    op.execute("DELETE FROM registry_meta WHERE key = 'live_revision'")
    op.drop_table("station_reports")
    op.drop_table("station_notices")
