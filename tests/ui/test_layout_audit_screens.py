"""`screenshots --audit` on the home screen, the endorsement service (its offer, review and
payment screens among them) and the traffic fines, both languages, portrait, normal and large
text: the defects of issue 14 fixed so far stay fixed. (The audit's checks: test_layout_audit.py.)

Asserted here, as the issue names them: the hall name is never cut ("出入境自…"/"Exit-Entr…"),
nothing in the top bar is clipped, split mid-word ("Simulat/e") or wrapped; the payment
instruction does not run onto the amount; no bottom-bar action wraps ("Settle another").
Other findings the audit still reports are not asserted (they are the next fixes: the home
tiles, nine services now, do not hold their texts in large text)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT

SIZE = "1080x1920"


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "screenshots", "-o", str(out), "--audit",
         "--size", SIZE, "--scale", "0.5", "--lang", "zh_CN,en", "--only-flow", "endorsement,traffic_fines",
         "--modes", "normal,large"],
        capture_output=True, text=True, timeout=900, cwd=PROJECT_ROOT, check=False)
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return result, report, out / SIZE


@pytest.fixture(scope="module")
def landscape_home(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit-landscape")
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "screenshots", "-o", str(out), "--audit",
         "--size", "1920x1080", "--scale", "0.5", "--lang", "zh_CN,en", "--only-flow", "home"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT, check=False)
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


def screens_of(findings, kind=None):
    return sorted({(f["lang"], f["mode"], f["screen"], f["widget"].split(" > ")[-1], f["text"])
                   for f in findings if kind is None or f["kind"] == kind})


def test_every_screen_was_audited_in_both_languages_and_modes(audit):
    result, report, pictures = audit
    assert report["missing"] == []
    for folder in ("zh_CN", "en", "zh_CN-large", "en-large"):
        names = {p.stem for p in (pictures / folder).glob("*.png")}
        assert "00-home" in names
        for state in ("offer", "review", "paying"):
            assert any(n.startswith("endorsement-") and n.endswith(state) for n in names), (folder, sorted(names))
    # the exit status says whether anything was found
    assert result.returncode == (1 if report["findings"] else 0), result.stderr[-2000:]
    for finding in report["findings"]:
        assert {"screen", "lang", "size", "mode", "kind", "widget", "text", "numbers"} <= finding.keys()


def test_the_hall_name_is_never_cut_and_the_top_bar_fits(audit):
    _, report, _ = audit
    assert screens_of(report["findings"], "shortened") == []
    top_bar = [f for f in report["findings"] if "TopBar" in f["widget"] or "TopBar" in f.get("other", "")]
    assert screens_of(top_bar) == []


def test_the_top_bar_fits_in_landscape_in_every_mode(landscape_home):
    assert landscape_home["missing"] == []
    top_bar = [f for f in landscape_home["findings"] if "TopBar" in f["widget"] or "TopBar" in f.get("other", "")]
    assert screens_of(top_bar) == []


def test_the_payment_instruction_does_not_run_onto_the_amount(audit):
    _, report, _ = audit
    paying = [f for f in report["findings"] if f["screen"].endswith("paying") and f["kind"] in ("overlap", "clipped")]
    assert screens_of(paying) == []


def test_no_bottom_bar_action_wraps_or_leaves_the_screen(audit):
    _, report, _ = audit
    actions = [f for f in report["findings"] if f["widget"].endswith("FlowActionButton")
               and f["kind"] in ("button_wraps", "word_split", "off_screen")]
    assert screens_of(actions) == []



def fingerprint_view():
    from flows.acceptance import AcceptanceFlow, AcceptState
    from flows.engine import FlowView

    step, key = AcceptanceFlow.VIEWS[AcceptState.FINGERPRINT]
    return FlowView(AcceptanceFlow.name, "fingerprint", key, step, AcceptanceFlow.STEPS, ("substitute",),
                    {"finger": "RIGHT_INDEX", "phase": "place", "tries_left": 3, "fingers": []}, None, None, False)


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_the_fingerprint_guide_s_long_actions_do_not_wrap_in_english(kiosk_app, frames, mode):
    """Portrait, English: the two substitute-finger actions wrapped inside their buttons side by
    side (65 button_wraps); when they cannot share the width on one line each (large text),
    each gets a row of its own."""
    from kiosk.ui.audit import audit_tree
    from kiosk.ui.presenters import present

    app = kiosk_app
    app.lang, app.large_text = "en", mode == "large"
    model = present(fingerprint_view())
    screen = app.screens.get_screen(model.kind)
    screen.show(model)
    app.screens.current = model.kind
    frames(4)
    actions = list(screen.ids.actions.children)
    assert len(actions) == 2
    if mode == "large":
        assert screen.ids.actions.orientation == "vertical"
    found = [f for f in audit_tree(screen, app.u) if "TopBar" not in f["widget"] + f.get("other", "")]
    assert [f for f in found if f["widget"].endswith("FlowActionButton")] == []
    assert [f for f in found if f["kind"] in ("overlap", "off_screen", "clipped")] == []


def endorsement_review_view():
    from flows.endorsement import EndorsementFlow
    from flows.engine import FlowView

    item = {"destination": "MO", "destination_label": "澳门", "type": "L", "type_label": "团队旅游",
            "trips": "ONCE", "trips_label": "一次", "validity_months": 3, "max_stay_days": 7, "fee": "15.00"}
    data = {"items": [item], "total": "15.00", "holder": {"name_zh": "欧阳秀英", "name_pinyin": "OUYANG XIUYING",
                                                         "permit": "C******78"}}
    state = next(s for s in EndorsementFlow.VIEWS if s.name.lower() == "review")
    step, key = EndorsementFlow.VIEWS[state]
    return FlowView(EndorsementFlow.name, "review", key, step, EndorsementFlow.STEPS,
                    ("pay", "change", "add_destination"), data, None, None, False)


def test_the_endorsement_review_keeps_its_money_rows_out_of_the_scroll(kiosk_app, frames):
    """The fee, the total and "other place" are drawn apart from the scrolled details and marked
    for the audit's below_fold check (in landscape they were under the fold)."""
    from kiosk.ui.audit import audit_tree
    from kiosk.ui.presenters import present

    app = kiosk_app
    app.lang, app.large_text = "en", True
    model = present(endorsement_review_view())
    screen = app.screens.get_screen(model.kind)
    screen.show(model)
    app.screens.current = model.kind
    frames(4)
    pinned = [(row.label, row.value) for row in reversed(screen.body.ids.fees.children)]
    assert [label for label, _ in pinned] == ["Fee", "Total", "Other place"]
    assert all(row.must_show for row in screen.body.ids.fees.children)
    details = [row.label for row in reversed(screen.body.ids.rows.children)]
    assert "Fee" not in details and "Destination" in details
    assert [f for f in audit_tree(screen, app.u) if f["kind"] == "below_fold"] == []


@pytest.fixture(scope="module")
def landscape_screens(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit-landscape-screens")
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "screenshots", "-o", str(out), "--audit",
         "--size", "1920x1080", "--scale", "0.5", "--lang", "en", "--only-flow", "endorsement,fine_appeal,id_photo",
         "--modes", "normal,large"],
        capture_output=True, text=True, timeout=900, cwd=PROJECT_ROOT, check=False)
    return json.loads((out / "audit.json").read_text(encoding="utf-8")), out / "1920x1080"


def test_landscape_screens_keep_their_rows_in_view(landscape_screens):
    """Landscape, English, normal and large text: the fine appeal's seven rows no longer run up
    over the instruction (they stand beside the reasons), the photo review's "Photo" is not
    split ("Pho/to"), and the endorsement review shows its fee, total and "other place" rows
    without scrolling (below_fold). (The top bar has its own test above.)"""
    report, pictures = landscape_screens
    assert report["missing"] == []
    names = {p.stem for p in (pictures / "en-large").glob("*.png")}
    for wanted in ("fine_appeal-", "id_photo-", "endorsement-"):
        assert any(n.startswith(wanted) for n in names), sorted(names)
    for screen in ("endorsement-06-review", "fine_appeal-04-appeal", "id_photo-05-review"):
        assert screen in names, sorted(names)
    # layout findings only: a scenario the loaded machine did not finish (scenario_stopped:
    # a permit card eject timing out, "card_stuck") is the run's, not the screens' (the
    # pictures this test judges are asserted above)
    own = [f for f in report["findings"] if "TopBar" not in f["widget"] + f.get("other", "")
           and f["kind"] != "scenario_stopped"]
    assert screens_of(own) == []


def test_a_wide_review_gives_its_money_rows_room_after_a_tall_one(kiosk_app, frames):
    """A wide review with money rows after one without (the acceptance's application review,
    then its fees page): the filler below the rows of the tall layout kept its width and the
    money column was squeezed to nothing ("T/o/t/a/l" one letter a line)."""
    from kivy.core.window import Window
    from kivy.factory import Factory

    from kiosk.ui.model import Row, ScreenModel, Text
    from kiosk.ui.presenters import endorsement
    from kiosk.ui.screens.device_action import fill_rows

    app = kiosk_app
    body = Factory.ReviewBody(size_hint=(None, None), size=(1840 * app.u, 420 * app.u))
    Window.add_widget(body)
    try:
        details = ScreenModel("review", Text("k"), rows=tuple(Row(Text("screen.endorsement.destination"),
                                                                 Text(literal="Macau")) for _ in range(3)))
        fill_rows(body.ids.rows, details, "en")
        frames(3)
        assert body.orientation == "horizontal" or not body.ids.fees.children
        fill_rows(body.ids.fees, ScreenModel("review", Text("k"), rows=(Row(Text(endorsement.MSG_TOTAL),
                                                                            Text(literal="¥15.00")),)), "en")
        frames(3)
        assert body.orientation == "horizontal"
        assert body.ids.fees.width > body.width * 0.3
        assert body.ids.scroller.width > body.width * 0.4
    finally:
        Window.remove_widget(body)


def test_the_screenshot_driver_keeps_the_idle_rule_from_acting(kiosk_app, tmp_path):
    """A service the loaded machine took long over had the idle warning drawn over its pictures,
    then its session wiped under its scenario ("compare_face before the card was verified"): the
    driver is the citizen at the kiosk, so each picture and each wait counts as presence."""
    from types import SimpleNamespace

    from kiosk.idle import IdlePhase, IdleTimer
    from kiosk.screenshots import Shooter

    app = kiosk_app
    now = [1000.0]
    real_idle = app.idle
    app.idle = IdleTimer(90, 30, now=lambda: now[0])
    try:
        shooter = Shooter(SimpleNamespace(app=app), tmp_path)
        now[0] += 100  # the scenario worked on for 100 s without a touch on the screen
        assert app.idle.poll().phase is IdlePhase.WARNING
        shooter.present()
        assert app.idle.poll().phase is IdlePhase.ACTIVE
    finally:
        app.idle = real_idle
