"""The simulation panel's actions (demos, training, tests), as plain Python over the simulators.

Shown only when at least one device is simulated. Each action does what a citizen or the
hardware would: put a demo person's ID card on the reader, insert a permit card, scan a code,
pull the paper, unplug the camera, take a document from the dispenser's tray (or jam it), insert
or tap a bank card at the card terminal (or one it declines), pay or decline the payment on the "phone".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from backend import seed

log = logging.getLogger(__name__)
# An appointment code the booking service hands out (backend/handlers/booking.py: YY-day-n).
BOOKING_CODE = re.compile(r"\bYY-\d{8}-\d{6}\b")


def _permit_hint(key: str) -> str:
    """' · 通行证 CA1234567': the permit the back end links to this person, to insert next."""
    permit = seed.permit_of(key)
    return f" · 通行证 {permit.number}" if permit else ""


def last_booking_code(printer: Any) -> str:
    """The appointment code on the newest booking slip the simulated printer printed (the QR code's
    payload is printed beside it); ValueError when no slip shows one."""
    for receipt in reversed(printer.receipts):
        found = BOOKING_CODE.search(receipt.text)
        if found:
            return found.group(0)
    raise ValueError("no booking slip printed yet")


@dataclass(frozen=True)
class PanelAction:
    group: str           # "idcard", "permit", "scanner", "printer", "camera", "dispenser", "card_terminal", "fingerprint", "payment"
    label: str           # shown on the button (technical panel: Chinese and English mixed is fine)
    run: Callable[[], None]


class SimulationPanel:
    def __init__(self, simulators: Mapping[str, Any], payment_qr: Callable[[], str | None]) -> None:
        self.simulators = simulators
        self._payment_qr = payment_qr

    @property
    def available(self) -> bool:
        return bool(self.simulators)

    def actions(self) -> list[PanelAction]:
        found: list[PanelAction] = []
        for group, builder in (("idcard", self._idcard), ("permit", self._permit), ("scanner", self._scanner),
                               ("printer", self._printer), ("camera", self._camera),
                               ("dispenser", self._dispenser), ("card_terminal", self._card_terminal),
                               ("fingerprint", self._fingerprint)):
            if group in self.simulators:
                found.extend(builder(self.simulators[group]))
        found.extend(self._payment())
        return found

    def run(self, action: PanelAction) -> str | None:
        """Run an action; return a one-line problem, or None."""
        try:
            action.run()
        except Exception as exc:  # a demo control must never take the kiosk down
            log.warning("simulation panel: %s failed: %s", action.label, exc)
            return f"{action.label}: {exc}"
        log.info("simulation panel: %s", action.label)
        return None

    # ----- per device -----
    def _idcard(self, sim: Any) -> list[PanelAction]:
        from flows.demo_cards import card_for

        people = [PanelAction("idcard", f"{p.name} ({p.key}){_permit_hint(p.key)}",
                              lambda k=p.key: sim.insert_card(card_for(k)))
                  for p in seed.PEOPLE]
        return [*people, PanelAction("idcard", "取走身份证 remove ID card", sim.remove_card)]

    def _permit(self, sim: Any) -> list[PanelAction]:
        # The chip's holder beside the number: the demonstrator inserts the card of the person whose
        # ID card is on the reader (the slot is empty until then: no card passes the step unasked).
        cards = [PanelAction("permit", f"通行证 permit {c.permit_number} {c.name_zh}",
                             lambda n=c.permit_number: sim.insert_card(n)) for c in sim.store.cards()]
        # Issue 14: the simulated citizen takes an ejected card at once unless told to leave it at
        # the slot's opening; "remove" then takes it from there (the kiosk waits for that).
        return [*cards, PanelAction("permit", "取走通行证 remove permit", sim.remove_card),
                PanelAction("permit", "弹出后留在卡口 leave ejected card at the slot",
                            lambda: sim.hold_ejected_cards(True)),
                PanelAction("permit", "弹出后立即取走 take ejected card at once",
                            lambda: sim.hold_ejected_cards(False))]

    def _scanner(self, sim: Any) -> list[PanelAction]:
        codes = [PanelAction("scanner", f"预约码 appointment {a.code}", lambda c=a.code: sim.scan(c))
                 for a in seed.APPOINTMENTS]
        codes += [PanelAction("scanner", f"受理编号 application {a.number}", lambda c=a.number: sim.scan(c))
                  for a in seed.APPLICATIONS]
        if "printer" in self.simulators:  # issue 20: a slip booked at the kiosk, checked in with its QR code
            codes.append(PanelAction("scanner", "扫描最近的预约凭条 scan the last booking slip",
                                     lambda: sim.scan(last_booking_code(self.simulators["printer"]))))
        return codes

    def _printer(self, sim: Any) -> list[PanelAction]:
        from devices.printer.status import PaperLevel

        return [PanelAction("printer", "缺纸 paper out", lambda: sim.set_paper(PaperLevel.OUT)),
                PanelAction("printer", "纸将尽 paper low", lambda: sim.set_paper(PaperLevel.NEAR_END)),
                PanelAction("printer", "装纸 paper in", lambda: sim.set_paper(PaperLevel.PRESENT)),
                PanelAction("printer", "开盖 cover open", lambda: sim.set_cover_open(True)),
                PanelAction("printer", "合盖 cover closed", lambda: sim.set_cover_open(False))]

    def _camera(self, sim: Any) -> list[PanelAction]:
        scenes = [PanelAction("camera", f"画面 scene: {s}", lambda s=s: sim.set_scene(s)) for s in sim.scenes]
        return [*scenes, PanelAction("camera", "拔出摄像头 unplug", sim.unplug),
                PanelAction("camera", "插回摄像头 plug in", sim.plug)]

    def _dispenser(self, sim: Any) -> list[PanelAction]:
        # The citizen at the tray, then the faults a demonstrator or trainer shows
        # (docs/protocols/dispenser.md, "Faults"). Demo stock: devices/dispenser/stock.py DEMO_STOCK.
        return [PanelAction("dispenser", "取走证件 take the document", sim.take_document),
                PanelAction("dispenser", "不取走 leave it", sim.leave_document),
                PanelAction("dispenser", "2秒后取走 take each after 2 s", lambda: sim.take_after(2.0)),
                PanelAction("dispenser", "卡证 jam the picker", sim.jam_picker),
                PanelAction("dispenser", "下次出证卡证 jam the next dispense", sim.jam_next_dispense),
                PanelAction("dispenser", "排除卡证 clear the jam", sim.clear_jam),
                PanelAction("dispenser", "开维护门 door open", lambda: sim.set_door_open(True)),
                PanelAction("dispenser", "关维护门 door closed", lambda: sim.set_door_open(False)),
                PanelAction("dispenser", "出证口有异物 tray blocked", sim.block_tray),
                PanelAction("dispenser", "废证箱满 reject bin full", sim.fill_reject_bin),
                PanelAction("dispenser", "清空废证箱 empty the reject bin", sim.empty_reject_bin),
                PanelAction("dispenser", "出证中断电 power lost mid-dispense", sim.lose_power_during_next_dispense),
                PanelAction("dispenser", "恢复供电 power back", sim.restore_power),
                PanelAction("dispenser", "发证机无应答 module silent", sim.go_silent),
                PanelAction("dispenser", "发证机恢复应答 module answers", lambda: sim.go_silent(False))]

    def _card_terminal(self, sim: Any) -> list[PanelAction]:
        # The citizen at the bank card terminal (demo cards: devices/card_terminal/simulator.py
        # DEMO_CARDS, PIN 123456), then the line faults of docs/protocols/card-terminal.md.
        from devices.card_terminal.simulator import Method

        return [PanelAction("card_terminal", "插银行卡 insert bank card", lambda: sim.present_card("funds")),
                PanelAction("card_terminal", "挥卡 tap bank card", lambda: sim.present_card("funds", method=Method.TAP)),
                PanelAction("card_terminal", "余额不足 card without funds", lambda: sim.present_card("poor")),
                PanelAction("card_terminal", "过期卡 expired card", lambda: sim.present_card("expired")),
                PanelAction("card_terminal", "密码错误 wrong PIN", lambda: sim.present_card("funds", pin="000000")),
                PanelAction("card_terminal", "取走银行卡 take the card", sim.remove_card),
                PanelAction("card_terminal", "批准后断线 lose the line after the next approval",
                            sim.lose_line_after_next_approval),
                PanelAction("card_terminal", "重复应答 answer the next twice", sim.answer_next_twice)]

    def _fingerprint(self, sim: Any) -> list[PanelAction]:
        # The citizen at the fingerprint scanner, then the faults of docs/protocols/fingerprint.md.
        from devices.fingerprint.simulator import Finger

        return [PanelAction("fingerprint", "按手指 place a finger", lambda: sim.place_finger(Finger.GOOD)),
                PanelAction("fingerprint", "手指有污渍 smudged finger", lambda: sim.place_finger(Finger.SMUDGED)),
                PanelAction("fingerprint", "按压太轻 faint finger", lambda: sim.place_finger(Finger.FAINT)),
                PanelAction("fingerprint", "抬起手指 lift the finger", sim.lift_finger),
                PanelAction("fingerprint", "指纹仪无应答 module silent", sim.go_silent),
                PanelAction("fingerprint", "指纹仪恢复应答 module answers", lambda: sim.go_silent(False)),
                PanelAction("fingerprint", "应答乱码 answer garbage", sim.answer_garbage)]

    def _payment(self) -> list[PanelAction]:
        from terminal.simulation import pay_on_phone

        def on_phone(action: str) -> Callable[[], None]:
            def run() -> None:
                qr = self._payment_qr()
                if not qr:
                    raise RuntimeError("no payment is waiting")
                pay_on_phone(qr, action)
            return run
        return [PanelAction("payment", "手机支付 pay", on_phone("pay")),
                PanelAction("payment", "拒绝支付 decline", on_phone("decline"))]
