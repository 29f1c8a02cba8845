"""The short name of each numbered step of each service, for the step bar (issue 14: where am
I, by name, not only 'step 3 of 5'). Plain Python: message keys only.

Keyed by service id (flows/registry.py); a service's tuple has one name per step of its flow
(`Flow.STEPS`), checked by tests/ui/test_step_names.py, which fails when a service is added
without its names or a flow's step count changes without them.
"""

from __future__ import annotations

from core.i18n import N_

_IDENTITY = N_("step.identity")
_PAY = N_("step.pay")
_RECEIPT = N_("step.receipt")
_PERMIT = N_("step.permit")
_FORM = (_IDENTITY, N_("step.documents"), N_("step.details"), N_("step.delivery"), N_("step.review"))

STEP_NAMES: dict[str, tuple[str, ...]] = {
    "application_form": (*_FORM, _RECEIPT),
    "id_photo": (_IDENTITY, N_("step.photo"), N_("step.check_photo"), N_("step.upload")),
    "endorsement": (_IDENTITY, _PERMIT, N_("step.choose"), _PAY, N_("step.write_card")),
    "traffic_fines": (_IDENTITY, N_("step.records"), N_("step.confirm"), _PAY, _RECEIPT),
    "fine_appeal": (_IDENTITY, N_("step.records"), N_("step.reason"), N_("step.confirm"), _RECEIPT),
    "progress": (_IDENTITY, N_("step.number"), N_("step.progress")),
    "appointment": (N_("step.scan_code"), _RECEIPT),
    "endorsement_enquiry": (_IDENTITY, _PERMIT, N_("step.endorsements")),
    "acceptance": (*_FORM, N_("step.photo"), N_("step.fingerprints"), N_("step.signature"), _PAY),
    "collection": (_IDENTITY, N_("step.sign"), N_("step.collect")),
    "appointment_booking": (_IDENTITY, N_("step.service"), N_("step.time"), N_("step.mobile"), _RECEIPT),
    "queue_ticket": (N_("step.service"), N_("step.group"), N_("step.ticket")),
    "urgent": (N_("step.information"), _IDENTITY, N_("step.request"), _RECEIPT),
}


def step_names(service_id: str) -> tuple[str, ...]:
    """The names of `service_id`'s steps, in order; () for a service without them."""
    return STEP_NAMES.get(service_id, ())
