"""Three services clicked through in the kiosk's real X window (issue 14, item 8).

`python main.py` runs on an Xvfb screen of its own (conftest.py): every touch is an xdotool
click at the centre of the widget a citizen would touch, found in the kiosk's touch map by what
the flow calls it (a service, a tile's value, a button's action), never by pixel; cards and
payment go through the kiosk's own simulation panel, clicked the same way. Each service must
reach its done screen; a screenshot of the real screen is kept at every step.

Demo data (backend/seed.py): long_term_id's permit C12345678 holds an earlier Macau
endorsement, offered again as "the same as last time"; local_adult's WF-DEMO-0001 is a
camera-recorded 100-yuan case accepted and paid at the kiosk.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.realwindow.conftest import START_SECONDS, STEP_SECONDS

pytestmark = [pytest.mark.ui, pytest.mark.realwindow, pytest.mark.slow]

# Writing the chip and printing the receipt on a loaded machine.
WRITE_SECONDS = 60.0
# The live preview guides, holds still for a second, then counts down three.
CAPTURE_SECONDS = 60.0

REMOVE_ID_CARD = "取走身份证 remove ID card"
PAY = "手机支付 pay"


def showing(glass, state: str, kind: str, seconds: float = STEP_SECONDS) -> dict[str, Any]:
    """Wait until the flow is in `state` and its screen of `kind` is on the glass."""
    current = glass.wait(lambda m: m if (m["flow"]["state"] == state and m["flow"]["kind"] == kind
                                          and m["screen"] == kind and m["flow"]["drawn"]
                                          and m["layer"] == "screen") else None,
                         f"{state!r} on the {kind} screen", seconds)
    glass.screenshot(f"{current['flow']['service']}-{state}")
    return current


def start(glass, service: str) -> None:
    glass.wait(lambda m: m["screen"] == "home" and m["flow"]["service"] is None, "the home screen")
    # Devices and back end start after the first frame: a tile is greyed until its service can run.
    glass.touch(f"the {service} tile", service=service, unavailable="", seconds=START_SECONDS)
    # What to bring and how long it takes (kiosk/ui/prepare.py), then Start.
    shown = glass.wait(lambda m: m if m["screen"] == "prepare" else None, f"what to bring for {service}")
    assert shown["screen_service"] == service, f"the touch meant for {service} started {shown['screen_service']}"
    glass.screenshot(f"{service}-prepare")
    glass.touch("Start", id="start")
    glass.wait(lambda m: m["flow"]["service"] == service, f"{service} to start")


def finish_and_skip_evaluation(glass) -> None:
    """The done screen's Finish, then the evaluation step (好差评) skipped with its one touch."""
    glass.touch("Finish", action="__finish__")
    glass.wait(lambda m: m["screen"] == "choice" and any(w.get("action") == "skip" for w in m["touchables"]),
               "the evaluation step")  # (it times out by itself: no picture before its one touch)
    glass.touch("Skip the evaluation", action="skip")
    glass.wait(lambda m: m["screen"] == "home" and m["flow"]["service"] is None, "the home screen after the service")


def test_repeat_endorsement_paid(glass) -> None:
    start(glass, "endorsement")
    showing(glass, "id_card", "device_action")
    glass.simulate("(long_term_id)")
    showing(glass, "insert_permit", "device_action")
    # The citizen takes the ID card back once it is read (the result screen's countdown is short).
    glass.simulate("permit C12345678", REMOVE_ID_CARD)

    showing(glass, "offer", "choice")
    glass.touch("'the same as last time'", action="same")
    showing(glass, "review", "review")
    glass.touch("Pay", action="pay")
    showing(glass, "paying", "payment")
    glass.simulate(PAY)

    done = showing(glass, "done", "result", WRITE_SECONDS)
    assert "办理完成，请取回证件和凭条" in done["texts"]
    assert any(text.startswith("QZ-") for text in done["texts"]), "the endorsement number is shown"
    # (the simulated citizen takes the permit card as soon as it is out)
    finish_and_skip_evaluation(glass)


def test_traffic_fine_paid(glass) -> None:
    start(glass, "traffic_fines")
    showing(glass, "id_card", "device_action")
    glass.simulate("(local_adult)")

    showing(glass, "list", "choice")
    glass.simulate(REMOVE_ID_CARD)
    glass.touch("the case WF-DEMO-0001", value="WF-DEMO-0001")
    showing(glass, "detail", "review")
    glass.touch("Accept and pay", action="accept")
    showing(glass, "paying", "payment")
    glass.simulate(PAY)

    showing(glass, "settled", "result", WRITE_SECONDS)
    glass.touch("Finish", action="finish")
    done = showing(glass, "done", "result")
    assert "办理完成，谢谢" in done["texts"] and "WF-DEMO-0001" in done["texts"], done["texts"]
    finish_and_skip_evaluation(glass)


def test_id_photo(glass) -> None:
    start(glass, "id_photo")
    showing(glass, "card", "device_action")
    glass.simulate("(local_adult)")

    # The live preview guides and captures by itself (often while the panel is still closing).
    showing(glass, "review", "camera", CAPTURE_SECONDS)
    glass.simulate(REMOVE_ID_CARD)
    glass.touch("Use this photo", action="accept")
    done = showing(glass, "done", "result")
    assert done["flow"]["service"] == "id_photo"
    finish_and_skip_evaluation(glass)
