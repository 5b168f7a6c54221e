"""Geography: coordinate systems (WGS-84, GCJ-02, BD-09), longitude/latitude checks,
geodesy, the China outline and administrative regions (bundled boundaries).

Knows nothing about stations.
"""
