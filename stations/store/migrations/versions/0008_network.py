"""Reserved for issue 20: road networks.

A slot in the chain so that work on several issues can land in any order; it changes
nothing until that issue fills it in.

Revision ID: 0008
Revises: 0007
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
