"""Self-test scenario of the endorsement enquiry (flows/endorsement_enquiry.py).

One citizen of the demo data asks what her permit still allows: identity, the permit read,
the holder check passed, the card given back, the valid endorsements listed and printed.

The demo chips' endorsement records date from 2023-2024 (devices/permit/card_store.py), so
the scenario asks on ENQUIRY_DAY, a day inside the Macau endorsement's validity on
C12345678 (2024-02-10 to 2024-05-09): on the real date every demo record has ended, which is
the "all expired" branch the flow tests cover.
"""

from __future__ import annotations

import datetime as dt

from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import RECEIPT_WAIT_SECONDS, identify
from terminal.simulation import printed_since

ENQUIRY_CITIZEN = "long_term_id"
ENQUIRY_PERMIT = "C12345678"
ENQUIRY_DAY = dt.date(2024, 3, 1)
EXPECTED_RECORD = 1002       # Macau, group tour, one trip
EXPECTED_END = "2024-05-09"  # shown on screen and printed on the slip


def endorsement_enquiry(pump: FlowPump) -> None:
    from flows.endorsement_enquiry import EndorsementEnquiryFlow

    pump.start(EndorsementEnquiryFlow, today=ENQUIRY_DAY)
    try:
        identify(pump, ENQUIRY_CITIZEN, "insert_permit")
        printed = len(pump.simulators["printer"].receipts)
        pump.simulators["permit"].insert_card(ENQUIRY_PERMIT)
        view = pump.tick_until(lambda v: v.state != "insert_permit", "the permit to be read")
        if view.state != "list" or view.error_key:
            raise ScenarioFailed(f"enquiry ended in {view.state} ({view.error_key})")
        listed = {item["record_id"]: item for item in view.data["endorsements"]}
        if EXPECTED_RECORD not in listed or listed[EXPECTED_RECORD]["valid_until"] != EXPECTED_END:
            raise ScenarioFailed(f"the valid Macau endorsement is not listed: {sorted(listed)}")
        if not view.data.get("take_card") or pump.simulators["permit"].store.inserted() is not None:
            raise ScenarioFailed("the permit was not given back")
        if printed_since(pump.simulators["printer"], printed, EXPECTED_END, RECEIPT_WAIT_SECONDS) is None:
            raise ScenarioFailed("no slip with the endorsement's end date came out of the printer")
    finally:
        pump.simulators["idcard"].remove_card()
