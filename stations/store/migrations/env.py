"""Alembic environment: runs on the connection the registry hands over."""

from __future__ import annotations

from alembic import context

import stations.store.compliance_tables  # noqa: F401 - users and inspection tables in the metadata
import stations.store.network_tables  # noqa: F401 - road network tables in the metadata
from stations.store.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the registry always passes one
    raise RuntimeError("run migrations through stations.store.engine.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
