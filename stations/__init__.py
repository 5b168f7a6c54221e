"""stations: the registry, locator and coverage-map service for rest stations in China.

The domain, with no web framework in it. Parts, each a package that may import only the
ones before it (``tests/test_architecture.py`` checks this):

- ``core``: pure vocabulary, the Station model, opening hours, navigation links, clock;
- ``store``: SQL only: engines, migrations, tables, the station registry, revisions;
- ``accounts``: users, roles, passwords and tokens;
- ``io``: ledgers in and out (CSV, XLSX, GeoJSON, GeoPackage), demo and synthetic data;
- ``compliance``: checklists, inspections, evidence, standings and work queues;
- ``search``: the nearest-station index, route corridors and the index keeper;
- ``coverage``: coverage analysis, demand, gaps, siting and the cached service;
- ``render``: coverage maps as HTML pages and PNG pictures.

``config`` (the one settings class) and ``services`` (the composition root the CLI and the
web app both build) sit on top; ``cli`` is the command line. ``geodata`` below knows
nothing of stations; ``web`` above is the HTTP face.
"""
