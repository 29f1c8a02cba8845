"""Everything the app needs to talk to the back end, opened from the configuration in one call.

    link = open_backend_link(config)   # starts the embedded back end when mode = "embedded"
    link.client.ping()
    link.outbox.put_report(report)
    link.close()                        # at exit: stops the outbox (queue kept) and the back end
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.outbox import Outbox
from kiosk.backend_client.settings import ClientSettings
from kiosk.config import Config

if TYPE_CHECKING:
    from backend.embedded import EmbeddedBackend

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


def connect_backend(config: Config) -> tuple[BackendClient, "EmbeddedBackend | None"]:
    """The client for the configured back end. With [backend] mode = "embedded" the reference
    back end is started first on a loopback port; the caller stops it (second value) after
    closing the client."""
    embedded = None
    endpoint = config["backend"]["url"]
    if config["backend"]["mode"] == "embedded":
        from backend.embedded import start_embedded  # the reference back end is not needed in a hall

        embedded = start_embedded(config)
        endpoint = embedded.url
        log.info("embedded reference back end at %s", endpoint)
    try:
        return BackendClient(ClientSettings.from_config(config, endpoint=endpoint)), embedded
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise


def outbox_path(config: Config) -> Path:
    """[backend] outbox_path, or one outbox per terminal in its data folder."""
    backend = config["backend"]
    return config.path(backend["outbox_path"]) if backend["outbox_path"] else config.data_dir / OUTBOX_FILE


def open_backend_link(config: Config, start_outbox: bool = True) -> BackendLink:
    """The client (and the embedded reference back end when configured) plus a running outbox."""
    backend = config["backend"]
    closers: list[Callable[[], None]] = []
    client, embedded = connect_backend(config)
    if embedded is not None:
        closers.append(embedded.stop)
    closers.append(client.close)
    url = client.settings.endpoint
    outbox = Outbox(outbox_path(config), client, backend["outbox_backoff_seconds"],
                    backend["outbox_backoff_max_seconds"])
    closers.append(outbox.close)
    if start_outbox:
        outbox.start()
    log.info("back end (%s) at %s", backend["mode"], url)
    return BackendLink(client, outbox, url, closers)
