"""Self-service acceptance on the real screens (issue 12): a started kiosk (embedded reference
back end, simulated devices) takes the citizen through the form's pages, the fingerprint guide
and the signature pad; the pad is signed with synthetic touches and Done sends the strokes to
the flow, which moves on to the fees."""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from terminal.scenarios import FORM_DETAILS
from terminal.scenarios_acceptance import earlier_photo

pytestmark = pytest.mark.ui
CITIZEN = "minority_name"


class Finger:
    """A synthetic touch on the pad: position, an id, grabbing (as Kivy hands touches over)."""

    def __init__(self, x: float, y: float) -> None:
        self.uid, self.x, self.y, self.grab_current = id(self), x, y, None

    @property
    def pos(self) -> tuple[float, float]:
        return self.x, self.y

    def grab(self, widget) -> None:
        self.grab_current = widget

    def ungrab(self, widget) -> None:
        self.grab_current = None

    def move(self, widget, x: float, y: float) -> None:
        self.x, self.y = x, y
        widget.on_touch_move(self)


def follow_the_finger_guide(app, simulator, wait_for) -> list[str]:
    """Lay a finger on the simulated glass when the screen says place (or place again), take it
    away when it says lift, until the signature pad comes; the instructions shown, in order."""
    shown: list[str] = []
    on_glass = [False]

    def step() -> bool:
        runner = app.flow_host.runner
        model = app.flow_host.model
        if runner is None or runner.flow.state.name.lower() != "fingerprint":
            return True
        view = runner.flow.view()
        if model is None or model.kind != "device_action" or model.instruction.key != view.message_key:
            return False  # the citizen acts on what the screen says, once it says it
        text = app.screens.get_screen("device_action").instruction
        if not shown or shown[-1] != text:
            shown.append(text)
        phase = view.data.get("phase")
        if phase in ("place", "place_again") and not on_glass[0]:
            simulator.place_finger()
            on_glass[0] = True
        elif phase == "lift" and on_glass[0]:
            simulator.lift_finger()
            on_glass[0] = False
        return False

    try:
        wait_for(step, "both fingers following the guide", app, 90)
    finally:
        simulator.lift_finger()
    return shown


@pytest.fixture()
def app(flow_app):
    yield flow_app
    flow_app.backstage.runtime.simulators["idcard"].remove_card()
    if flow_app.flow_host.active:
        flow_app.end_session("test finished")


def test_fingerprints_then_the_signature_pad_signed_by_touch(app, citizen, start_service, shows, on_screen, tap,
                                                             wait_for):
    from backend import seed
    from backend_client import new_request_id

    runtime = app.backstage.runtime
    receipt = runtime.backend.upload_photo(seed.person(CITIZEN).id_number, earlier_photo(), new_request_id())
    citizen.language(app, "zh_CN")
    start_service(app, "acceptance")
    on_screen(app, "card", "device_action")
    runtime.simulators["idcard"].insert_card(card_for(CITIZEN))
    on_screen(app, "documents", "choice")
    host = app.flow_host
    for action, value in (("toggle_document", "taiwan_permit"), ("next", None), ("reason", ("taiwan_permit", "first")),
                          *(("field", item) for item in FORM_DETAILS), ("occupation", "employee"),
                          ("relationship", "parent"), ("next", None), ("delivery", "collect")):
        host.touch(action, value)
    on_screen(app, "review", "review")
    host.touch("submit", None)
    on_screen(app, "photo", "device_action")
    host.touch("photo_receipt", receipt.receipt_number)
    spoken: list[str] = []
    app.speak = spoken.append  # the voice prompts: each new instruction is spoken (kiosk/ui/flow_host.py)
    try:
        host.touch("next", None)
        screen = shows(app, "fingerprint", "device_action")
        assert "右手食指" in citizen.reads(screen)
        instructions = follow_the_finger_guide(app, runtime.simulators["fingerprint"], wait_for)
    finally:
        del app.speak  # the App's own method again
    guide = ["请将手指平放在指纹仪上，保持不动", "请抬起手指", "请再次放上同一根手指"]
    assert instructions[:3] == guide
    assert [text for text in spoken if text in guide][:3] == guide
    screen = shows(app, "signature", "signature", seconds=60)

    pad = screen.body.ids.pad
    assert pad.width > 300 and pad.height > 100
    for stroke in (((0.1, 0.8), (0.3, 0.2), (0.5, 0.8), (0.7, 0.2)), ((0.72, 0.5), (0.95, 0.55))):
        points = [(pad.x + fx * pad.width, pad.y + fy * pad.height) for fx, fy in stroke]
        finger = Finger(*points[0])
        pad.on_touch_down(finger)
        for x, y in points[1:]:
            finger.move(pad, x, y)
        pad.on_touch_up(finger)
    assert pad.drawn_lines == 2
    assert screen.body.ids.done_button.text == "完成签名"
    tap(screen.body.ids.done_button)

    screen = shows(app, "fees", "review")
    texts = citizen.reads(screen)
    assert {"往来台湾通行证", "合计", "￥60.00"} <= set(texts) and "邮寄费" not in texts  # collected: no postage
