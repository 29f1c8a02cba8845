"""Serving the reference back end over real HTTP with waitress, in the foreground or in a thread."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from backend import log_guard
from backend.app import BackendApp
from backend.face import FaceMatcher
from backend.http_limits import Limits, create_guarded_server
from backend.settings import ServerSettings
from backend.wsgi import SOAP_PATH, BackendWsgi

log = logging.getLogger(__name__)

# waitress worker threads: enough for a hall's kiosks on a 2-core box (spyne holds the GIL).
DEFAULT_THREADS = 4
STOP_JOIN_SECONDS = 5.0


def _not_ready(environ: dict, start_response: Callable[..., object]) -> list[bytes]:
    """Answers only in the instant between opening the socket and loading the back end."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


class ReferenceServer:
    """The reference back end listening on host:port. Port 0 picks a free port."""

    def __init__(self, db_path: Path | str, host: str = "127.0.0.1", port: int = 0,
                 settings: ServerSettings = ServerSettings(), threads: int = DEFAULT_THREADS,
                 face_matcher: FaceMatcher | None = None) -> None:
        # Listen first: a busy port fails before the database is created or seeded.
        log_guard.install()  # spyne's and waitress's records masked, envelopes never logged
        self._server = create_guarded_server(_not_ready, host, port, threads, Limits(
            settings.connection_limit, settings.connections_per_client, settings.idle_timeout_seconds,
            settings.request_timeout_seconds), ident="kiosk-reference-backend")
        # Per-terminal credentials are required whenever the back end listens beyond loopback.
        # On PostgreSQL one pooled connection per worker thread: no thread waits for another's.
        self.backend = BackendApp(db_path, settings.for_host(host), face_matcher, pool_size=threads)
        self._server.application = BackendWsgi(self.backend)
        self._thread: threading.Thread | None = None
        bound_host, bound_port = self._server.socket.getsockname()[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"

    def _close_all_sockets(self) -> None:
        for dispatcher in list(self._server._map.values()):  # the listener, open connections, the trigger
            dispatcher.close()

    @property
    def connection_limit(self) -> int:
        """The connection limit in force: [backend] reference_connection_limit, or lower to fit the open-files limit."""
        return self._server.adj.connection_limit

    @property
    def open_connections(self) -> int:
        """Client connections open right now (at most [backend] reference_connection_limit)."""
        return len(self._server.active_channels)

    @property
    def url(self) -> str:
        """The SOAP endpoint, e.g. http://127.0.0.1:8080/soap."""
        return self.base_url + SOAP_PATH

    def serve_forever(self) -> None:
        log.info("reference back end serving %s", self.url)
        try:
            self._server.run()
        finally:
            self.backend.close()

    def start(self) -> "ReferenceServer":
        """Serve in a daemon thread; returns at once."""
        self._thread = threading.Thread(target=self._server.run, name="reference-backend", daemon=True)
        self._thread.start()
        log.info("reference back end started at %s", self.url)
        return self

    def stop(self) -> None:
        """Let the worker threads finish first, then close every socket from inside waitress's
        loop (closing them from another thread races with its select()), which ends the loop.

        In that order because a worker finishing a request pulls the loop's trigger (a write to
        a pipe): once the loop has closed that pipe, the write fails with EBADF in the worker,
        or lands on whatever file reused the descriptor number."""
        self._server.task_dispatcher.shutdown(timeout=STOP_JOIN_SECONDS)
        if self._thread is not None:
            try:
                self._server.trigger.pull_trigger(self._close_all_sockets)
            except OSError:  # the loop has already closed its trigger: nothing runs it any more
                self._close_all_sockets()
            self._thread.join(STOP_JOIN_SECONDS)
            if self._thread.is_alive():
                log.warning("reference back end at %s: server loop still running after %.0f s",
                            self.url, STOP_JOIN_SECONDS)
            self._thread = None
        else:
            self._close_all_sockets()
        self.backend.close()
        log.info("reference back end at %s stopped", self.url)
