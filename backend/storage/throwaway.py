"""A throwaway PostgreSQL cluster from Debian's packages, for the tests and bench/hall_load.py.

initdb in a temporary folder, then the postmaster as a child of this process, listening on a Unix
socket in that folder only (no TCP port to collide with, nobody else's to reach), stopped and
deleted afterwards. PostgreSQL refuses to run as root: as root the cluster runs as an
unprivileged user (KIOSK_PG_USER, else the `postgres` user Debian's package creates).

A test session or bench that is killed (SIGKILL, a CI timeout) cannot stop its cluster, and a
cluster started by `pg_ctl start` (which daemonises) would keep running: the postmaster is
therefore started directly, with the kernel's parent-death signal (prctl PR_SET_PDEATHSIG) set
to SIGQUIT, PostgreSQL's immediate shutdown, so it ends with the thread that started it.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self
from urllib.parse import quote

USER_ENV = "KIOSK_PG_USER"
SUPERUSER = "kiosk"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
# For the tests: durability off (a crash loses the throwaway cluster anyway).
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "400"}
# For measuring: crash-safe like SQLite's WAL + synchronous=NORMAL (consistent, may lose the last commits).
BENCH = {"synchronous_commit": "off", "max_connections": "400", "shared_buffers": "256MB"}


class ClusterError(RuntimeError):
    pass


def postgres_bin() -> Path:
    """The folder of initdb/pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(re.search(r"/(\d+)/bin", p).group(1)))  # type: ignore[union-attr]
    if not versions:
        raise ClusterError("PostgreSQL is not installed (Debian: apt-get install postgresql; ./kiosk.sh test does it)")
    return Path(versions[-1]).parent


# util-linux's setpriv arms the parent-death signal (after Popen changed the user, which would
# clear it) and becomes postgres; a small program rather than Popen's preexec_fn, which is unsafe
# in a process with threads.
PDEATHSIG = ["setpriv", "--pdeathsig", "SIGQUIT", "--"]


class ThrowawayCluster:
    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = dict(FAST if settings is None else settings)
        self.bin = postgres_bin()
        self.folder: Path | None = None
        self.postmaster: subprocess.Popen[bytes] | None = None
        self._as: list[str] = []
        self._account: pwd.struct_passwd | None = None

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        assert self.folder is not None
        return self.url_in(self.folder, database)

    @staticmethod
    def url_in(folder: Path, database: str = "postgres") -> str:
        """The URL of a database of the cluster whose socket is in `folder`."""
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(folder), safe='')}"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as, *command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ClusterError(f"{' '.join(command[:2])} failed ({done.returncode}): {done.stderr.strip()}\n"
                               f"{self._log_tail()}")

    def _log_tail(self) -> str:
        log = self.folder / "server.log" if self.folder else None
        return log.read_text(errors="replace")[-2000:] if log and log.exists() else ""

    def start(self) -> ThrowawayCluster:
        self.folder = Path(tempfile.mkdtemp(prefix="kpg-"))  # short: a socket path has at most 107 bytes
        try:
            self._start()
        except BaseException:
            self.stop()  # nothing of a cluster that did not start is left behind
            raise
        return self

    def _start(self) -> None:
        assert self.folder is not None
        if os.geteuid() == 0:
            user = os.environ.get(USER_ENV, "postgres")
            try:
                self._account = pwd.getpwnam(user)
            except KeyError:
                raise ClusterError(f"running as root, and there is no user {user!r} to run PostgreSQL as "
                                   f"(set {USER_ENV} to an unprivileged user)") from None
            os.chown(self.folder, self._account.pw_uid, self._account.pw_gid)
            self._as = ["runuser", "-u", user, "--"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = ["-D", str(self.data), "-k", str(self.folder), "-c", "listen_addresses="]
        for key, value in self.settings.items():
            options += ["-c", f"{key}={value}"]
        account = self._account
        with open(self.folder / "server.log", "ab") as log:
            self.postmaster = subprocess.Popen(
                [*PDEATHSIG, str(self.bin / "postgres"), *options],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.folder,
                user=account.pw_uid if account else None, group=account.pw_gid if account else None,
                extra_groups=[] if account else None)
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Until the postmaster says it accepts connections (postmaster.pid's status line), or it
        ended, or the timeout."""
        assert self.postmaster is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if self.postmaster.poll() is not None:
                raise ClusterError(f"postgres ended at start ({self.postmaster.returncode}):\n{self._log_tail()}")
            try:
                lines = (self.data / "postmaster.pid").read_text().splitlines()
            except OSError:
                lines = []
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"postgres did not accept connections in {START_TIMEOUT_SECONDS} s")
            time.sleep(0.05)

    def create_database(self, name: str) -> str:
        """A new, empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            if self.postmaster is not None and self.postmaster.poll() is None:
                self.postmaster.send_signal(signal.SIGQUIT)  # immediate shutdown: nothing in it is kept
                try:
                    self.postmaster.wait(STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    self.postmaster.kill()
                    self.postmaster.wait()
        finally:
            self.postmaster = None
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
