"""The composition root without a screen: the configuration loaded against every layer's keys,
the runtime (back end, devices, journal, session) put together, the fleet link, and the
technician's commands. The Kivy shell (kiosk/) stands on it; nothing below imports it."""
