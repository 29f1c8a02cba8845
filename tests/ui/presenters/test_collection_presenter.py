"""The self-service collection's screens as data: every state has its screen, the list is one
fact per row in both languages, and what was not handed out says where to go."""

from __future__ import annotations

import datetime as dt

from backend_client.models import ApplicationStatus, DocumentType, PendingApplication, ReadyDocument
from flows.collection import (
    MSG_COLLECTED,
    MSG_NOT_TAKEN,
    CollectionFlow,
    CollectionState,
    Handout,
    document_data,
    pending_data,
)
from kiosk.ui.presenters import FINISH, pictures
from kiosk.ui.presenters.collection import _BY_STATE, present

S = CollectionState
HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
LOADED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
PASSPORT = ReadyDocument("E61234501", "E******01", DocumentType.PASSPORT, 1, "AP-DEMO-0101", LOADED, False)
PERMIT = ReadyDocument("C30000006", "C******06", DocumentType.HK_MACAU_PERMIT, 5, "AP-DEMO-0105", LOADED, True)


def test_every_state_has_its_screen():
    assert set(_BY_STATE) | {"card", "face"} == {state.name.lower() for state in CollectionState}


def test_the_list_names_kind_masked_number_and_slot_with_one_button(make_view, rendered):
    data = {"documents": [document_data(Handout(PASSPORT)), document_data(Handout(PERMIT))]}
    model = present(make_view(CollectionFlow, S.READY, data, actions=("collect", "cancel")))
    assert model.kind == "review" and [a.action for a in model.actions] == ["collect"] and model.can_cancel
    text = rendered(model)
    assert text["zh_CN"][1:5] == ["普通护照", "E******01", "存放位置", "1号格口"]
    assert "C******06" in text["en"] and "Slot 5" in text["en"]
    assert "Waiting for a long time: please collect it today" in text["en"]
    assert "E61234501" not in str(text)


def test_what_was_not_handed_out_says_where_to_go(make_view, rendered):
    data = {"documents": [document_data(Handout(PASSPORT, MSG_COLLECTED)), document_data(Handout(PERMIT, MSG_NOT_TAKEN))],
            "receipt_printed": True, "counter_hint": HINT}
    model = present(make_view(CollectionFlow, S.PARTLY, data))
    assert model.kind == "problem" and model.finished and [a.action for a in model.actions] == [FINISH]
    text = rendered(model)["en"]
    assert "Collected" in text and "Not taken in time: kept in the machine" in text and "Please go to counter 3" in text


def test_everything_collected_shows_the_slip_to_take(make_view, rendered):
    data = {"documents": [document_data(Handout(PASSPORT, MSG_COLLECTED))], "receipt_printed": True}
    model = present(make_view(CollectionFlow, S.DONE, data))
    assert model.kind == "result" and model.picture == pictures.TAKE_RECEIPT
    assert "已领取" in rendered(model)["zh_CN"]


def test_nothing_ready_says_what_is_to_come(make_view, rendered):
    posted = PendingApplication("AP-DEMO-0003", ApplicationStatus.POSTED, tracking_number="SF1234567890")
    model = present(make_view(CollectionFlow, S.NOTHING_READY, {"pending": [pending_data(posted)], "counter_hint": HINT}))
    text = rendered(model)["zh_CN"]
    assert "AP-DEMO-0003" in text and any("SF1234567890" in line for line in text)


def test_taking_the_document_shows_the_tray_and_the_document(make_view, rendered):
    current = document_data(Handout(PASSPORT))
    model = present(make_view(CollectionFlow, S.TAKE, {"current": current, "documents": [current]}, deadline=5.0))
    assert model.kind == "device_action" and model.picture == pictures.TAKE_CARD and model.deadline == 5.0
    assert "E******01" in rendered(model)["en"]


def test_signing_is_the_acceptance_services_pad_with_back_and_cancel(make_view, rendered):
    model = present(make_view(CollectionFlow, S.SIGN, {}, actions=("sign", "back", "cancel")))
    assert model.kind == "signature" and model.can_cancel and model.back is not None
    assert rendered(model)["en"][0].startswith("Sign below with your finger")


def test_a_scanned_receipt_is_shown_on_the_card_screen_and_the_list(make_view, rendered):
    receipt = {"application_number": "AP-DEMO-0101", "message_key": "collection.receipt.read"}
    card = rendered(present(make_view(CollectionFlow, S.CARD, {"receipt": receipt}, actions=("someone_else", "cancel"))))
    assert "受理回执" in card["zh_CN"] and "AP-DEMO-0101" in card["zh_CN"]
    assert any(line.startswith("Receipt read. Now place your ID card") for line in card["en"])
    found = {"application_number": "AP-DEMO-0101", "message_key": "collection.receipt.found"}
    listed = rendered(present(make_view(CollectionFlow, S.READY, {
        "receipt": found, "documents": [document_data(Handout(PASSPORT))]}, actions=("collect", "cancel"))))
    assert listed["en"].index("AP-DEMO-0101") < listed["en"].index("E******01")


def test_a_receipt_of_someone_else_says_where_to_collect_for_another_person(make_view, rendered):
    other = {"application_number": "AP-DEMO-0999", "message_key": "collection.receipt.not_yours"}
    model = present(make_view(CollectionFlow, S.READY, {
        "receipt": other, "documents": [document_data(Handout(PASSPORT))], "counter_hint": HINT},
        actions=("collect", "cancel")))
    text = rendered(model)["en"]
    assert any("not for one of your applications" in line for line in text) and "Please go to counter 3" in text
