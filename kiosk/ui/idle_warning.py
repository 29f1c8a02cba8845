"""The idle countdown: shown big, with one button to keep the session."""

from kivy.uix.modalview import ModalView


class IdleWarning(ModalView):
    pass
