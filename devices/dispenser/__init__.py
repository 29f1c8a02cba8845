"""The document dispenser: hands a finished passport or permit card from its slot to the tray."""
