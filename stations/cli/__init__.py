"""The ``stations`` command line: one module per group of commands.

``common`` holds the Typer app, error handling and :func:`~stations.cli.common.open_services`
(every command works through :mod:`stations.services`). Only ``serve`` imports ``web``.
"""

from __future__ import annotations

from stations.cli import accounts, compliance, coverage, network, registry, search, serve  # noqa: F401 - registers commands
from stations.cli.common import app


def main() -> None:
    app()
