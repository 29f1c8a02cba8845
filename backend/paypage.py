"""The simulated payment provider's page: what a phone shows after scanning the kiosk's QR code.

GET /pay/<paymentId> shows the amount with "Pay" and "Decline" buttons; POST does it. The
payment id in the URL is unguessable, which is all the authentication a simulator needs.
"""

from __future__ import annotations

import html
import urllib.parse
from typing import Any, Callable, Iterable

from backend.faults import NotFound
from backend.handlers import payments
from backend.settings import ServerSettings
from backend.store import Store
from backend.timeutil import HALL_TIMEZONE, parse, utc_now

StartResponse = Callable[..., Any]

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>模拟支付 Simulated payment</title>
<style>
body {{ font-family: sans-serif; max-width: 28em; margin: 2em auto; padding: 0 1em; }}
.amount {{ font-size: 2.5em; margin: .3em 0; }}
button {{ font-size: 1.3em; padding: .6em 1.2em; margin: .3em .3em .3em 0; }}
.note {{ color: #555; font-size: .9em; }}
</style></head><body>
<h1>模拟支付 <small>Simulated payment</small></h1>
<p class="note">出入境自助服务机参考后端的支付模拟器，不会发生真实扣款。<br>
Payment simulator of the kiosk's reference back end: no real money moves.</p>
<p>订单 Order: {order}</p>
<p class="amount">¥ {amount}</p>
<p>状态 Status: <strong>{status}</strong></p>
{body}
</body></html>
"""

_FORM = """<p>请在 {expires} 前支付 Pay before {expires} (UTC+8)</p>
<form method="post"><button name="action" value="pay">支付 Pay</button>
<button name="action" value="decline">拒绝 Decline</button></form>"""


class PayPage:
    def __init__(self, store: Store, settings: ServerSettings) -> None:
        self._store = store
        self._settings = settings

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        payment_id = environ["PATH_INFO"][len(payments.PAY_PAGE_PATH):].strip("/")
        action = self._posted_action(environ) if environ["REQUEST_METHOD"] == "POST" else None
        try:
            row = self._apply(payment_id, action)
        except NotFound:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"no such payment"]
        body = _FORM.format(expires=parse(row["expires_at"]).astimezone(HALL_TIMEZONE).strftime("%H:%M:%S")) \
            if row["status"] == payments.PENDING else ""
        page = _PAGE.format(order=html.escape(row["order_id"]), amount=html.escape(row["amount"]),
                            status=html.escape(row["status"]), body=body)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])
        return [page.encode("utf-8")]

    def _apply(self, payment_id: str, action: str | None) -> Any:
        """Bring the payment up to date, then pay or decline it if it is still pending."""
        now = utc_now()
        with self._store.write() as db:
            row = payments.refresh(db, payments.find_payment(db, payment_id), now, self._settings)
            if row["status"] == payments.PENDING and action == "pay":
                payments.mark_paid(db, payment_id, now)
            elif row["status"] == payments.PENDING and action == "decline":
                payments.mark_declined(db, payment_id)
            return payments.find_payment(db, payment_id)

    @staticmethod
    def _posted_action(environ: dict[str, Any]) -> str | None:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = urllib.parse.parse_qs(environ["wsgi.input"].read(min(length, 1024)).decode("ascii", "replace"))
        return (form.get("action") or [None])[0]
