"""Self-test scenarios of the services that take money: endorsement renewal and traffic fines,
and each of them (with acceptance) paid by bank card.

Each plays a citizen of the demo data with zero think time and checks what a hall would:
the flow ends done, the back end's records agree, the receipt came out (and, for the
endorsement, the chip holds the new record).
"""

from __future__ import annotations

from backend import seed
from flows.demo_cards import card_for
from flows.pump import FlowPump, ScenarioFailed
from terminal.simulation import pay_shown_code, receipt_showing

# A repeat renewal: this citizen's permit (in the back end and on the simulated cards, whose
# chip names her as her ID card does) holds an earlier endorsement the back end still offers,
# so the kiosk offers it first.
ENDORSEMENT_CITIZEN = "long_term_id"
ENDORSEMENT_PERMIT = "C12345678"
# A citizen whose permit chip names another holder: refused before payment (issue 22).
OTHER_HOLDER_CITIZEN = "permit_other_holder"
# A pump with camera-recorded fines the kiosk may settle.
FINES_CITIZEN = "local_adult"
# Paid by bank card (issue 21): another citizen and permit than the QR run, whose order the
# back end still offers after it; the simulated terminal's demo card with funds.
CARD_ENDORSEMENT_CITIZEN = "local_adult"
CARD_ENDORSEMENT_PERMIT = "CA1234567"
DEMO_BANK_CARD = "funds"
# Acceptance paid by card: a citizen with no application in progress after the QR run.
CARD_ACCEPTANCE_CITIZEN = "local_adult"
CARD_ACCEPTANCE_DOCUMENT = "taiwan_permit"
# The card terminal's sale: the simulated acquirer answers in 1.5 s; far more on a loaded machine.
CARD_SALE_LIMIT_SECONDS = 30.0


def endorsement(pump: FlowPump) -> None:
    other_holder_refused(pump)
    _endorsement_to_payment(pump, ENDORSEMENT_CITIZEN, ENDORSEMENT_PERMIT)
    view = pay_shown_code(pump)
    if view.state != "done" or view.error_key:
        raise ScenarioFailed(f"endorsement ended in {view.state} ({view.error_key})")
    number = view.data["items"][0]["endorsement_number"]
    _expect_receipt(pump, number)


def endorsement_card(pump: FlowPump) -> None:
    """The endorsement paid by bank card: the card beside the code, the sale on the terminal,
    the chip written, the receipt with the masked card number."""
    _endorsement_to_payment(pump, CARD_ENDORSEMENT_CITIZEN, CARD_ENDORSEMENT_PERMIT)
    view = _pay_by_card(pump)
    if not view.finished:
        view = pump.tick_until(lambda v: v.finished, "the endorsement to be written", CARD_SALE_LIMIT_SECONDS)
    if view.state != "done" or view.error_key:
        raise ScenarioFailed(f"endorsement paid by card ended in {view.state} ({view.error_key})")
    _expect_card_receipt(pump, view.data["transaction"])


def _endorsement_to_payment(pump: FlowPump, citizen: str, permit: str) -> None:
    from flows.endorsement import EndorsementFlow

    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(citizen))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(permit)
    view = pump.tick_until(lambda v: v.state not in ("insert_permit",), "the permit to be read")
    if view.state == "offer":
        pump.touch("same")
    else:
        choose_first_offered(pump)
    pump.touch("pay")
    pump.expect("paying")


def _pay_by_card(pump: FlowPump):
    """The citizen chooses the card and presents it; the view once the sale has an outcome."""
    if "pay_card" not in pump.view.actions:
        raise ScenarioFailed("the payment step does not offer the bank card")
    pump.simulators["card_terminal"].present_card(DEMO_BANK_CARD)
    view = pump.touch("pay_card")
    if view.data.get("method") != "card":
        raise ScenarioFailed(f"choosing the card left the screen at {view.data.get('method')}")
    view = pump.tick_until(lambda v: v.state != "paying" or v.finished, "the card sale", CARD_SALE_LIMIT_SECONDS)
    pump.simulators["card_terminal"].remove_card()
    return view


def _expect_card_receipt(pump: FlowPump, txn_id: str) -> None:
    """The receipt shows the masked card number and authorisation code the back end recorded."""
    assert pump.ctx is not None
    payment = pump.ctx.backend.get_payment_status(pump.ctx.journal.get(txn_id).payment_id)
    if payment.card is None:
        raise ScenarioFailed(f"payment {payment.payment_id} was not recorded as a card payment")
    receipt = receipt_showing(pump.simulators["printer"], payment.card.auth_code)
    if receipt is None or payment.card.masked_pan not in receipt:
        raise ScenarioFailed("no receipt with the masked card number and authorisation code came out")


def acceptance_card(pump: FlowPump) -> None:
    """Acceptance (issue 12) paid by bank card: another citizen than the QR run, the fees paid on
    the terminal, the application accepted, the receipt with the masked card number."""
    from terminal.scenarios_acceptance import expect_accepted, to_payment

    to_payment(pump, CARD_ACCEPTANCE_CITIZEN, CARD_ACCEPTANCE_DOCUMENT)
    view = _pay_by_card(pump)
    if not view.finished:
        view = pump.tick_until(lambda v: v.finished, "the application to be submitted", CARD_SALE_LIMIT_SECONDS)
    expect_accepted(pump, view, CARD_ACCEPTANCE_CITIZEN)
    _expect_card_receipt(pump, view.data["transaction"])


def other_holder_refused(pump: FlowPump) -> None:
    """A card whose chip names someone else never reaches the payment; then the next citizen."""
    from flows.endorsement import MSG_NOT_HOLDERS_PERMIT, EndorsementFlow

    permit = seed.permit_of(OTHER_HOLDER_CITIZEN)
    assert permit is not None, f"{OTHER_HOLDER_CITIZEN} holds no permit in the demo data"
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(OTHER_HOLDER_CITIZEN))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(permit.number)
    view = pump.tick_until(lambda v: v.state != "insert_permit", "the permit to be read")
    if view.state != "refused" or view.error_key != MSG_NOT_HOLDERS_PERMIT:
        raise ScenarioFailed(f"another holder's permit ended in {view.state} ({view.error_key}), not refused")
    pump.simulators["idcard"].remove_card()
    assert pump.ctx is not None
    pump.ctx.session.wipe("selftest: the next citizen")


def choose_first_offered(pump: FlowPump) -> None:
    """Pick the first value at each level the flow asks about, until the review."""
    view = pump.view
    while view.state.startswith("choose_"):
        view = pump.touch(view.data["level"], view.data["choices"][0])
    pump.expect("review")


def traffic_fines(pump: FlowPump, citizen: str = FINES_CITIZEN) -> None:
    from flows.fines import FinesFlow

    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for(citizen))
    view = pump.tick_until_state("list")
    payable = [v for v in view.data["settleable"] if v["amount_due"] != "0.00"]
    if not payable:
        raise ScenarioFailed("the demo pump has no fine left to pay (reseed the reference back end)")
    violation = payable[0]
    pump.touch("select", violation["number"])
    pump.touch("accept" if violation["handling"] == "ACCEPT_AND_PAY" else "pay")
    pump.expect("paying")
    view = pay_shown_code(pump)
    if view.state != "settled" or view.error_key:
        raise ScenarioFailed(f"fines ended in {view.state} ({view.error_key})")
    pump.touch("finish")
    _expect_receipt(pump, view.data["settled"][-1]["decision_number"])


def traffic_fines_card(pump: FlowPump, citizen: str = FINES_CITIZEN) -> None:
    """A fine paid by bank card, after the QR run settled the first one."""
    from flows.fines import FinesFlow

    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for(citizen))
    view = pump.tick_until_state("list")
    payable = [v for v in view.data["settleable"] if v["amount_due"] != "0.00"]
    if not payable:
        raise ScenarioFailed("the demo pump has no fine left to pay by card (reseed the reference back end)")
    violation = payable[0]
    pump.touch("select", violation["number"])
    pump.touch("accept" if violation["handling"] == "ACCEPT_AND_PAY" else "pay")
    pump.expect("paying")
    view = _pay_by_card(pump)
    if view.state != "settled" or view.error_key:
        raise ScenarioFailed(f"fines paid by card ended in {view.state} ({view.error_key})")
    txn_id = view.data["transaction"]
    pump.touch("finish")
    _expect_card_receipt(pump, txn_id)


def _expect_receipt(pump: FlowPump, text: str) -> None:
    if receipt_showing(pump.simulators["printer"], text) is None:
        raise ScenarioFailed(f"no receipt showing {text} came out of the printer")
