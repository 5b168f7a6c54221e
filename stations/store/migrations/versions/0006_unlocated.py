"""Reserved for issue 17: stations without coordinates.

A slot in the chain so that work on several issues can land in any order; it changes
nothing until that issue fills it in.

Revision ID: 0006
Revises: 0005
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
