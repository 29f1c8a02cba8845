"""Configuration keys of the ID photo pipeline ([photo] in the TOML files)."""

from kiosk.schema import Schema

PHOTO_SCHEMA: Schema = {}
