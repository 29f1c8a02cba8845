"""The served reference back end on gunicorn: several worker processes ([backend] reference_workers > 0).

waitress stays the embedded server (one process, in the kiosk). Served for a province, one Python
process is one core at most (spyne parses and writes XML holding the GIL), so gunicorn runs
`reference_workers` processes, each with DEFAULT_THREADS threads and its own database pool.

Set-up order: the master opens the database once (migrations, demo data when empty) before any
worker starts; each worker then opens its own store after the fork (a psycopg pool must not cross a
fork). WS-Security nonces live in the database, shared by all workers (backend/storage/nonces.py).

Limits, compared with waitress's (backend/http_limits.py):
  reference_connection_limit        -> worker_connections per worker (the limit divided by the workers)
  reference_idle_timeout_seconds    -> keepalive (an idle keep-alive connection is closed after it)
  reference_worker_timeout_seconds  -> timeout (a worker stuck on one request is restarted)
  request line / header sizes       -> limit_request_line, limit_request_field_size, limit_request_fields
  reference_connections_per_client and reference_request_timeout_seconds (slowloris) have no gunicorn
  equivalent: gunicorn documents that it must sit behind a buffering proxy, and the province's TLS
  proxy does both (docs/hall.md "At province scale": nginx limit_conn, client_header_timeout,
  client_body_timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.settings import ServerSettings

log = logging.getLogger(__name__)

DEFAULT_THREADS = 4  # per worker: requests waiting on the database overlap; more only adds GIL contention
GRACEFUL_TIMEOUT_SECONDS = 10
BACKLOG = 1024
MAX_REQUEST_LINE = 8190
MAX_HEADER_FIELD = 16 * 1024


def gunicorn_options(host: str, port: int, settings: ServerSettings, workers: int, worker_timeout: float,
                     threads: int = DEFAULT_THREADS) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind], "workers": workers, "worker_class": "gthread", "threads": threads,
        "worker_connections": max(threads, settings.connection_limit // max(1, workers)),
        "timeout": int(worker_timeout), "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": max(1, int(settings.idle_timeout_seconds)), "backlog": BACKLOG,
        "limit_request_line": MAX_REQUEST_LINE, "limit_request_field_size": MAX_HEADER_FIELD,
        "limit_request_fields": 100, "accesslog": None, "errorlog": "-", "loglevel": "warning",
        "proc_name": "kiosk-reference-backend",
    }


def worker_app(location: Path | str, settings: ServerSettings, threads: int = DEFAULT_THREADS) -> Any:
    """What one worker serves: its own BackendApp (own pool) behind the same WSGI surface as waitress."""
    from backend import log_guard
    from backend.app import BackendApp
    from backend.wsgi import BackendWsgi

    log_guard.install()
    return BackendWsgi(BackendApp(location, settings, pool_size=threads, shared_nonces=True, seed=False))


def prepare_database(location: Path | str, settings: ServerSettings) -> None:
    """Migrate (and seed an empty database) once, in the master, before the workers fork."""
    from backend.app import BackendApp

    BackendApp(location, settings, pool_size=1).close()


def serve_with_gunicorn(location: Path | str, host: str, port: int, settings: ServerSettings,
                        backend_config: Mapping[str, Any]) -> int:
    from gunicorn.app.base import BaseApplication

    settings = settings.for_host(host)
    workers = int(backend_config["reference_workers"])
    options = gunicorn_options(host, port, settings, workers, float(backend_config["reference_worker_timeout_seconds"]))
    prepare_database(location, settings)

    class Served(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return worker_app(location, settings)

    print(f"reference back end: http://{options['bind'][0]}/soap on gunicorn, {workers} workers x "
          f"{DEFAULT_THREADS} threads", flush=True)
    Served().run()
    return 0
