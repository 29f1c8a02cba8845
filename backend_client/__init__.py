"""The kiosk's side of the back-end contract (assets/wsdl/kiosk-v1.wsdl).

- `BackendClient`: every operation as a typed method (models in `models`, errors in `errors`);
- `Outbox`: durable, ordered delivery of heartbeats and transaction reports;
See docs/backend-contract.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend_client.client import BackendClient, new_request_id
    from backend_client.errors import BackendError
    from backend_client.outbox import Outbox
    from backend_client.settings import ClientSettings

__all__ = ["BackendClient", "BackendError", "ClientSettings", "Outbox", "new_request_id"]

# Each name is imported from its module when first asked for (PEP 562), not with the package:
# `from backend_client.errors import ...` (every flow, the screens before the first frame) must
# not import zeep and read the WSDL (issue 23: first frame and --help).
_HOMES = {"BackendClient": "client", "new_request_id": "client", "BackendError": "errors",
          "Outbox": "outbox", "ClientSettings": "settings"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'backend_client' has no attribute {name!r}")
    return getattr(importlib.import_module(f"backend_client.{_HOMES[name]}"), name)
