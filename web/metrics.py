"""Prometheus metrics of one app: what it served and how fast, and the state of the
index, the registry, the coverage cache and the last backup and import.

Each app has its own :class:`prometheus_client.CollectorRegistry` (tests build many apps
in one process). Request figures are counted as requests finish
(:class:`web.observe.RequestObserver`, see :class:`AppMetrics` for how cheaply);
everything else is read when ``/metrics`` is scraped (:class:`ServiceCollector`), so it
costs nothing between scrapes.

Several instances are scraped one by one (each its own port); series carry no instance
label of their own, Prometheus adds it.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, disable_created_metrics
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    SummaryMetricFamily,
)
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
    """The metrics of one app (``app.state.metrics``).

    Requests are counted as plain numbers, not through prometheus-client's metric
    objects: the counting happens on the server's event loop (one thread), where a
    dictionary update and a :func:`bisect.bisect_left` cost a fraction of the locks and
    loops of ``Counter.inc`` and ``Histogram.observe`` on the nearest search's hot path.
    :class:`RequestCollector` turns them into Prometheus families when scraped.
    """

    def __init__(self, services: Callable[[], Services | None]) -> None:
        disable_created_metrics()  # no *_created series: noise to every dashboard
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests: dict[tuple[str, str, int], int] = {}
        """``(method, route, status)`` → requests answered."""
        self.latency: dict[str, list[int]] = {}
        """route → requests per bucket of :data:`LATENCY_BUCKETS` (not cumulative), then +Inf."""
        self.latency_sum: dict[str, float] = {}
        self.failed_logins = Counter(
            "stations_failed_logins", "Sign-ins refused: bad_credentials, or throttled",
            ["reason"], registry=self.registry)
        ProcessCollector(registry=self.registry)
        self.registry.register(RequestCollector(self))
        self.registry.register(ServiceCollector(services))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        if method not in METHODS:
            method = "other"
        key = (method, route, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        counts = self.latency.get(route)
        if counts is None:
            counts = self.latency[route] = [0] * (len(LATENCY_BUCKETS) + 1)
            self.latency_sum[route] = 0.0
        counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.latency_sum[route] += seconds
        if status in LOGIN_FAILURES and (method, route) == LOGIN_ROUTE:
            self.failed_login(LOGIN_FAILURES[status])

    def failed_login(self, reason: str = "bad_credentials") -> None:
        """Count a refused sign-in. Answers of ``POST /api/token`` are counted already
        (401: ``bad_credentials``, 429: ``throttled``); call this for sign-ins elsewhere."""
        self.failed_logins.labels(reason).inc()


class RequestCollector(Collector):
    """The request counts and latency histograms of :class:`AppMetrics`, when scraped."""

    def __init__(self, metrics: AppMetrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        requests = CounterMetricFamily("stations_http_requests",
                                       "HTTP requests answered, by route template and status",
                                       labels=["method", "route", "status"])
        for (method, route, status), count in sorted(dict(m.requests).items()):
            requests.add_metric([method, route, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "stations_http_request_duration_seconds",
            "Time to answer a request, by route template (the nearest search on its own)",
            labels=["route"])
        sums = dict(m.latency_sum)
        for route, counts in sorted(dict(m.latency).items()):
            cumulative = list(accumulate(list(counts)))
            buckets = [(_bound(le), n) for le, n in zip(LATENCY_BUCKETS, cumulative, strict=False)]
            latency.add_metric([route], [*buckets, ("+Inf", cumulative[-1])], sum_value=sums.get(route, 0.0))
        yield latency


def _bound(value: float) -> str:
    return repr(float(value))


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
        yield CounterMetricFamily("stations_coverage_refused",
                                  "Coverage questions refused with 503: too many analyses queued",
                                  value=cache.refused)
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
