"""Storage, SQL only: engines and migrations (SQLite and PostgreSQL + PostGIS), tables,
the station registry and the revision counter every instance polls.

May import: ``stations.core``, ``geodata``.
"""
