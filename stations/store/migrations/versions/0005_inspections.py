"""Reserved for issue 14: inspection identity (client_id) and review.

A slot in the chain so that work on several issues can land in any order; it changes
nothing until that issue fills it in.

Revision ID: 0005
Revises: 0004
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
