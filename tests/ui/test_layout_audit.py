"""The layout audit's checks (kiosk/ui/audit.py) on small hand-built widget trees: each kind
of defect is found where it is, and a clean tree gives none."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def window(ui_config, request):
    """The window with the kiosk app running under the trees: laying them out pumps Kivy's
    frames, which also run the kv rules still pending from earlier tests, and those read `app`
    (with no app running they raise inside Builder.sync and break it for every later test)."""
    from kivy.core.window import Window

    from .conftest import open_kiosk

    kiosk = open_kiosk(ui_config, request.node.nodeid)
    next(kiosk)
    yield Window
    kiosk.close()  # the generator's finally closes the app, as the kiosk_app fixture's does


def lay_out(root, window, size=(800, 600)):
    """Put `root` on the window at `size`, let Kivy lay it out and render its texts, take it off."""
    from kiosk.headless import frames

    root.size_hint = (None, None)
    root.size = size
    root.pos = (0, 0)
    window.add_widget(root)
    try:
        frames(3)
    finally:
        window.remove_widget(root)
    return root


def dark_box(**kwargs):
    """A BoxLayout with a dark solid background (light text on it is readable)."""
    from kivy.graphics import Color, Rectangle
    from kivy.uix.boxlayout import BoxLayout

    box = BoxLayout(**kwargs)
    with box.canvas.before:
        Color(0.1, 0.1, 0.12, 1)
        rect = Rectangle(pos=box.pos, size=box.size)
    box.bind(pos=lambda *_: setattr(rect, "pos", box.pos), size=lambda *_: setattr(rect, "size", box.size))
    return box


def button(text, **kwargs):
    from kivy.uix.button import Button

    options = {"text": text, "font_size": 24, "background_normal": "", "background_color": (0.05, 0.3, 0.65, 1),
               "color": (1, 1, 1, 1), "size_hint_y": None, "height": 100}
    options.update(kwargs)
    return Button(**options)


def label(text, **kwargs):
    from kivy.uix.label import Label

    options = {"text": text, "font_size": 24, "color": (1, 1, 1, 1)}
    options.update(kwargs)
    return Label(**options)


def kinds(findings):
    return sorted(f["kind"] for f in findings)


def test_a_clean_tree_gives_no_findings(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box(orientation="vertical", padding=20, spacing=20)
    root.add_widget(label("Please place your ID card on the reader", text_size=(760, None)))
    row = dark_box(size_hint_y=None, height=100, spacing=100)
    row.add_widget(button("Back"))
    row.add_widget(button("Next"))
    root.add_widget(row)
    lay_out(root, window)
    assert audit_tree(root, 1.0) == []


def test_text_taller_than_its_label_is_clipped(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box(orientation="vertical")
    long = "Please scan the code with your phone to pay 15.00 yuan " * 3
    text = label(long, size_hint_y=None, height=40)
    text.bind(width=lambda w, value: setattr(w, "text_size", (value, None)))
    root.add_widget(text)
    lay_out(root, window, (400, 600))
    found = [f for f in audit_tree(root, 1.0) if f["kind"] == "clipped"]
    assert len(found) == 1
    assert found[0]["numbers"]["text_height_px"] > found[0]["numbers"]["box_height_px"] == 40


def test_a_shortened_hall_name_is_found_and_a_short_one_is_not(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box()
    cut = label("Exit-Entry Administration Self-Service Hall of Changsha", shorten=True,
                shorten_from="right")
    cut.bind(size=lambda w, value: setattr(w, "text_size", value))
    fits = label("Hall", shorten=True)
    fits.bind(size=lambda w, value: setattr(w, "text_size", value))
    root.add_widget(cut)
    root.add_widget(fits)
    lay_out(root, window, (600, 100))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["shortened"]
    assert found[0]["text"].startswith("Exit-Entry")


def test_a_word_wider_than_its_button_is_split(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box(padding=0)
    narrow = button("Simulate", font_size=48, size_hint_x=None, width=120, height=120, text_size=(120, None))
    root.add_widget(narrow)
    lay_out(root, window, (400, 200))
    assert "word_split" in kinds(audit_tree(root, 1.0))


def test_a_button_label_on_two_lines_is_found(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box()
    two_lines = button("Settle another", font_size=40, size_hint_x=None, width=220, height=140,
                       text_size=(220, None))
    root.add_widget(two_lines)
    lay_out(root, window, (400, 200))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["button_wraps"]
    assert found[0]["numbers"]["lines"] == 2


def test_two_texts_drawn_over_each_other_overlap(window):
    from kivy.uix.floatlayout import FloatLayout

    from kiosk.ui.audit import audit_tree

    root = FloatLayout()
    with root.canvas.before:
        from kivy.graphics import Color, Rectangle
        Color(0, 0, 0, 1)
        Rectangle(pos=(0, 0), size=(800, 600))
    root.add_widget(label("Amount due: 15.00", size_hint=(None, None), size=(400, 60), pos=(100, 300)))
    root.add_widget(label("Please scan the code", size_hint=(None, None), size=(400, 60), pos=(100, 320)))
    root.add_widget(label("Far away", size_hint=(None, None), size=(200, 60), pos=(500, 50)))
    lay_out(root, window)
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["overlap"]
    assert {found[0]["text"], found[0]["other_text"]} == {"Amount due: 15.00", "Please scan the code"}


def test_a_button_past_the_screen_edge_is_off_screen(window):
    from kivy.uix.floatlayout import FloatLayout

    from kiosk.ui.audit import audit_tree

    root = dark_box()
    holder = FloatLayout()
    holder.add_widget(button("Done", size_hint=(None, None), size=(300, 100), pos=(450, 50)))
    root.add_widget(holder)
    lay_out(root, window, (600, 200))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["off_screen"]
    assert found[0]["numbers"]["past_edge_px"] == 150


def test_a_small_button_is_a_small_target_in_design_pixels(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box(spacing=100)
    root.add_widget(button("A", size_hint=(None, None), size=(200, 60)))
    root.add_widget(button("B", size_hint=(None, None), size=(200, 100)))
    lay_out(root, window, (600, 200))
    # at half scale, 60 window px are 120 design px: no finding
    assert audit_tree(root, 0.5) == []
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["small_target"]
    assert found[0]["text"] == "A" and found[0]["numbers"]["height_px"] == 60


def test_text_without_contrast_is_found_and_the_ratio_given(window):
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.audit import audit_tree
    from kiosk.ui.theme import hex_rgba

    root = dark_box()
    # white on the project's old page grey (about 1.08:1), like the Cancel button of issue 14
    root.add_widget(button("Cancel", background_color=hex_rgba("#F4F6F8")))
    inner = BoxLayout()  # no fill of its own: the dark box shows through
    inner.add_widget(label("Readable"))
    root.add_widget(inner)
    root.add_widget(label("Grey on dark", color=hex_rgba("#333333")))
    lay_out(root, window, (600, 200))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["low_contrast", "low_contrast"]
    by_text = {f["text"]: f["numbers"]["ratio"] for f in found}
    assert by_text["Cancel"] == pytest.approx(1.08, abs=0.02)
    assert by_text["Grey on dark"] < 2


def test_hidden_widgets_are_not_judged(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box()
    root.add_widget(button("tiny", size_hint=(None, None), size=(20, 20), opacity=0))
    root.add_widget(button("none", size_hint=(None, None), size=(0, 100)))
    lay_out(root, window, (400, 200))
    assert audit_tree(root, 1.0) == []


def test_personal_numbers_are_masked_in_findings(window):
    from kiosk.ui.audit import audit_tree

    root = dark_box()
    root.add_widget(label("ID 110101199003078515", color=(0.15, 0.15, 0.15, 1)))
    lay_out(root, window, (600, 100))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["low_contrast"]
    assert "110101199003078515" not in found[0]["text"]


def scrolled_rows(view_height, marked):
    """Five 100 px rows in a scroll view `view_height` tall, at its top; rows `marked` must show."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.scrollview import ScrollView

    root = dark_box(orientation="vertical")
    scroller = ScrollView(do_scroll_x=False, size_hint_y=None, height=view_height)
    rows = BoxLayout(orientation="vertical", size_hint_y=None, height=500)
    for n in range(5):
        row = dark_box(size_hint_y=None, height=100)
        row.add_widget(label(f"Row {n}"))
        row.must_show = n in marked
        rows.add_widget(row)
    scroller.add_widget(rows)
    root.add_widget(scroller)
    root.add_widget(BoxLayout())
    return root


def test_a_fee_row_under_the_scroll_fold_is_below_the_fold(window):
    from kiosk.ui.audit import audit_tree

    root = lay_out(scrolled_rows(250, {0, 4}), window, (600, 600))
    found = audit_tree(root, 1.0)
    assert kinds(found) == ["below_fold"]  # row 0 is in sight; row 4 is 200 px under the fold
    assert found[0]["numbers"]["hidden_px"] == pytest.approx(100, abs=1)


def test_fee_rows_in_sight_give_no_finding(window):
    from kiosk.ui.audit import audit_tree

    root = lay_out(scrolled_rows(500, {0, 4}), window, (600, 600))
    assert audit_tree(root, 1.0) == []
