"""Accounts (issue 15): regions, token versions, hosts' stations, the login throttle.

- ``users`` gains ``region`` (adcode, ``100000`` the whole country, where every existing
  account keeps acting), ``version`` (changes with every lifecycle step, so old tokens
  stop working), ``uid`` (a random stable id for tokens: a SQLite rowid and a name can be
  reused, a uid never is) and ``removed_at`` (an account removed while records point at
  it is kept, renamed); the role ``host`` is allowed.
- ``user_stations``: the stations a host account runs.
- ``login_attempts``: failed sign-ins per account and per client address, in the
  database so that every instance sees the same counts.

SQLite cannot alter a CHECK constraint; widening one does not change how rows are
stored, so the table's declared SQL is edited in place as 0006 does (the documented
procedure, https://www.sqlite.org/lang_altertable.html, "otherwise alter table").

Revision ID: 0004
Revises: 0003
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('inspector', 'planner', 'admin')"
NEW_ROLES = "role IN ('inspector', 'planner', 'admin', 'host')"


def _sqlite_edit_users_sql(*edits: tuple[str, str]) -> None:
    bind = op.get_bind()
    sql = old_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'"
    ).scalar_one()
    for old, new in edits:
        sql = sql.replace(old, new)
    if sql == old_sql:
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'users'",
            (sql,),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _set_roles(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_edit_users_sql((old, new))
        return
    op.drop_constraint("ck_users_role", "users", type_="check")
    op.create_check_constraint("ck_users_role", "users", new)


def _uid_required() -> None:
    # every row has one now; SQLite: the same in-place edit (no row lacks a value)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_edit_users_sql(("uid VARCHAR(32)", "uid VARCHAR(32) NOT NULL"))
        return
    op.alter_column("users", "uid", existing_type=sa.String(32), nullable=False)


def upgrade() -> None:
    op.add_column("users", sa.Column("region", sa.String(6), nullable=False,
                                     server_default="100000"))
    op.add_column("users", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("users", sa.Column("uid", sa.String(32)))
    op.add_column("users", sa.Column("removed_at", sa.DateTime(timezone=True)))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.text("SELECT id FROM users")).all():
        bind.execute(sa.text("UPDATE users SET uid = :uid WHERE id = :id"),
                     {"uid": uuid.uuid4().hex, "id": user_id})
    _uid_required()
    op.create_index("ix_users_uid", "users", ["uid"], unique=True)
    _set_roles(OLD_ROLES, NEW_ROLES)
    op.create_table(
        "user_stations",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("station_id", sa.String(64), sa.ForeignKey("stations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.PrimaryKeyConstraint("user_id", "station_id"),
    )
    op.create_index("ix_user_stations_station_id", "user_stations", ["station_id"])
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("strikes", sa.Integer, nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_login_attempts_last_at", "login_attempts", ["last_at"])


def downgrade() -> None:
    op.drop_table("login_attempts")
    op.drop_table("user_stations")
    op.execute("DELETE FROM users WHERE role = 'host'")
    _set_roles(NEW_ROLES, OLD_ROLES)
    op.drop_index("ix_users_uid", "users")
    for column in ("removed_at", "uid", "version", "region"):
        op.drop_column("users", column)
