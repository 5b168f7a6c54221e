"""Schemathesis over the whole OpenAPI surface: no input, valid or not, is a 5xx.

Every operation of ``/openapi.json`` is called with generated inputs (those that fit the
schema and those that do not), signed out and signed in as each role, against the app
under uvicorn on a seeded database. Hypothesis runs derandomized (a fixed seed) with a
bounded number of examples per operation, so the run is the same every time and takes
well under two minutes. Failures are collected, not shrunk, and reported together.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.support.compliance import PASSWORD, ROLES, seeded_file
from tests.support.live_server import serve_process

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = int(os.environ.get("STATIONS_FUZZ_EXAMPLES", "6"))
"""Examples per operation, mode and role (STATIONS_FUZZ_EXAMPLES for a longer run)."""
KNOWN_5XX: dict[str, str] = {}
"""``METHOD path`` → why a 5xx there is known and left to another issue; they are printed,
not failed."""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("fuzz")
    url = seeded_file(tmp)
    # its own process: the server does not wait for the GIL while Hypothesis generates
    with serve_process(url, tmp) as (port, _pid):
        base = f"http://127.0.0.1:{port}"
        # signed in before any fuzzing: fuzzed sign-ins trip the sign-in throttle (429)
        TOKENS.clear()
        TOKENS.update({role: _sign_in(base, role) for role in ROLES})
        yield base


TOKENS: dict[str, str] = {}


def token(_base: str, role: str) -> str:
    return TOKENS[role]


def _sign_in(base: str, role: str) -> str:
    answer = requests.post(base + "/api/token", data={"username": role, "password": PASSWORD}, timeout=30)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.mark.parametrize("role", [None, *ROLES], ids=["signed-out", *ROLES])
def test_no_generated_request_is_a_server_error(base_url: str, role: str | None) -> None:
    raw = requests.get(base_url + "/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw)
    headers = {"Authorization": f"Bearer {token(base_url, role)}"} if role else {}
    session = requests.Session()
    failures: list[str] = []
    known: set[str] = set()
    started = time.monotonic()
    calls = 0

    def check(case: schemathesis.Case) -> None:
        nonlocal calls
        calls += 1
        if os.environ.get("STATIONS_FUZZ_TIMING"):
            print("    ", case.as_curl_command()[:300], flush=True)
        try:
            response = case.call(base_url=base_url, session=session, headers=headers, timeout=60)
        except requests.RequestException as exc:
            failures.append(f"{case.operation.label}: {exc!r}")
            return
        if response.status_code >= 500 and case.operation.label in KNOWN_5XX:
            known.add(f"{case.operation.label} -> {response.status_code}: {case.as_curl_command()}")
        elif response.status_code >= 500:
            failures.append(f"{case.operation.label} -> {response.status_code}: "
                            f"{case.as_curl_command()} :: {response.text[:300]}")

    timing: dict[str, float] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        began = time.monotonic()
        if os.environ.get("STATIONS_FUZZ_TIMING"):
            print("  ->", operation.label, flush=True)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run: Callable[[], None] = settings(
                max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(given(case=operation.as_strategy(generation_mode=mode))(check))
            try:
                run()
            except Exception as exc:  # noqa: BLE001 - a generation problem is not the app's
                if "Unsatisfiable" not in type(exc).__name__:
                    failures.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {exc}"[:400])
        timing[operation.label] = time.monotonic() - began
    if os.environ.get("STATIONS_FUZZ_TIMING"):
        for label, spent in sorted(timing.items(), key=lambda item: -item[1])[:12]:
            print(f"  {spent:6.2f} s  {label}")
    seconds = time.monotonic() - started
    print(f"\nfuzz {role or 'signed-out'}: {calls} requests in {seconds:.1f} s")
    for line in sorted(known):
        print(f"  known 5xx, {KNOWN_5XX[line.split(' ->')[0]][:40]}...: {line}")
    assert not failures, "\n".join(dict.fromkeys(failures))


# Values at and past the edges, which a bounded random run may not reach: each is sent in
# every path and query parameter of its type, one parameter at a time.
EDGES = {
    "integer": ["9223372036854775808", "99999999999999999999", "-9223372036854775809", "-1", "0"],
    "number": ["1e309", "-1e309", "nan", "inf", "99999999999999999999", "-0"],
    "string": ["\x00", "x" * 5000, "驿站\u202egnp.exe", "\u200b", "../../etc/passwd", "%", "1e309"],
}
DEFAULTS = {"lon": "113.66", "lat": "34.78", "region": "410105", "crs": "wgs84"}


def _type(param: dict[str, object]) -> str:
    schema = param.get("schema") or {}
    assert isinstance(schema, dict)
    options = [schema, *schema.get("anyOf", [])]
    types = {o.get("type") for o in options if isinstance(o, dict)}
    return next((t for t in ("integer", "number", "string") if t in types), "string")


def _default(param: dict[str, object]) -> str:
    name = str(param["name"])
    if name in DEFAULTS:
        return DEFAULTS[name]
    return {"integer": "1", "number": "1"}.get(_type(param), "ZZ1")


@pytest.mark.parametrize("role", [None, "admin"], ids=["signed-out", "admin"])
def test_edge_values_in_every_parameter_are_never_a_server_error(base_url: str, role: str | None) -> None:
    raw = requests.get(base_url + "/openapi.json", timeout=30).json()
    headers = {"Authorization": f"Bearer {token(base_url, role)}"} if role else {}
    session = requests.Session()
    failures: list[str] = []
    calls = 0
    for path, methods in raw["paths"].items():
        for method, operation in methods.items():
            params = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
            for probed in params:
                for value in EDGES[_type(probed)]:
                    values = {p["name"]: _default(p) for p in params if p["required"] or p["in"] == "path"}
                    values[probed["name"]] = value
                    url = path
                    for p in params:
                        if p["in"] == "path":
                            url = url.replace("{" + p["name"] + "}", requests.utils.quote(values[p["name"]], safe=""))
                    query = {p["name"]: values[p["name"]] for p in params
                             if p["in"] == "query" and p["name"] in values}
                    calls += 1
                    response = session.request(method.upper(), base_url + url, params=query,
                                               headers=headers, json={} if method != "get" else None, timeout=60)
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} {query} -> {response.status_code}: "
                                        f"{response.text[:200]}")
    print(f"\nedges {role or 'signed-out'}: {calls} requests")
    assert not failures, "\n".join(failures)
