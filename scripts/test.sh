#!/usr/bin/env bash
# Install what the tests need, then run the whole test suite.
# Used as is by .ci/run; safe to run again (installs are skipped when present).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# Debian packages: Chromium for the browser tests, PostGIS for the production database,
# its client tools (pg_dump, pg_restore) for backups; GDAL's command-line tools and QGIS
# (PyQGIS) as OGC API clients.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
command -v ogr2ogr >/dev/null 2>&1 || need+=(gdal-bin)
dpkg -s python3-qgis >/dev/null 2>&1 || need+=(python3-qgis)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'

# The ogctests conformance checker pins old httpx and pytest: a venv of its own.
OGCTESTS_VENV=.cache/ogctests-venv
if [ ! -x "$OGCTESTS_VENV/bin/python" ] || ! "$OGCTESTS_VENV/bin/python" -c 'import ogctests' 2>/dev/null; then
  python3 -m venv "$OGCTESTS_VENV"
  "$OGCTESTS_VENV/bin/python" -m pip install -q --disable-pip-version-check 'ogctests==0.1.15'
fi

# A PostGIS test database, when a PostgreSQL server answers on 127.0.0.1:5432.
if [ -z "${STATIONS_TEST_PG:-}" ] && command -v psql >/dev/null 2>&1 \
   && psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -tc "select 1 from pg_database where datname='stations_test'" \
    | grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database stations_test'
  if psql -h 127.0.0.1 -U postgres -d stations_test -qc 'create extension if not exists postgis' >/dev/null 2>&1; then
    export STATIONS_TEST_PG="postgresql://postgres@127.0.0.1:5432/stations_test"
  fi
fi

# Everything above is installed: a missing browser, database or GIS client is an error, not a skip.
export STATIONS_STRICT_TESTS=1
ruff check stations geodata web tests scripts benchmarks
mypy
python3 -m pytest -n 2 "$@"
