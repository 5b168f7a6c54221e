"""Nearest-station search: the exact geodesic KD-tree index and its filters, route
corridors, the keeper that rebuilds the live index when the registry changes, and the
SQL nearest (PostGIS KNN) used as a fallback and benchmark anchor.

May import: ``stations.core``, ``stations.store``, ``geodata``.
"""
