"""The client's settings, read once from [backend] and [terminal]."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.config import Config
from core.credentials import CredentialFileError, read_secret_file, token_password
from core.schema import ConfigError

SECRET_FILE_KEY = "backend.wsse_secret_file"


@dataclass(frozen=True)
class ClientSettings:
    endpoint: str  # the SOAP endpoint URL
    terminal_id: str  # sent with every request
    hall_name: str = ""
    connect_timeout: float = 3.0
    operation_timeout: float = 10.0
    retries: int = 2
    retry_backoff: float = 0.5
    retry_backoff_max: float = 4.0
    tls_verify: bool = True
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    wsse_username: str = ""
    wsse_password: str = ""
    wsse_digest: bool = False

    @classmethod
    def from_config(cls, config: Config, endpoint: str | None = None) -> "ClientSettings":
        """Settings from the configuration; `endpoint` overrides [backend] url (the embedded back end's)."""
        backend = config["backend"]

        def optional_path(value: str) -> Path | None:
            return config.path(value) if value else None

        username, password, digest = backend["wsse_username"], backend["wsse_password"], backend["wsse_digest"]
        if backend["wsse_secret_file"]:
            username, password, digest = config["terminal"]["id"], _terminal_password(config), True
        return cls(
            endpoint=endpoint or backend["url"],
            terminal_id=config["terminal"]["id"],
            hall_name=config["terminal"]["hall_name_zh"],
            connect_timeout=backend["connect_timeout_seconds"],
            operation_timeout=backend["operation_timeout_seconds"],
            retries=backend["retries"],
            retry_backoff=backend["retry_backoff_seconds"],
            retry_backoff_max=backend["retry_backoff_max_seconds"],
            tls_verify=backend["tls_verify"],
            ca_bundle=optional_path(backend["ca_bundle"]),
            client_cert=optional_path(backend["client_cert"]),
            client_key=optional_path(backend["client_key"]),
            wsse_username=username,
            wsse_password=password,
            wsse_digest=digest,
        )

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1, 2, ...): doubling, capped."""
        return min(self.retry_backoff * 2 ** (retry - 1), self.retry_backoff_max)


def _terminal_password(config: Config) -> str:
    """The digest password derived from the terminal's secret file; ConfigError naming key and file."""
    path = config.path(config["backend"]["wsse_secret_file"])
    try:
        secret = read_secret_file(path)
    except CredentialFileError as problem:
        raise ConfigError(str(path), SECRET_FILE_KEY, str(problem)) from None
    return token_password(config["terminal"]["id"], secret)
