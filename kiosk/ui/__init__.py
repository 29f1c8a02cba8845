"""Kivy screens. They render flow state and forward touches; no business rule lives here."""
