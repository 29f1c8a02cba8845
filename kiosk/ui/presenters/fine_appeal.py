"""The fine appeal service (flows/fine_appeal.py) is the fines flow listing the cases to appeal:
its screens are the fines presenter's."""

from kiosk.ui.presenters.fines import present

__all__ = ["present"]
