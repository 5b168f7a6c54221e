"""The HTTP face (FastAPI): ``app.create_app(settings)``; routers per resource under
``routers/``; every dependency in ``deps``; response models in ``schemas``; middleware in
``middleware``; domain errors mapped to status codes in one table in ``errors``; page
templates and their scripts and styles under ``templates/`` and ``static/``.

Imports ``stations`` and ``geodata``; nothing imports ``web`` but ``stations.cli.serve``.
"""
