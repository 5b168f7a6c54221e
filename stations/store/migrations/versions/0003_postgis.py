"""PostGIS: station locations as geography(Point, 4326) with a GiST index.

Only on PostgreSQL; on SQLite the lon/lat columns are the location. A trigger
keeps ``geog`` in step with ``lon``/``lat`` however a row is written.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("ALTER TABLE stations ADD COLUMN geog geography(Point, 4326)")
    op.execute(
        "UPDATE stations SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography"
    )
    op.execute("CREATE INDEX ix_stations_geog ON stations USING gist (geog)")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION stations_set_geog() RETURNS trigger AS $$
        BEGIN
            NEW.geog := ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326)::geography;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER stations_geog BEFORE INSERT OR UPDATE OF lon, lat ON stations "
        "FOR EACH ROW EXECUTE FUNCTION stations_set_geog()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS stations_geog ON stations")
    op.execute("DROP FUNCTION IF EXISTS stations_set_geog()")
    op.execute("DROP INDEX IF EXISTS ix_stations_geog")
    op.execute("ALTER TABLE stations DROP COLUMN IF EXISTS geog")
