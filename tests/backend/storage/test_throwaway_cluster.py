"""The throwaway PostgreSQL cluster of the tests and benches ends with the process that started it,
even when that process is killed (SIGKILL: no atexit, no finally), instead of running on."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psycopg
import pytest

from backend.storage.throwaway import ClusterError, ThrowawayCluster

ROOT = Path(__file__).resolve().parents[3]
GONE_WITHIN_SECONDS = 30.0

STARTER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from backend.storage.throwaway import ClusterError, ThrowawayCluster
    cluster = ThrowawayCluster().start()
    print(cluster.postmaster.pid, cluster.folder, flush=True)
    time.sleep(600)
""")


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for its parent."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_session_leaves_no_cluster_running():
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(ROOT)], stdout=subprocess.PIPE, text=True)
    folder = None
    try:
        line = starter.stdout.readline().split()  # type: ignore[union-attr]
        assert line, "the cluster did not start"
        postmaster, folder = int(line[0]), Path(line[1])
        assert alive(postmaster)
        with psycopg.connect(ThrowawayCluster.url_in(folder), autocommit=True) as conn:
            assert conn.execute("SELECT pg_postmaster_start_time() IS NOT NULL").fetchone()[0]
        starter.send_signal(signal.SIGKILL)
        starter.wait(10)
        deadline = time.monotonic() + GONE_WITHIN_SECONDS
        while alive(postmaster) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(postmaster), "the postmaster outlived the killed session"
    finally:
        if starter.poll() is None:
            starter.kill()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def test_a_cluster_stopped_normally_is_gone_with_its_folder():
    cluster = ThrowawayCluster().start()
    postmaster, folder = cluster.postmaster.pid, cluster.folder  # type: ignore[union-attr]
    assert alive(postmaster) and folder is not None and folder.exists()
    cluster.stop()
    assert not alive(postmaster) and not folder.exists()
    cluster.stop()  # twice is harmless


def test_a_cluster_that_cannot_start_leaves_nothing_behind(monkeypatch):
    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        made.append(Path(real_mkdtemp(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    cluster = ThrowawayCluster({"no_such_setting": "1"})  # postgres refuses to start with it
    with pytest.raises(ClusterError, match="no_such_setting"):
        cluster.start()
    assert len(made) == 1 and not made[0].exists() and cluster.folder is None
