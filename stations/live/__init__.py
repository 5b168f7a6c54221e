"""Live status written by people: notices from those who run a station, reports from the
road, and the inspectors' queue of stations reported closed when they should be open.

The rules that turn these records into what a driver is shown live in
:mod:`stations.core.live`; the overlay the search reads is :mod:`stations.search.live`.
Every write here bumps ``live_revision``, never the registry revision, so no search index
is rebuilt for it.
"""
