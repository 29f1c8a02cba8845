"""A throwaway PostgreSQL cluster from Debian's packages, for the tests and bench/hall_load.py.

initdb and pg_ctl in a temporary folder, listening on a Unix socket in that folder only (no TCP
port to collide with, nobody else's to reach), stopped and deleted afterwards. PostgreSQL refuses
to run as root: as root the cluster runs as an unprivileged user (KIOSK_PG_USER, else the
`postgres` user Debian's package creates), started through runuser.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Self
from urllib.parse import quote

USER_ENV = "KIOSK_PG_USER"
SUPERUSER = "kiosk"
START_TIMEOUT_SECONDS = 60
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


class ThrowawayCluster:
    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = dict(FAST if settings is None else settings)
        self.bin = postgres_bin()
        self.folder: Path | None = None
        self._as: list[str] = []

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        assert self.folder is not None
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(self.folder), safe='')}"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as, *command], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log" if self.folder else None
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise ClusterError(f"{' '.join(command[:2])} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")

    def start(self) -> ThrowawayCluster:
        self.folder = Path(tempfile.mkdtemp(prefix="kpg-"))  # short: a socket path has at most 107 bytes
        if os.geteuid() == 0:
            user = os.environ.get(USER_ENV, "postgres")
            try:
                account = pwd.getpwnam(user)
            except KeyError:
                raise ClusterError(f"running as root, and there is no user {user!r} to run PostgreSQL as "
                                   f"(set {USER_ENV} to an unprivileged user)") from None
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as = ["runuser", "-u", user, "--"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = " ".join([f"-k {self.folder}", "-c listen_addresses=''",
                            *(f"-c {k}={v}" for k, v in self.settings.items())])
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", str(START_TIMEOUT_SECONDS), "start")
        return self

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
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
