"""Exit-entry self-service kiosk: the app shell, session, configuration, logging and i18n."""

__version__ = "0.1.0"
