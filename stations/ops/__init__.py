"""Running the service: backups that restore (SQLite's online backup API, ``pg_dump``),
with the evidence photos the inspections cite.

May import: ``stations.core``, ``stations.store``.
"""
