"""The text-message consent piece (flows/notices.py, issue 20) against the embedded reference back
end over real HTTP: nothing is asked without the tick; with it the back end records the texts
of the milestones already reached (never sent); a refusal sets nothing up."""

from __future__ import annotations

from backend import seed
from flows.notices import NoticeConsent, subscribe


def messages(runtime, subscription_mobile: str):
    db = runtime.link.embedded.server.backend.store.connection()
    return db.execute("SELECT milestone, text FROM notice_messages WHERE mobile = ? ORDER BY id",
                      (subscription_mobile,)).fetchall()


def test_without_the_tick_nothing_is_asked(runtime):
    consent = NoticeConsent(mobile="13600000001")
    outcome = subscribe(runtime.flow_context(), consent, seed.person("long_term_id").id_number,
                        application_number="AP-DEMO-0002")
    assert not outcome.asked and outcome.view_data() == {}
    assert messages(runtime, "13600000001") == []


def test_with_the_tick_the_texts_of_the_milestones_reached_are_recorded(runtime):
    consent = NoticeConsent()
    consent.toggle()
    consent.prefill("13600000002")  # the form's mobile number
    outcome = subscribe(runtime.flow_context(), consent, seed.person("long_term_id").id_number,
                        application_number="AP-DEMO-0002")
    assert outcome.subscribed and outcome.masked_mobile == "136****0002"
    assert [row["milestone"] for row in messages(runtime, "13600000002")] == ["ACCEPTED", "READY_FOR_COLLECTION"]


def test_another_persons_application_sets_nothing_up(runtime):
    consent = NoticeConsent(ticked=True, mobile="13600000003")
    outcome = subscribe(runtime.flow_context(), consent, seed.person("local_adult").id_number,
                        application_number="AP-DEMO-0002")
    assert outcome.asked and not outcome.subscribed and outcome.error_key == "backend.not_found.application"
    assert outcome.view_data()["message_key"] == "notices.not_subscribed"
    assert messages(runtime, "13600000003") == []
