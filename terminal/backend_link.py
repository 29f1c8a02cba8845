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
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend_client.errors import BackendUnreachableError
from core.config import Config

if TYPE_CHECKING:
    from backend.embedded import EmbeddedBackend
    from backend_client.client import BackendClient
    from backend_client.outbox import Outbox

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
            from backend_client.outbox import Outbox

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
    back end is started first on a loopback port (it is not imported at all in a hall). zeep
    and the client are imported here, where the link opens (on its own thread in the kiosk app:
    issue 23), not with this module."""
    from backend_client.client import BackendClient
    from backend_client.settings import ClientSettings

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


# How long a back-end call made while the link is still opening waits for it (issue 23). The
# embedded reference back end takes about a second to import and start on a loaded kiosk; a
# hall's client builds in a fraction of that. Longer than any start seen, shorter than a citizen's patience.
OPENING_WAIT_SECONDS = 30.0


class OpeningBackendLink:
    """A BackendLink opening on its own thread (issue 23: the kiosk's services are offered before
    the back end answers). The first thing a citizen does in every service is read a card on a
    device, so the devices and the journal come first and the link opens meanwhile.

    `client` is usable at once: each call made before the link is open waits for it (at most
    OPENING_WAIT_SECONDS) on the caller's thread, the flow's worker, which shows it is working;
    a link that failed to open answers every call with BackendUnreachableError, as a back end
    that does not answer would. `embedded`, `url` and `outbox()` wait the same way."""

    def __init__(self, config: Config, opener: Callable[[Config], BackendLink] | None = None,
                 wait_seconds: float = OPENING_WAIT_SECONDS, begin: bool = True) -> None:
        """`begin=False`: the opening starts at `begin()` or at the first call, whichever comes first."""
        self.config = config
        self._opener = opener or open_backend_link
        self._wait_seconds = wait_seconds
        self._link: BackendLink | None = None
        self._error: BaseException | None = None
        self._opened = threading.Event()
        self.client = _WaitingClient(self)
        self._thread = threading.Thread(target=self._open, name="backend-link-open", daemon=True)
        self._begun = threading.Lock()
        self._started = False
        if begin:
            self.begin()

    def begin(self) -> None:
        """Start opening the link (once)."""
        with self._begun:
            if not self._started:
                self._started = True
                self._thread.start()

    def _open(self) -> None:
        try:
            self._link = self._opener(self.config)
        except BaseException as exc:  # every call reports it (BackendUnreachableError)
            log.exception("the back-end link failed to open")
            self._error = exc
        finally:
            self._opened.set()

    def is_open(self) -> bool:
        return self._link is not None

    def link(self, operation: str = "") -> BackendLink:
        """The open link, waiting for it; BackendUnreachableError when it did not open in time or failed."""
        self.begin()
        if not self._opened.wait(self._wait_seconds):
            raise BackendUnreachableError(f"the back-end link is still opening after {self._wait_seconds:.0f} s",
                                          operation)
        if self._link is None:
            raise BackendUnreachableError(f"the back-end link failed to open: {self._error!r}", operation)
        return self._link

    @property
    def embedded(self) -> EmbeddedBackend | None:
        return self.link().embedded

    @property
    def url(self) -> str:
        return self.link().url

    def outbox(self) -> Outbox:
        return self.link().outbox()

    def close(self) -> None:
        with self._begun:
            self._started = True  # never begun: nothing to close, and no opening after the close
        if self._thread.is_alive():
            self._thread.join()  # a link half opened is closed once it is whole
        if self._link is not None:
            self._link.close()


class _WaitingClient:
    """The BackendClient of an OpeningBackendLink: an attribute asked for waits for the link."""

    def __init__(self, opening: OpeningBackendLink) -> None:
        self._opening = opening

    def __getattr__(self, name: str) -> Any:
        return getattr(self._opening.link(name).client, name)


def outbox_path(config: Config) -> Path:
    """[backend] outbox_path, or one outbox per terminal in its data folder."""
    backend = config["backend"]
    return config.path(backend["outbox_path"]) if backend["outbox_path"] else config.data_dir / OUTBOX_FILE
