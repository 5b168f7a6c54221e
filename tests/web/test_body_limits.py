"""Request bodies are bounded per route while they stream: a 200 MB body, chunked or
with a ``Content-Length``, is refused with 413 naming the limit, and the server's memory
stays flat; a demand upload is spooled to disk, never held whole.

The server runs as ``stations serve`` in its own process, so its peak resident memory
(``VmHWM`` in ``/proc/PID/status``, reset through ``clear_refs`` before each request)
is the server's alone.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from tests.support.compliance import seeded_file
from tests.support.live_server import serve_process
from web.app import BODY_LIMITS, DEFAULT_BODY_LIMIT, create_app
from web.middleware import MB

BIG = 200 * MB
CHUNK = 1 * MB
MEASURED: dict[str, float] = {}  # figures for the report (printed with -s)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """``stations serve`` on a seeded SQLite file: (port, pid)."""
    tmp = tmp_path_factory.mktemp("limits")
    url = seeded_file(tmp)
    with serve_process(url, tmp) as (port, pid):
        # warm up: the first demand request imports the form parser and coverage code
        small = [b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n\r\n"
                 b"lon,lat\n113.6601,34.7786\n\r\n--xyz--\r\n"]
        for _ in range(2):
            post_raw(port, "/api/coverage/demand?region=410105",
                     {"Content-Type": "multipart/form-data; boundary=xyz"}, iter(small), chunked=True)
        yield port, pid


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


@contextmanager
def peak_growth(pid: int, name: str) -> Iterator[Callable[[], float]]:
    """Peak RSS growth of ``pid`` over the block, in MB."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = rss_kb(pid, "VmRSS")
    result: list[float] = []
    yield lambda: result[0]
    time.sleep(0.3)
    result.append((rss_kb(pid, "VmHWM") - before) / 1024)
    MEASURED[name] = result[0]
    print(f"\n{name}: peak RSS growth {result[0]:.1f} MB (RSS before {before / 1024:.0f} MB)")


def post_raw(port: int, path: str, headers: dict[str, str], body: Iterator[bytes], *,
             chunked: bool) -> tuple[int, bytes, int]:
    """Send a request body piece by piece, stopping when the server answers or hangs up.

    Returns the status, the response and how many body bytes were sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = f"POST {path} HTTP/1.1\r\nHost: stations\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items())
    if chunked:
        head += "Transfer-Encoding: chunked\r\n"
    sock.sendall((head + "\r\n").encode())
    sent = 0
    try:
        for piece in body:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:  # the server answered before the body was all sent
                break
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            sent += len(piece)
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and _complete(answer):
                break
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1]), answer, sent


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def zeros(total: int, chunk: int = CHUNK) -> Iterator[bytes]:
    piece = b"0" * chunk
    for _ in range(total // chunk):
        yield piece


DEMAND_LIMIT_MB = dict(((m, p), n) for m, p, n in BODY_LIMITS)[("POST", "/api/coverage/demand")] / MB


@pytest.mark.parametrize("chunked", [pytest.param(True, id="chunked"),
                                     pytest.param(False, id="content-length")])
@pytest.mark.parametrize(("path", "content_type", "limit_mb"), [
    pytest.param("/api/coverage/demand", "multipart/form-data; boundary=xyz", DEMAND_LIMIT_MB, id="demand"),
    pytest.param("/api/route/stations", "application/json", DEFAULT_BODY_LIMIT / MB, id="json"),
])
def test_a_200_mb_body_is_refused_while_it_streams_and_memory_stays_flat(
        server: tuple[int, int], path: str, content_type: str, limit_mb: float, chunked: bool) -> None:
    port, pid = server
    headers = {"Content-Type": content_type}
    if not chunked:
        headers["Content-Length"] = str(BIG)
    body = (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n\r\n"
            if "multipart" in content_type else b"[")
    started = time.monotonic()
    with peak_growth(pid, f"{path} 200 MB {'chunked' if chunked else 'content-length'}") as growth:
        status, answer, sent = post_raw(port, path, headers, iter([body, *zeros(BIG)]), chunked=chunked)
    seconds = time.monotonic() - started
    assert status == 413, answer[:300]
    assert f"body larger than {limit_mb:g} MB".encode() in answer
    assert f"请求体超过 {limit_mb:g} MB".encode() in answer
    assert b"server: uvicorn" not in answer.lower()
    assert sent < BIG / 2, f"the server read {sent / MB:.0f} MB before refusing"
    if not chunked:  # refused on its declared length, before any of it was read
        assert sent <= limit_mb * MB + 16 * MB
    assert growth() < 40, f"peak RSS grew by {growth():.0f} MB"
    assert seconds < 30


def test_a_large_demand_upload_is_spooled_to_disk_not_held_in_memory(
        server: tuple[int, int], tmp_path: Path) -> None:
    port, pid = server
    # 45 MB: one real point and lines of blanks (rows without values are skipped)
    filler = (b" " * 1023 + b"\n") * 1024  # 1 MB
    prefix = (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n"
              b"Content-Type: text/csv\r\n\r\nlon,lat,weight\n113.6601,34.7786,3\n")
    suffix = b"\r\n--xyz--\r\n"
    size = len(prefix) + 45 * len(filler) + len(suffix)
    with peak_growth(pid, "demand upload 45 MB (accepted)") as growth:
        status, answer, _ = post_raw(
            port, "/api/coverage/demand?region=410105",
            {"Content-Type": "multipart/form-data; boundary=xyz", "Content-Length": str(size)},
            iter([prefix, *[filler] * 45, suffix]), chunked=False)
    assert status == 200, answer[:500]
    assert b'"demand_points":1,"demand_weight":3.0' in answer
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert b"\r\nserver:" not in head  # no banner (web.server.server_config: server_header=False)
    assert growth() < 30, f"peak RSS grew by {growth():.0f} MB for a 45 MB upload"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=f"sqlite:///{tmp_path / 's.db'}", seed_demo=False))) as c:
        yield c


def test_a_json_body_over_1_mb_is_413_and_under_it_is_read(client: TestClient) -> None:
    too_big = b'{"route": "' + b"x" * (DEFAULT_BODY_LIMIT + 10) + b'"}'
    response = client.post("/api/route/stations", content=too_big,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"]["message"] == "请求体超过 1 MB / body larger than 1 MB"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"route": "'
        for _ in range(3):
            yield b"x" * (DEFAULT_BODY_LIMIT // 2)
        yield b'"}'

    response = client.post("/api/route/stations", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"]["limit_bytes"] == DEFAULT_BODY_LIMIT
    small = client.post("/api/route/stations", json={"route": "x" * 1000})
    assert small.status_code == 422  # read and judged on its content


def test_every_route_has_a_limit_and_uploads_have_larger_ones() -> None:
    limits = {path: n for _, path, n in BODY_LIMITS}
    assert DEFAULT_BODY_LIMIT == MB
    assert limits["/api/coverage/demand"] > 50 * MB
    assert limits["/api/inspections"] >= 10 * 5 * MB
