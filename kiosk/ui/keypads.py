"""The kiosk's own keypads: digits for phone numbers, letters for names in pinyin, letters and
digits for codes, and a pinyin keyboard with candidate characters for the Chinese fields the
ID card does not fill (emergency contact's name, addresses).
No system keyboard ever appears (kivy_setup sets keyboard_mode to "system" and no TextInput
takes focus)."""

from __future__ import annotations

import threading
from typing import Callable

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

# Longest value any typed field takes (addresses: 70 characters).
MAX_LENGTH = 70
DIGIT_ROWS = ("123", "456", "789", "0")
DIGIT_LINE = "1234567890"
LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Keys beyond digits and letters, per mode: a space between surname and given name in pinyin,
# the dash of application numbers and appointment codes, the middle dot of minority names.
SPACE, DASH, MIDDLE_DOT = " ", "-", "·"
KEY_ROWS: dict[str, tuple[str, ...]] = {
    "numeric": DIGIT_ROWS,
    "latin": (*LETTER_ROWS, SPACE),
    "code": (DIGIT_LINE, *LETTER_ROWS[:2], LETTER_ROWS[2] + DASH),
    "pinyin": (DIGIT_LINE, *LETTER_ROWS[:2], LETTER_ROWS[2] + MIDDLE_DOT),
}
# Candidates shown at once: big enough to touch, few enough to read; the rest are a page away.
CANDIDATES_PER_PAGE = 6
CANDIDATE_FONT = 48       # design px, as keypads.kv draws them
CANDIDATE_MIN_WIDTH = 110
KEY_LABELS = {SPACE: "␣"}


def candidates(letters: str) -> list[str]:
    # Imported on first use: pypinyin's dictionaries take ~0.4 s to load, not at kiosk start.
    from kiosk.input.pinyin_ime import candidates as find
    return find(letters)


def warm_up_pinyin() -> None:
    """Build the input method's indexes (about a second) off the UI thread as soon as a pinyin
    keypad opens, so the first letter the citizen types already has its candidates."""
    threading.Thread(target=candidates, args=("a",), name="pinyin-warm-up", daemon=True).start()


def consumed_letters(letters: str, chosen: str) -> int:
    from kiosk.input.pinyin_ime import consumed_letters as consumed
    return consumed(letters, chosen)


class Keypad(ModalView):
    """Holds the text being typed and calls `on_done(text)` on OK.

    Modes: "numeric" (digits), "latin" (A-Z and a space: names in pinyin), "code" (digits,
    A-Z and a dash: application numbers, appointment codes), "pinyin" (letters build pinyin
    that turns into the chosen candidate characters; digits and the middle dot go in as typed).
    """

    title = StringProperty("")
    text = StringProperty("")
    error = StringProperty("")
    mode = StringProperty("numeric")
    letters = StringProperty("")      # pinyin letters not yet turned into characters
    secret = BooleanProperty(False)   # a PIN: show dots, not digits
    options = ListProperty([])        # every candidate for `letters`
    page = NumericProperty(0)         # which page of them is shown
    page_count = NumericProperty(0)

    def __init__(self, on_done: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._on_done = on_done

    def on_kv_post(self, base_widget: object) -> None:
        self._build_keys()
        self.ids.candidates.bind(width=lambda *_args: self._show_candidates())
        if self.mode == "pinyin":
            warm_up_pinyin()

    def on_mode(self, *_args: object) -> None:
        if self.ids:
            self._build_keys()

    @property
    def uppercase(self) -> bool:
        return self.mode in ("latin", "code")

    def _build_keys(self) -> None:
        from kivy.factory import Factory
        from kivy.uix.boxlayout import BoxLayout

        grid = self.ids.key_grid
        grid.clear_widgets()
        for row in KEY_ROWS.get(self.mode, DIGIT_ROWS):
            line = BoxLayout(spacing=grid.spacing[0])
            for char in row:
                label = KEY_LABELS.get(char, char.upper() if self.uppercase else char)
                button = Factory.KeyButton(text=label)
                button.bind(on_release=lambda _b, c=char: self.key(c))
                line.add_widget(button)
            grid.add_widget(line)

    # ----- candidates -----
    def on_options(self, *_args: object) -> None:
        self.page = 0
        self._show_candidates()

    def on_page(self, *_args: object) -> None:
        self._show_candidates()

    def candidate_pages(self) -> list[list[str]]:
        """The candidates cut into pages that fit the bar: a CJK character is about as wide as
        the font is tall, and every button is at least a key wide."""
        from kivy.app import App

        app = App.get_running_app()
        bar = self.ids.candidates
        spacing = bar.spacing[0] if isinstance(bar.spacing, (list, tuple)) else bar.spacing
        available = max(bar.width, app.u * 400)
        pages: list[list[str]] = [[]]
        used = 0.0
        for option in self.options:
            width = max(app.u * CANDIDATE_MIN_WIDTH, len(option) * app.fu * CANDIDATE_FONT + app.u * 40) + spacing
            if pages[-1] and (used + width > available or len(pages[-1]) >= CANDIDATES_PER_PAGE):
                pages.append([])
                used = 0.0
            pages[-1].append(option)
            used += width
        return pages if pages[0] else []

    def shown_candidates(self) -> list[str]:
        pages = self.candidate_pages()
        return pages[self.page] if self.page < len(pages) else []

    def _show_candidates(self) -> None:
        from kivy.factory import Factory

        self.page_count = len(self.candidate_pages())
        box = self.ids.candidates
        box.clear_widgets()
        for option in self.shown_candidates():
            button = Factory.CandidateButton(text=option)
            button.bind(on_release=lambda _b, o=option: self.choose(o))
            box.add_widget(button)

    def next_page(self) -> None:
        self.page = (self.page + 1) % max(self.page_count, 1)

    def previous_page(self) -> None:
        self.page = (self.page - 1) % max(self.page_count, 1)

    # ----- typing -----
    def key(self, char: str) -> None:
        if self.mode == "pinyin" and char.isascii() and char.isalpha():
            self.letters += char
            self.options = candidates(self.letters)
            return
        if len(self.text) < MAX_LENGTH:
            self.text += char.upper() if self.uppercase else char

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
        """OK: pinyin letters never chosen as characters are not part of the text."""
        self.dismiss(animation=False)
        self._on_done(self.text)
