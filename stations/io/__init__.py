"""Files in and out: tabular reading (CSV, XLSX, GeoJSON, GeoPackage), ledger import,
export, the bundled demo data and synthetic registries for benchmarks.

May import: ``stations.core``, ``stations.store``, ``geodata``.
"""
