"""The home screen: six service tiles, Chinese above English, unavailable ones greyed with a reason."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from flows.registry import FLOWS


class ServiceTile(ButtonBehavior, BoxLayout):
    service_id = StringProperty("")
    title_key = StringProperty("")
    # Message key saying why the service cannot start now; "" when it can.
    reason_key = StringProperty("")
    # The height its texts need at its width (home.kv); the rows are at least this tall.
    needed_height = NumericProperty(0)
    # the service's accent in the palette of the moment (theme.SERVICE_ACCENTS; home.kv)
    accent = ColorProperty((0, 0, 0, 1))

    def on_release(self) -> None:
        App.get_running_app().start_service(self.service_id)


class HomeScreen(Screen):
    def on_kv_post(self, base_widget: object) -> None:
        grid = self.ids.tiles
        self._fit = Clock.create_trigger(self.fit_rows)
        for service in FLOWS:
            tile = ServiceTile(service_id=service.service_id, title_key=service.title_key)
            tile.bind(needed_height=self._fit)
            grid.add_widget(tile)
        self.ids.tiles_view.bind(height=self._fit)
        grid.bind(cols=self._fit, spacing=self._fit, padding=self._fit)
        self.refresh_availability()

    def fit_rows(self, *_args: object) -> None:
        """Rows share the height the screen gives the tiles; a row whose words need more (large
        text, a long title) gets what it needs and the others share what is left; when even
        that does not fit, every row keeps what it needs and the tiles scroll."""
        grid = self.ids.tiles
        tiles = list(reversed(grid.children))  # in the order they were added
        if not tiles:
            return
        cols = max(1, grid.cols)
        needs = [max(t.needed_height for t in tiles[i:i + cols]) for i in range(0, len(tiles), cols)]
        pad_y = grid.padding[1] + grid.padding[3] if len(grid.padding) == 4 else 2 * grid.padding[-1]
        spacing_y = grid.spacing[-1] if isinstance(grid.spacing, (list, tuple)) else grid.spacing
        heights = share_rows(needs, self.ids.tiles_view.height - pad_y - spacing_y * (len(needs) - 1))
        for index, tile in enumerate(tiles):
            tile.height = heights[index // cols]

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh_availability()

    def refresh_availability(self) -> None:
        """Ask the service board again: devices and the back end come and go."""
        board = App.get_running_app().services
        for tile in self.ids.tiles.children:
            tile.reason_key = board.unavailable_reason(tile.service_id) or ""

    def tile(self, service_id: str) -> ServiceTile:
        return next(t for t in self.ids.tiles.children if t.service_id == service_id)


def share_rows(needs: list[float], room: float) -> list[float]:
    """Row heights: each at least what it needs; the rows that need less than an equal share
    of what the others leave get that share (so the tiles fill `room` when they can)."""
    heights = list(needs)
    free = list(range(len(needs)))
    while free:
        share = (room - sum(needs[i] for i in range(len(needs)) if i not in free)) / len(free)
        over = [i for i in free if needs[i] > share]
        if not over:
            for i in free:
                heights[i] = share
            break
        free = [i for i in free if i not in over]
    return heights
