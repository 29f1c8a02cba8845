"""Text-message notices (issue 20): the citizen's consent and the subscription, one small piece for
any flow that asks for a mobile number (the acceptance's and the form's details pages, a booking).

The tick is off by default and nothing is asked of the back end without it. With it, once the
application (or appointment) has its number, `subscribe` asks the back end (SubscribeNotices) to
text the number at the milestones: accepted, ready for collection, posted with the tracking
number, or the appointment's reminder. The reference back end records each message and sends
none. A back end that cannot be reached only loses the texts: the service itself is done, and
the screen says to ask at a counter (no retry: the citizen may give the number again there).

How a flow plugs it in: keep a `NoticeConsent` in the flow; accept the touches
`notices_consent` (toggle) and `notices_mobile` (the typed number; `prefill` with the form's
mobile when there is one); put `consent.view_data()` under the view's "notices"; after the
application is filed call `subscribe(ctx, consent, id_number, application_number=...)` and show
its `view_data()`. kiosk/ui/presenters/notices.py draws the tick and the number field.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from backend_client import errors as backend_errors
from backend_client.client import new_request_id
from backend_client.models import NoticeMilestone
from core.i18n import N_
from core.privacy import mask_phone
from flows.context import FlowContext

log = logging.getLogger(__name__)

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # the contract's MobilePhone
MSG_CONSENT = N_("notices.consent")
MSG_MOBILE = N_("notices.mobile")
MSG_BAD_MOBILE = N_("notices.bad_mobile")
MSG_SUBSCRIBED = N_("notices.subscribed")
MSG_NOT_SUBSCRIBED = N_("notices.not_subscribed")


@dataclass
class NoticeConsent:
    """The tick (off by default) and the number to text."""

    ticked: bool = False
    mobile: str = ""

    def toggle(self) -> None:
        self.ticked = not self.ticked

    def prefill(self, mobile: str) -> None:
        """The number the form already has, unless the citizen typed one here."""
        if not self.mobile and MOBILE.fullmatch(mobile or ""):
            self.mobile = mobile

    def set_mobile(self, text: Any) -> str | None:
        """Keep the typed number; the message key of what is wrong with it, or None."""
        number = re.sub(r"[\s-]", "", str(text or ""))
        if not MOBILE.fullmatch(number):
            return MSG_BAD_MOBILE
        self.mobile = number
        return None

    @property
    def ready(self) -> bool:
        """Ticked with a usable number: the subscription may be asked for."""
        return self.ticked and MOBILE.fullmatch(self.mobile) is not None

    def view_data(self) -> dict[str, Any]:
        return {"ticked": self.ticked, "mobile": self.mobile, "label_key": MSG_CONSENT, "mobile_key": MSG_MOBILE}


@dataclass(frozen=True)
class NoticeOutcome:
    """What became of the consent: not asked (no tick), subscribed, or not (the back end's words)."""

    asked: bool
    subscribed: bool = False
    masked_mobile: str = ""
    milestones: tuple[NoticeMilestone, ...] = ()
    error_key: str | None = None

    def view_data(self) -> dict[str, Any]:
        if not self.asked:
            return {}
        return {"subscribed": self.subscribed, "masked_mobile": self.masked_mobile,
                "milestones": [m.value for m in self.milestones],
                "message_key": MSG_SUBSCRIBED if self.subscribed else MSG_NOT_SUBSCRIBED,
                "error_key": self.error_key}


def subscribe(ctx: FlowContext, consent: NoticeConsent, id_number: str, application_number: str | None = None,
              appointment_code: str | None = None) -> NoticeOutcome:
    """Ask the back end for the texts when the citizen ticked the consent; nothing otherwise."""
    if not consent.ready:
        return NoticeOutcome(asked=False)
    try:
        made = ctx.backend.subscribe_notices(id_number, consent.mobile, new_request_id(),
                                             application_number=application_number,
                                             appointment_code=appointment_code)
    except backend_errors.BackendError as error:
        log.warning("text-message notices for %s not set up: %s", mask_phone(consent.mobile), error.message_key)
        return NoticeOutcome(asked=True, masked_mobile=mask_phone(consent.mobile), error_key=error.message_key)
    log.info("text-message notices %s for %s", made.subscription_number, made.masked_mobile)
    return NoticeOutcome(asked=True, subscribed=True, masked_mobile=made.masked_mobile, milestones=made.milestones)
