"""Road networks (issue 20): networks, the counties they serve, nodes and segments.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "road_networks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("profile", sa.String(8), nullable=False),
        sa.Column("region", sa.String(6)),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("source_bytes", sa.BigInteger, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node_count", sa.Integer, nullable=False),
        sa.Column("segment_count", sa.Integer, nullable=False),
        sa.Column("length_km", sa.Float, nullable=False),
        sa.Column("west", sa.Float, nullable=False),
        sa.Column("south", sa.Float, nullable=False),
        sa.Column("east", sa.Float, nullable=False),
        sa.Column("north", sa.Float, nullable=False),
        sa.Column("hull", sa.Text, nullable=False),
        sa.CheckConstraint("profile IN ('walk', 'bike', 'drive')", name="ck_road_networks_profile"),
    )
    op.create_index("ix_road_networks_profile", "road_networks", ["profile"])
    op.create_table(
        "road_network_counties",
        sa.Column("network_id", sa.Integer,
                  sa.ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("adcode", sa.String(6), primary_key=True),
    )
    op.create_index("ix_road_network_counties_adcode", "road_network_counties", ["adcode"])
    op.create_table(
        "road_nodes",
        sa.Column("network_id", sa.Integer,
                  sa.ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("node", sa.Integer, primary_key=True),
        sa.Column("osm_id", sa.BigInteger, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
    )
    op.create_table(
        "road_segments",
        sa.Column("network_id", sa.Integer,
                  sa.ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("segment", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, nullable=False),
        sa.Column("b", sa.Integer, nullable=False),
        sa.Column("length_m", sa.Float, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("oneway", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("road_segments", "road_nodes", "road_network_counties", "road_networks"):
        op.drop_table(table)
