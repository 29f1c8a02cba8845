"""waitress with limits sized for a hall, so idle or slow clients cannot lock the kiosks out.

waitress's defaults let 100 idle connections take every slot for two minutes (issue 18). Here:

- `connection_limit` slots in all (waitress stops accepting beyond it), checked against the
  process's file-descriptor limit at start, and served through poll() (select() fails on
  descriptors above 1024);
- at most `connections_per_client` at once from one address: a further connection is closed
  as soon as it is accepted (0 = no such limit, e.g. behind a TLS proxy whose address every
  connection carries);
- a connection with no request in progress is closed after `idle_timeout_seconds` (waitress's
  channel_timeout), and one whose request has not fully arrived `request_timeout_seconds`
  after its first byte is closed too: a slowloris client sending a byte now and then keeps a
  connection "active" forever under waitress's own rule.

Checks run every second (waitress's cleanup_interval), so a client is dropped within its
timeout plus one second. Dropped and refused connections are summed up in one log line per check.
docs/hall.md ("Server limits") says how to size them.
"""

from __future__ import annotations

import logging
import math
import resource
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

CHECK_INTERVAL_SECONDS = 1  # waitress's cleanup_interval: how often timeouts are looked at
# Descriptors the process needs besides client connections: the listener, the trigger pipe,
# SQLite files and journals, log files, the kiosk's devices when embedded.
RESERVED_DESCRIPTORS = 64
LISTEN_BACKLOG = 1024  # connections the kernel queues while every slot is taken
MAX_REQUEST_HEADER_BYTES = 64 * 1024  # a kiosk's headers are under 1 KB
# A kiosk's largest body is a camera frame for CompareFace (under 1 MB as base64); spyne itself
# answers a SOAP fault above 2 MB, so waitress's plain 413 only meets bodies above this.
MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    connection_limit: int = 1000
    connections_per_client: int = 32  # 0 = no per-address limit
    idle_timeout_seconds: float = 10.0
    request_timeout_seconds: float = 10.0


class GuardedChannel(HTTPChannel):
    """An HTTP connection that remembers when the request it is still receiving began."""

    partial_since: float | None = None  # first byte of the request not yet complete
    _timed_request: Any = None

    def received(self, data: bytes) -> bool:
        result = super().received(data)
        if self.request is None:
            self.partial_since, self._timed_request = None, None
        elif self.request is not self._timed_request:
            self.partial_since, self._timed_request = time.time(), self.request
        return result


class GuardedServer(TcpWSGIServer):
    """waitress's TCP server with a per-address connection limit and a whole-request deadline."""

    def __init__(self, application: Any, limits: Limits, **kwargs: Any) -> None:
        self.limits = limits
        self._refused: Counter[str] = Counter()
        self._dropped_slow = 0
        super().__init__(application, **kwargs)

    @staticmethod
    def channel_class(server: GuardedServer, conn: Any, addr: Any, adj: Adjustments,
                      map: dict | None = None) -> GuardedChannel | None:
        """waitress calls this for every accepted connection (server.handle_accept)."""
        return server.open_channel(conn, addr, adj, map)

    def open_channel(self, conn: Any, addr: Any, adj: Adjustments, map: dict | None) -> GuardedChannel | None:
        per_client = self.limits.connections_per_client
        client = addr[0] if isinstance(addr, tuple) else str(addr)
        if per_client and self.connections_from(client) >= per_client:
            self._refused[client] += 1
            conn.close()
            return None
        return GuardedChannel(self, conn, addr, adj, map=map)

    def connections_from(self, client: str) -> int:
        return sum(1 for channel in list(self.active_channels.values())
                   if isinstance(channel.addr, tuple) and channel.addr[0] == client)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections (channel_timeout)
        cutoff = now - self.limits.request_timeout_seconds
        for channel in list(self.active_channels.values()):
            since = getattr(channel, "partial_since", None)
            if since is not None and since < cutoff and not channel.requests and not channel.will_close:
                channel.will_close = True
                self._dropped_slow += 1
        if self._dropped_slow:
            log.warning("closed %d connection(s) whose request was not complete after %.0f s",
                        self._dropped_slow, self.limits.request_timeout_seconds)
            self._dropped_slow = 0
        if self._refused:
            log.warning("refused %d connection(s) over the limit of %d per client from %s",
                        sum(self._refused.values()), self.limits.connections_per_client,
                        ", ".join(sorted(self._refused)))
            self._refused.clear()


def descriptor_budget(wanted_connections: int) -> int:
    """Raise the soft open-files limit as far as needed (up to the hard limit); return how many
    connections fit in it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted_connections + RESERVED_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted_connections
    fits = max(soft - RESERVED_DESCRIPTORS, 1)
    log.warning("connection limit lowered from %d to %d: the process may open only %d files "
                "(raise LimitNOFILE / ulimit -n)", wanted_connections, fits, soft)
    return fits


def create_guarded_server(application: Any, host: str, port: int, threads: int, limits: Limits,
                          ident: str) -> GuardedServer:
    """A listening GuardedServer (not yet running) for one address."""
    adj = Adjustments(host=host, port=port, threads=threads, ident=ident,
                      connection_limit=descriptor_budget(limits.connection_limit),
                      channel_timeout=math.ceil(limits.idle_timeout_seconds), cleanup_interval=CHECK_INTERVAL_SECONDS,
                      backlog=LISTEN_BACKLOG, asyncore_use_poll=True,
                      max_request_header_size=MAX_REQUEST_HEADER_BYTES,
                      max_request_body_size=MAX_REQUEST_BODY_BYTES)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    return GuardedServer(application, limits, map={}, dispatcher=dispatcher, adj=adj, sockinfo=adj.listen[0])
