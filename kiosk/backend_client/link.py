"""Everything the app needs to talk to the back end, opened from the configuration in one call.

    link = open_backend_link(config)   # starts the embedded back end when mode = "embedded"
    link.client.ping()
    link.outbox.put_report(report)
    link.close()                        # at exit: stops the outbox (queue kept) and the back end
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.outbox import Outbox
from kiosk.backend_client.settings import ClientSettings
from kiosk.config import Config

log = logging.getLogger(__name__)

OUTBOX_FILE = "backend/outbox.sqlite3"  # under the terminal's data_dir unless outbox_path is set


@dataclass
class BackendLink:
    client: BackendClient
    outbox: Outbox
    url: str
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for closer in reversed(self._closers):
            try:
                closer()
            except Exception:  # one failing closer must not keep the others from running
                log.exception("closing the back-end link")
        self._closers.clear()


def open_backend_link(config: Config, start_outbox: bool = True) -> BackendLink:
    """The client (and the embedded reference back end when configured) plus a running outbox."""
    backend = config["backend"]
    closers: list[Callable[[], None]] = []
    url = backend["url"]
    if backend["mode"] == "embedded":
        from backend.embedded import start_embedded  # the reference back end is not needed in a hall

        embedded = start_embedded(config)
        closers.append(embedded.stop)
        url = embedded.url
    client = BackendClient(ClientSettings.from_config(config, endpoint=url))
    closers.append(client.close)
    outbox_path = config.path(backend["outbox_path"]) if backend["outbox_path"] else config.data_dir / OUTBOX_FILE
    outbox = Outbox(outbox_path, client, backend["outbox_backoff_seconds"], backend["outbox_backoff_max_seconds"])
    closers.append(outbox.close)
    if start_outbox:
        outbox.start()
    log.info("back end (%s) at %s", backend["mode"], url)
    return BackendLink(client, outbox, url, closers)
