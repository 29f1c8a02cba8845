"""The configured back end, opened in one call and closed in one.

    with open_backend_link(config) as link:  # starts the embedded back end when mode = "embedded"
        link.client.ping()
        link.outbox().put_report(report)      # the durable outbox, opened and started on first use

Closing stops, in order, the outbox (its queue is kept on disk), the client and the embedded
reference back end. The runtime, `doctor`, `journal reconcile` and `journal report` all reach
the back end through this one link.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from backend_client.client import BackendClient
from backend_client.outbox import Outbox
from backend_client.settings import ClientSettings
from core.config import Config

if TYPE_CHECKING:
    from backend.embedded import EmbeddedBackend

log = logging.getLogger(__name__)

OUTBOX_FILE = "backend/outbox.sqlite3"  # under the terminal's data_dir unless outbox_path is set


class BackendLink:
    """Owns the client, the embedded reference back end (when configured) and the outbox."""

    def __init__(self, config: Config, client: BackendClient, embedded: EmbeddedBackend | None) -> None:
        self.config = config
        self.client = client
        self.embedded = embedded
        self._outbox: Outbox | None = None

    @property
    def url(self) -> str:
        return self.client.settings.endpoint

    def outbox(self) -> Outbox:
        """The terminal's outbox (heartbeats, transaction reports), started on first use."""
        if self._outbox is None:
            backend = self.config["backend"]
            self._outbox = Outbox(outbox_path(self.config), self.client, backend["outbox_backoff_seconds"],
                                  backend["outbox_backoff_max_seconds"]).start()
        return self._outbox

    def close(self) -> None:
        closers = [self._outbox.close if self._outbox is not None else None, self.client.close,
                   self.embedded.stop if self.embedded is not None else None]
        self._outbox = None
        for closer in closers:
            if closer is None:
                continue
            try:
                closer()
            except Exception:  # one failing closer must not keep the others from running
                log.exception("closing the back-end link")

    def __enter__(self) -> BackendLink:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_backend_link(config: Config) -> BackendLink:
    """The client for the configured back end. With [backend] mode = "embedded" the reference
    back end is started first on a loopback port (it is not imported at all in a hall)."""
    embedded = None
    endpoint = config["backend"]["url"]
    if config["backend"]["mode"] == "embedded":
        from backend.embedded import start_embedded

        embedded = start_embedded(config)
        endpoint = embedded.url
        log.info("embedded reference back end at %s", endpoint)
    try:
        client = BackendClient(ClientSettings.from_config(config, endpoint=endpoint))
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise
    log.info("back end (%s) at %s", config["backend"]["mode"], endpoint)
    return BackendLink(config, client, embedded)


def outbox_path(config: Config) -> Path:
    """[backend] outbox_path, or one outbox per terminal in its data folder."""
    backend = config["backend"]
    return config.path(backend["outbox_path"]) if backend["outbox_path"] else config.data_dir / OUTBOX_FILE
