"""The kiosk's side of the back-end contract (assets/wsdl/kiosk-v1.wsdl).

- `BackendClient`: every operation as a typed method (models in `models`, errors in `errors`);
- `Outbox`: durable, ordered delivery of heartbeats and transaction reports;
See docs/backend-contract.md.
"""

from backend_client.client import BackendClient, new_request_id
from backend_client.errors import BackendError
from backend_client.outbox import Outbox
from backend_client.settings import ClientSettings

__all__ = ["BackendClient", "BackendError", "ClientSettings", "Outbox", "new_request_id"]
