"""Reserved for issue 15: regional accounts, hosts, token versions, login throttle.

A slot in the chain so that work on several issues can land in any order; it changes
nothing until that issue fills it in.

Revision ID: 0004
Revises: 0003
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
