"""Coverage analyses from several threads at once (as web requests run) must not crash.

Each round runs in a child process, so a crash (a segfault in GEOS) fails the test
instead of killing the test runner. Before the analysis lock, 4 rounds in 10 crashed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stations.io.demo import seed_demo
from stations.store.registry import Registry

SCRIPT = """
import sys, threading
from stations.coverage.analysis import analyse
from stations.coverage.query import parse_query
from stations.store.registry import Registry

frame = Registry.open(sys.argv[1]).frame()
query = parse_query("410100")
start = threading.Barrier(6)
def run():
    start.wait()
    analyse(frame, query)
threads = [threading.Thread(target=run) for _ in range(6)]
for t in threads: t.start()
for t in threads: t.join()
print("done")
"""


def test_concurrent_analyses_of_one_region(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'threads.db'}"
    registry = Registry.open(db)
    seed_demo(registry)  # 82 stations across Zhengzhou's districts
    registry.close()
    for _ in range(5):
        proc = subprocess.run([sys.executable, "-c", SCRIPT, db], capture_output=True, text=True,
                              timeout=300, cwd=Path(__file__).resolve().parents[2])
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.strip() == "done"
