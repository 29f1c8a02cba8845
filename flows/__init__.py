"""The kiosk's services as plain-Python state machines (no Kivy import)."""
