"""Stations without coordinates (issue 17): ``lon``/``lat`` may be NULL.

A ledger row with a name and an address but no coordinates is kept as an *unlocated*
station until an inspector sets its location on site.

- SQLite cannot drop a NOT NULL constraint with ALTER TABLE, and rebuilding the table
  (Alembic's batch mode) would drop ``stations`` first, which cascades to the station
  history and is refused by the inspections that reference it. Removing a NOT NULL
  constraint does not change how rows are stored, so the table's declared SQL is edited
  in place, the documented procedure for such changes
  (https://www.sqlite.org/lang_altertable.html, "otherwise alter table").
- PostgreSQL drops the constraints; the PostGIS trigger of 0003 sets ``geog`` to NULL
  when either coordinate is NULL (it did so already by strictness of ST_MakePoint;
  now it says so).

Revision ID: 0006
Revises: 0005
"""

import re

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_GEOG_FUNCTION = """
CREATE OR REPLACE FUNCTION stations_set_geog() RETURNS trigger AS $$
BEGIN
    IF NEW.lon IS NULL OR NEW.lat IS NULL THEN
        NEW.geog := NULL;
    ELSE
        NEW.geog := ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326)::geography;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_set_not_null(not_null: bool) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'stations'"
    ).scalar_one()
    if not_null:
        new = re.sub(r"\b(lon|lat) FLOAT(,|\s)", r"\1 FLOAT NOT NULL\2", sql)
    else:
        new = re.sub(r"\b(lon|lat) FLOAT NOT NULL\b", r"\1 FLOAT", sql)
    if new == sql:
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'stations'", (new,)
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_set_not_null(False)
        return
    op.alter_column("stations", "lon", nullable=True)
    op.alter_column("stations", "lat", nullable=True)
    if dialect == "postgresql":
        op.execute(_GEOG_FUNCTION)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DELETE FROM stations WHERE lon IS NULL OR lat IS NULL")
        _sqlite_set_not_null(True)
        return
    op.execute("DELETE FROM stations WHERE lon IS NULL OR lat IS NULL")
    op.alter_column("stations", "lon", nullable=False)
    op.alter_column("stations", "lat", nullable=False)
