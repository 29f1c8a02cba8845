"""Configuration keys of the back-end connection ([backend] in the TOML files)."""

from kiosk.schema import Field, Schema

BACKEND_SCHEMA: Schema = {
    "mode": Field(str, "'embedded' starts the reference back end in-process; 'remote' uses url.",
                  choices=("embedded", "remote")),
    "url": Field(str, "SOAP endpoint of the hall's back end (mode = 'remote')."),
}
