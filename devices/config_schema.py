"""Configuration keys of the devices ([devices.*] in the TOML files)."""

from kiosk.schema import Schema

DEVICES_SCHEMA: Schema = {}
