"""Configuration keys of the devices ([devices.<kind>] in the TOML files).

Each kind's keys live beside its driver (devices/<kind>/schema.py); this module puts them together.
"""

from __future__ import annotations

import importlib

from core.schema import Schema

DEVICE_KINDS = ("idcard", "permit", "scanner", "printer", "camera", "dispenser", "card_terminal",
                "fingerprint")


def _kind_schema(kind: str) -> Schema:
    try:
        return importlib.import_module(f"devices.{kind}.schema").SCHEMA
    except ModuleNotFoundError as exc:
        if exc.name != f"devices.{kind}.schema":
            raise
        return {}


DEVICES_SCHEMA: Schema = {kind: _kind_schema(kind) for kind in DEVICE_KINDS}
