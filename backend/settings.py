"""How the reference back end behaves: the server-side knobs, taken from [backend] or the command line."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from typing import Any, Mapping

from backend.seed import DEMO_HALL_REGION_CODE


@dataclass(frozen=True)
class ServerSettings:
    hall_region_code: str = DEMO_HALL_REGION_CODE  # decides who is "local" for endorsements
    payment_expiry_seconds: float = 300.0
    auto_pay_seconds: float = 0.0  # > 0: a pending payment pays itself after this long (demos)
    heartbeat_interval_seconds: int = 60  # told to terminals when they register
    heartbeat_history_days: float = 30.0  # device-state changes kept this long (backend/handlers/terminals.py)
    # Request-id records (one answer per request id) of every operation kept this long (heartbeats' one day).
    request_id_retention_days: float = 30.0
    public_url: str = ""  # base of payment-page URLs; "" = the address the request came to
    wsse_username: str = ""  # non-empty: every request must carry this UsernameToken (one for all terminals)
    wsse_password: str = ""
    wsse_digest: bool = False  # the shared UsernameToken must be a PasswordDigest (PasswordText refused)
    # Per-terminal credentials (backend/wssecurity.py): "auto" = required unless the back end
    # listens on loopback only; "required"; "off". ReferenceServer resolves "auto".
    terminal_auth: str = "auto"
    wsse_window_seconds: float = 300.0  # a token's Created time may be this far off, either side
    dashboard_password_hash: str = ""  # scrypt hash of the hall dashboard's password; "" = dashboard closed
    dashboard_stale_seconds: float = 180.0  # a terminal silent this long is shown as stale
    # Proxies (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto the dashboard believes.
    dashboard_trusted_proxies: tuple[str, ...] = ()
    # Connection limits of the served back end (backend/http_limits.py; docs/hall.md "Server limits").
    connection_limit: int = 1000
    connections_per_client: int = 32  # 0 = no limit per client address
    idle_timeout_seconds: float = 10.0  # a connection with no request in progress is closed after this
    request_timeout_seconds: float = 10.0  # a request not fully received this long after its first byte
    # CompareFace: largest face-descriptor distance that is the same person (backend/face.py).
    face_match_distance: float = 0.6

    @classmethod
    def from_config(cls, backend: Mapping[str, Any]) -> "ServerSettings":
        """The settings a [backend] section gives the reference back end (embedded or served)."""
        return cls(
            hall_region_code=backend["reference_hall_region_code"],
            payment_expiry_seconds=float(backend["reference_payment_expiry_seconds"]),
            auto_pay_seconds=float(backend["reference_auto_pay_seconds"]),
            heartbeat_interval_seconds=int(backend["heartbeat_interval_seconds"]),
            heartbeat_history_days=float(backend["reference_heartbeat_history_days"]),
            request_id_retention_days=float(backend["reference_request_id_retention_days"]),
            public_url=backend["reference_public_url"],
            wsse_username=backend["wsse_username"],
            wsse_password=backend["wsse_password"],
            wsse_digest=backend["wsse_digest"],
            terminal_auth=backend["reference_terminal_auth"],
            wsse_window_seconds=float(backend["reference_wsse_window_seconds"]),
            dashboard_password_hash=backend["reference_dashboard_password_hash"],
            dashboard_stale_seconds=float(backend["reference_dashboard_stale_seconds"]),
            dashboard_trusted_proxies=tuple(backend["reference_dashboard_trusted_proxies"]),
            connection_limit=int(backend["reference_connection_limit"]),
            connections_per_client=int(backend["reference_connections_per_client"]),
            idle_timeout_seconds=float(backend["reference_idle_timeout_seconds"]),
            request_timeout_seconds=float(backend["reference_request_timeout_seconds"]),
            face_match_distance=float(backend["reference_face_match_distance"]),
        )

    def for_host(self, host: str) -> "ServerSettings":
        """These settings with terminal_auth "auto" decided for a back end listening on `host`."""
        if self.terminal_auth != "auto":
            return self
        return replace(self, terminal_auth="off" if is_loopback(host) else "required")


def is_loopback(host: str) -> bool:
    """Only this machine can reach `host` (127.0.0.0/8, ::1, localhost); "" and 0.0.0.0 are every address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
