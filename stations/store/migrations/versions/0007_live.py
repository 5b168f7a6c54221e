"""Reserved for issue 19: notices and reports.

A slot in the chain so that work on several issues can land in any order; it changes
nothing until that issue fills it in.

Revision ID: 0007
Revises: 0006
"""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
