"""Configuration keys of the flows ([flows] in the TOML files)."""

from kiosk.schema import Schema

FLOWS_SCHEMA: Schema = {}
