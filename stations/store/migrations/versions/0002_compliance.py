"""Users, inspections, their criterion results, evidence and reviews.

Inspection tables are append-only: triggers refuse UPDATE and DELETE.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("inspections", "inspection_results", "inspection_evidence", "inspection_reviews")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('inspector', 'planner', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.String(64), sa.ForeignKey("stations.id"), nullable=False),
        sa.Column("checklist_id", sa.String(64), nullable=False),
        sa.Column("checklist_version", sa.Integer, nullable=False),
        sa.Column("inspector_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("input_crs", sa.String(8)),
        sa.Column("distance_m", sa.Float),
        sa.Column("on_site", sa.Boolean),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("inspections.id"), unique=True),
    )
    op.create_index("ix_inspections_station_id", "inspections", ["station_id"])
    op.create_index("ix_inspections_inspector_id", "inspections", ["inspector_id"])
    op.create_table(
        "inspection_results",
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspections.id"), primary_key=True),
        sa.Column("criterion", sa.String(64), primary_key=True),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "inspection_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspections.id"), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255)),
    )
    op.create_index(
        "ix_inspection_evidence_inspection_id", "inspection_evidence", ["inspection_id"]
    )
    op.create_table(
        "inspection_reviews",
        sa.Column("inspection_id", sa.Integer, sa.ForeignKey("inspections.id"), primary_key=True),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('approved', 'rejected')", name="ck_inspection_reviews_decision"
        ),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION stations_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION stations_append_only()"
            )


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    op.drop_table("users")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS stations_append_only()")
