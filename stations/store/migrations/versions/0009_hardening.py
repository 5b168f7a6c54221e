"""Hardening (issue 16): EXIF facts of evidence photos (time, GPS, camera) kept as JSON.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_evidence") as batch:
        batch.add_column(sa.Column("exif", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspection_evidence") as batch:
        batch.drop_column("exif")
