"""Prometheus metrics of one app: what it served and how fast, and the state of the
index, the registry, the coverage cache and the last backup and import.

Each app has its own :class:`prometheus_client.CollectorRegistry` (tests build many apps
in one process). Request figures are counted as requests finish
(:class:`web.observe.RequestObserver`); everything else is read when ``/metrics`` is
scraped (:class:`ServiceCollector`), so it costs nothing between scrapes.

Several instances are scraped one by one (each its own port); series carry no instance
label of their own, Prometheus adds it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from stations.store.jobs import JOBS, read_jobs

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from stations.services import Services

# sub-millisecond buckets for the nearest search, seconds for maps and coverage
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LOGIN_ROUTE = ("POST", "/api/token")
"""A 401 answer here is a failed login, a 429 a login refused by the throttle."""
LOGIN_FAILURES = {401: "bad_credentials", 429: "throttled"}


class AppMetrics:
    """The metrics of one app (``app.state.metrics``)."""

    def __init__(self, services: Callable[[], Services | None]) -> None:
        disable_created_metrics()  # no *_created series: noise to every dashboard
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "stations_http_requests", "HTTP requests answered, by route template and status",
            ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "stations_http_request_duration_seconds",
            "Time to answer a request, by route template (the nearest search on its own)",
            ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.failed_logins = Counter(
            "stations_failed_logins", "Sign-ins refused: bad_credentials, or throttled",
            ["reason"], registry=self.registry)
        ProcessCollector(registry=self.registry)
        self.registry.register(ServiceCollector(services))
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request (cheap: label lookups are cached per key)."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            label = method if method in METHODS else "other"
            children = (self.requests.labels(label, route, str(status)), self.latency.labels(route))
            self._children[key] = children
        counter, histogram = children
        counter.inc()
        histogram.observe(seconds)
        if status in LOGIN_FAILURES and (method, route) == LOGIN_ROUTE:
            self.failed_login(LOGIN_FAILURES[status])

    def failed_login(self, reason: str = "bad_credentials") -> None:
        """Count a refused sign-in. Answers of ``POST /api/token`` are counted already
        (401: ``bad_credentials``, 429: ``throttled``); call this for sign-ins elsewhere."""
        self.failed_logins.labels(reason).inc()


class ServiceCollector(Collector):
    """Figures read from the services when scraped."""

    def __init__(self, services: Callable[[], Services | None]) -> None:
        self.services = services

    def describe(self) -> list[Metric]:
        return []  # collected on demand; names are not known before the app starts

    def collect(self) -> Iterator[Metric]:
        services = self.services()
        if services is None:
            return
        yield from self._index(services)
        cache = services.coverage
        yield CounterMetricFamily("stations_coverage_cache_hits",
                                  "Coverage questions answered from the cache", value=cache.hits)
        yield CounterMetricFamily("stations_coverage_cache_misses",
                                  "Coverage questions computed", value=cache.misses)
        yield from self._jobs(services)

    def _index(self, services: Services) -> Iterator[Metric]:
        keeper = services.keeper
        yield GaugeMetricFamily("stations_index_ready", "1 once the search index is built",
                                value=0 if keeper is None else 1)
        if keeper is None:
            return
        yield GaugeMetricFamily("stations_index_stations", "Stations in the search index",
                                value=keeper.stations)
        yield GaugeMetricFamily("stations_index_revision",
                                "Registry revision the search index was built from", value=keeper.revision)
        yield GaugeMetricFamily("stations_registry_revision",
                                "Registry revision when last polled", value=keeper.registry_revision)
        yield GaugeMetricFamily("stations_index_lag_revisions", "Revisions the index is behind",
                                value=max(0, keeper.registry_revision - keeper.revision))
        yield GaugeMetricFamily("stations_index_lag_seconds",
                                "How long the index has been behind the registry", value=keeper.lag_seconds())
        yield GaugeMetricFamily("stations_index_last_rebuild_seconds",
                                "Duration of the last index build", value=keeper.last_rebuild_seconds)
        yield SummaryMetricFamily("stations_index_rebuild_seconds", "Index rebuilds since start",
                                  count_value=keeper.rebuilds, sum_value=keeper.rebuild_seconds_total)

    def _jobs(self, services: Services) -> Iterator[Metric]:
        try:
            jobs = read_jobs(services.registry.engine)
        except SQLAlchemyError:
            yield GaugeMetricFamily("stations_database_up", "1 when the database answers", value=0)
            return
        yield GaugeMetricFamily("stations_database_up", "1 when the database answers", value=1)
        when = GaugeMetricFamily("stations_job_last_success_timestamp_seconds",
                                 "When the last backup or import finished (to the minute)", labels=["job"])
        took = GaugeMetricFamily("stations_job_last_duration_seconds",
                                 "How long the last backup or import took", labels=["job"])
        size = GaugeMetricFamily("stations_job_last_size_bytes",
                                 "Size of the last backup file or imported ledger", labels=["job"])
        age = GaugeMetricFamily("stations_job_last_success_age_seconds",
                                "Seconds since the last backup or import finished", labels=["job"])
        now = time.time()
        for name in sorted(set(JOBS) | set(jobs)):
            job = jobs.get(name)
            if job is None:
                continue
            when.add_metric([name], job.finished_at)
            took.add_metric([name], job.duration_seconds)
            age.add_metric([name], max(0.0, now - job.finished_at))
            if job.size_bytes is not None:
                size.add_metric([name], job.size_bytes)
        yield from (when, took, size, age)
