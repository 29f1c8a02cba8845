"""The kiosk's side of the back-end contract (assets/wsdl/kiosk-v1.wsdl).

- `BackendClient`: every operation as a typed method (models in `models`, errors in `errors`);
- `Outbox`: durable, ordered delivery of heartbeats and transaction reports;
- `open_backend_link(config)`: both, plus the embedded reference back end when configured.
See docs/backend-contract.md.
"""

from kiosk.backend_client.client import BackendClient, new_request_id
from kiosk.backend_client.errors import BackendError
from kiosk.backend_client.link import BackendLink, open_backend_link
from kiosk.backend_client.outbox import Outbox
from kiosk.backend_client.settings import ClientSettings

__all__ = ["BackendClient", "BackendError", "BackendLink", "ClientSettings", "Outbox", "new_request_id",
           "open_backend_link"]
