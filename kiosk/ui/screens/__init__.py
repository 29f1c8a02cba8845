"""The flow screens, one per kind of step (kiosk/ui/model.py SCREEN_KINDS), each a class and a .kv."""
