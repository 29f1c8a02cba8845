"""The kiosk's own keypads: digits for phone numbers, letters for pinyin, and a pinyin
keyboard with candidate characters for the Chinese fields the ID card does not fill.
No system keyboard ever appears (kivy_setup sets keyboard_mode to "system" and no TextInput
takes focus)."""

from __future__ import annotations

from typing import Callable

from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.input.pinyin_ime import candidates, consumed_letters

# Longest value any typed field takes (addresses: 70 characters).
MAX_LENGTH = 70
DIGIT_ROWS = ("123", "456", "789")
LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


class Keypad(ModalView):
    """Base: holds the text being typed and calls `on_done(text)` on OK."""

    title = StringProperty("")
    text = StringProperty("")
    error = StringProperty("")
    mode = StringProperty("numeric")  # "numeric" | "latin" | "pinyin"
    letters = StringProperty("")      # pinyin letters not yet turned into characters
    secret = BooleanProperty(False)   # a PIN: show dots, not digits
    options = ListProperty([])        # candidate characters/phrases for `letters`

    def __init__(self, on_done: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._on_done = on_done

    def on_kv_post(self, base_widget: object) -> None:
        self._build_keys()

    def on_mode(self, *_args: object) -> None:
        if self.ids:
            self._build_keys()

    def _build_keys(self) -> None:
        from kivy.factory import Factory
        from kivy.uix.boxlayout import BoxLayout

        grid = self.ids.key_grid
        grid.clear_widgets()
        rows = DIGIT_ROWS + ("0",) if self.mode == "numeric" else LETTER_ROWS
        for row in rows:
            line = BoxLayout(spacing=grid.spacing[0])
            for char in row:
                button = Factory.KeyButton(text=char.upper() if self.mode == "latin" else char)
                button.bind(on_release=lambda _b, c=char: self.key(c))
                line.add_widget(button)
            grid.add_widget(line)
        if self.mode == "latin":  # names in pinyin have a space between surname and given name
            space = Factory.KeyButton(text="␣")
            space.bind(on_release=lambda _b: self.key(" "))
            grid.add_widget(space)

    def on_options(self, *_args: object) -> None:
        from kivy.factory import Factory

        box = self.ids.candidates
        box.clear_widgets()
        for option in self.options:
            button = Factory.KeyButton(text=option, size_hint_x=None)
            button.width = max(button.font_size * (len(option) + 1), button.font_size * 2)
            button.bind(on_release=lambda _b, o=option: self.choose(o))
            box.add_widget(button)

    def key(self, char: str) -> None:
        if self.mode == "pinyin" and char.isalpha():
            self.letters += char
            self.options = candidates(self.letters)
            return
        if len(self.text) < MAX_LENGTH:
            self.text += char.upper() if self.mode == "latin" else char

    def choose(self, option: str) -> None:
        used = consumed_letters(self.letters, option)
        self.text = (self.text + option)[:MAX_LENGTH]
        self.letters = self.letters[used:]
        self.options = candidates(self.letters) if self.letters else []

    def backspace(self) -> None:
        if self.letters:
            self.letters = self.letters[:-1]
            self.options = candidates(self.letters) if self.letters else []
        else:
            self.text = self.text[:-1]

    def clear(self) -> None:
        self.text, self.letters, self.options = "", "", []

    def done(self) -> None:
        self.dismiss(animation=False)
        self._on_done(self.text)
