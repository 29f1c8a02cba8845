"""The foundation every layer stands on: configuration, schema checks, i18n, privacy masking,
logging, the citizen's session and secret hashes. It imports nothing else of the project."""

__version__ = "0.1.0"
