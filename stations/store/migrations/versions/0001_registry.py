"""Stations, their history and the registry revision counter.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("host", sa.String(200)),
        sa.Column("services", sa.Text, nullable=False, server_default=""),
        sa.Column("truck_parking_capacity", sa.Integer),
        sa.Column("opening_hours", sa.String(200)),
        sa.Column("phone", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_date", sa.Date),
        sa.Column("status_reason", sa.Text),
        sa.Column("adcode", sa.String(6)),
        sa.Column("province", sa.String(64)),
        sa.Column("city", sa.String(64)),
        sa.Column("county", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_stations_kind", "stations", ["kind"])
    op.create_index("ix_stations_status", "stations", ["status"])
    op.create_index("ix_stations_adcode", "stations", ["adcode"])
    op.create_index("ix_stations_lon_lat", "stations", ["lon", "lat"])
    op.create_table(
        "station_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "station_id",
            sa.String(64),
            sa.ForeignKey("stations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_station_history_station_id", "station_history", ["station_id"])
    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(
        sa.table("registry_meta", sa.column("key", sa.String), sa.column("value", sa.Integer)),
        [{"key": "revision", "value": 0}],
    )


def downgrade() -> None:
    op.drop_table("registry_meta")
    op.drop_table("station_history")
    op.drop_table("stations")
