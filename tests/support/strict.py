"""Whether a missing test tool is an error: under CI and the README's test command
(``scripts/test.sh`` installs everything and sets ``STATIONS_STRICT_TESTS``), a missing
browser, database or GIS client must fail the run rather than skip tests quietly."""

from __future__ import annotations

import os

STRICT = bool(os.environ.get("CI") or os.environ.get("STATIONS_STRICT_TESTS"))
