"""The reference back end inside the kiosk's own process ([backend] mode = "embedded").

`python main.py` with the shipped configuration runs everything simulated: this starts the
reference back end on a free loopback port in a thread and hands back its URL; `stop()`
shuts it down (and deletes the throw-away database when no embedded_db is configured).
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from backend.server import ReferenceServer
from backend.settings import ServerSettings
from core.config import Config

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
DB_FILE_NAME = "reference-backend.sqlite3"


@dataclass
class EmbeddedBackend:
    server: ReferenceServer
    _scratch: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The SOAP endpoint to give the client, e.g. http://127.0.0.1:41873/soap."""
        return self.server.url

    def warm_up(self) -> None:
        """Load what the back end loads on first use (the face models of CompareFace) on a
        background thread: called once the kiosk's services are offered, so it does not delay them."""
        warm = getattr(self.server.backend.face, "warm_up_in_background", None)
        if warm is not None:
            warm()

    def stop(self) -> None:
        self.server.stop()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def start_embedded(config: Config) -> EmbeddedBackend:
    """Start the reference back end on a free loopback port with the [backend] reference_* settings."""
    backend = config["backend"]
    scratch = None
    db_path: Path | str
    if backend["reference_database_url"]:
        db_path = backend["reference_database_url"]
    elif backend["embedded_db"]:
        db_path = config.path(backend["embedded_db"])
    else:
        scratch = tempfile.TemporaryDirectory(prefix="kiosk-backend-")
        db_path = Path(scratch.name) / DB_FILE_NAME
    server = ReferenceServer(db_path, host=LOOPBACK, port=0, settings=ServerSettings.from_config(backend))
    return EmbeddedBackend(server.start(), scratch)
