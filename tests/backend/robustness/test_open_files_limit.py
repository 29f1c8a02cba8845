"""The connection limit must fit the process's open-files limit, or the server fails on accept()
under load (EMFILE) instead of queueing connections. In a child process whose hard limit is
low, the back end lowers its connection limit to fit and says so; where the hard limit allows,
it raises its soft limit instead."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import logging, resource, sys, tempfile
    from pathlib import Path
    soft, hard = (int(v) for v in sys.argv[1:3])
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(levelname)s %(message)s")
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings
    server = ReferenceServer(Path(tempfile.mkdtemp()) / "db.sqlite3", settings=ServerSettings(connection_limit=1000))
    print("limit", server.connection_limit, "soft", resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    server.stop()
""")


def run_child(soft: int, hard: int) -> str:
    done = subprocess.run([sys.executable, "-c", CHILD, str(soft), str(hard)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_low_hard_limit_lowers_the_connection_limit_with_a_warning():
    out = run_child(200, 200)
    assert "limit 136 soft 200" in out  # 200 descriptors, 64 kept for files, pipes and the listener
    assert "WARNING connection limit lowered from 1000 to 136" in out


def test_the_soft_limit_is_raised_when_the_hard_limit_allows():
    out = run_child(256, 4096)
    assert "limit 1000 soft 1064" in out and "WARNING" not in out
