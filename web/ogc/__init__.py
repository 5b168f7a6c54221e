"""OGC API - Features under ``/ogc``: the registry's stations and the regions with their
coverage, as QGIS, ArcGIS and GDAL read them (Part 1 Core with GeoJSON, HTML and OpenAPI 3.0,
Part 2 CRS). Mounted by :func:`web.app.create_app`; the features come from
:mod:`stations.store.features` and :mod:`stations.coverage.region_layer`."""
