"""The hall's daily close: one terminal's day from its journal, compared with the back end's record.

Per service: transactions, payments taken (count and yuan), refunds, endorsements written
(card records confirmed on the chip), failures. Then every difference with the back end's
`ListTransactionRecords` for this terminal and hall day (China Standard Time, as the contract
counts days):

- a finished transaction the back end has no record of (its report still in the outbox, or lost);
- a back-end transaction record the journal does not know;
- a record whose service, outcome, amount or payment differs from the journal;
- a payment the back end counts as paid or refunded that the journal does not show the same
  way (and the reverse), and the day's paid and refunded totals;
- transactions still open or needing attention (settle them with `journal reconcile`);
- bank card totals by terminal batch, and with `--settle`, every difference with the card
  terminal's settlement of its open batch (terminal/card_close.py, issue 21).

The journal holds no personal data, so neither does the report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from backend_client import models as mo
from flows.journal import Journal, Phase, Transaction, TxnStatus
from terminal.card_close import CardBatchTally, card_batches, settlement_differences
from terminal.fleet import PAID_STEP, SERVICE_OF_FLOW, outcome_of, report_for, yuan

# The contract's hall day: mainland China has one time zone and no daylight saving.
HALL_TIMEZONE = dt.timezone(dt.timedelta(hours=8), "CST")
REFUND_STEP = "refund"  # flows/endorsement.py REFUND_STEP
CARD_WRITE_PREFIX = "card_write_"  # flows/endorsement.py card_write_step()
UNSETTLED = (TxnStatus.OPEN, TxnStatus.NEEDS_ATTENTION)
ZERO = Decimal("0.00")


@dataclass
class ServiceTally:
    transactions: int = 0
    completed: int = 0
    payments_taken: int = 0
    paid: Decimal = ZERO
    refunds: int = 0
    refunded: Decimal = ZERO
    endorsements_written: int = 0
    failures: int = 0


@dataclass(frozen=True)
class Difference:
    kind: str  # not_reported, unknown_to_journal, mismatch, payment, total, unsettled
    reference: str  # the transaction or payment id
    detail: str


@dataclass
class DailyReport:
    day: dt.date
    terminal_id: str
    services: dict[str, ServiceTally] = field(default_factory=dict)
    backend_services: dict[str, int] = field(default_factory=dict)  # service -> records
    backend_paid: Decimal | None = None
    backend_refunded: Decimal | None = None
    differences: list[Difference] = field(default_factory=list)
    backend_error: str | None = None  # the back end could not be asked: nothing was compared
    card_batches: dict[str, CardBatchTally] = field(default_factory=dict)  # bank card sales by terminal batch

    @property
    def paid(self) -> Decimal:
        return sum((t.paid for t in self.services.values()), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((t.refunded for t in self.services.values()), ZERO)

    @property
    def balanced(self) -> bool:
        return self.backend_error is None and not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "terminal": self.terminal_id, "balanced": self.balanced,
            "services": {name: {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(t).items()}
                         for name, t in self.services.items()},
            "journal_paid": str(self.paid), "journal_refunded": str(self.refunded),
            "backend": None if self.backend_error else {
                "services": self.backend_services, "paid": str(self.backend_paid),
                "refunded": str(self.backend_refunded)},
            "backend_error": self.backend_error,
            "card_batches": {batch: {**asdict(t), "net_fen": t.net_fen} for batch, t in self.card_batches.items()},
            "differences": [asdict(d) for d in self.differences],
        }


def hall_day_of(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, HALL_TIMEZONE).date()


def transactions_of_day(journal: Journal, day: dt.date) -> list[Transaction]:
    """Transactions finished that hall day, and those started that day that are not finished."""
    start = dt.datetime.combine(day, dt.time(0), HALL_TIMEZONE).timestamp()
    candidates = journal.transactions(since=start - 86400, until=start + 86400)
    return [t for t in candidates
            if (t.status in UNSETTLED and hall_day_of(t.created) == day)
            or (t.status not in UNSETTLED and hall_day_of(t.updated) == day)]


def service_name(txn: Transaction) -> str:
    kind = SERVICE_OF_FLOW.get(txn.flow)
    return kind.value if kind is not None else txn.flow


def tally(transactions: list[Transaction]) -> dict[str, ServiceTally]:
    tallies: dict[str, ServiceTally] = {}
    for txn in transactions:
        t = tallies.setdefault(service_name(txn), ServiceTally())
        t.transactions += 1
        t.completed += txn.status is TxnStatus.COMPLETED
        if txn.done(PAID_STEP):
            t.payments_taken += 1
            t.paid += yuan(txn.amount_fen)
        if refunded(txn):
            t.refunds += 1
            t.refunded += yuan(txn.amount_fen)
        t.endorsements_written += sum(1 for s in txn.steps
                                      if s.step.startswith(CARD_WRITE_PREFIX) and s.phase is Phase.AFTER)
        t.failures += txn.status is TxnStatus.NEEDS_ATTENTION or (
            txn.status not in UNSETTLED and outcome_of(txn) is mo.TransactionOutcome.FAILED)
    return dict(sorted(tallies.items()))


def refunded(txn: Transaction) -> bool:
    return txn.status is TxnStatus.REFUNDED or txn.done(REFUND_STEP)


def build_report(journal: Journal, terminal_id: str, day: dt.date,
                 records: mo.TransactionRecords | None, backend_error: str | None = None) -> DailyReport:
    transactions = transactions_of_day(journal, day)
    report = DailyReport(day, terminal_id, tally(transactions), backend_error=backend_error,
                         card_batches=card_batches(transactions))
    report.differences += [Difference("unsettled", t.id, f"{service_name(t)} is {t.status.value}: "
                                      "settle it with `journal reconcile`")
                           for t in transactions if t.status in UNSETTLED]
    if records is None:
        return report
    report.backend_services = dict(sorted(Counter(r.service.value for r in records.transactions).items()))
    report.backend_paid, report.backend_refunded = records.paid_total, records.refunded_total
    report.differences += compare_transactions(transactions, records)
    report.differences += compare_payments(journal, transactions, records)
    report.differences += compare_totals(report)
    return report


def compare_transactions(transactions: list[Transaction], records: mo.TransactionRecords) -> list[Difference]:
    found: list[Difference] = []
    recorded = {r.transaction_id: r for r in records.transactions}
    for txn in transactions:
        expected = report_for(txn)
        if expected is None:
            continue
        record = recorded.pop(txn.id, None)
        if record is None:
            found.append(Difference("not_reported", txn.id, f"{expected.service.value} {expected.outcome.value}: "
                                    "the back end has no record (report still in the outbox?)"))
            continue
        for name in ("service", "outcome", "amount", "payment_id"):
            mine, theirs = getattr(expected, name), getattr(record, name)
            if mine != theirs:
                found.append(Difference("mismatch", txn.id, f"{name}: journal {_text(mine)}, back end {_text(theirs)}"))
    found += [Difference("unknown_to_journal", r.transaction_id,
                         f"back end records {r.service.value} {r.outcome.value}"
                         f"{' ' + str(r.amount) + ' yuan' if r.amount is not None else ''}; not in this journal")
              for r in recorded.values()]
    return found


def compare_payments(journal: Journal, transactions: list[Transaction],
                     records: mo.TransactionRecords) -> list[Difference]:
    """Money: every payment the back end saw paid or refunded against the journal, both ways."""
    found: list[Difference] = []
    by_payment = {t.payment_id: t for t in transactions if t.payment_id}
    for payment in records.payments:
        if payment.status not in (mo.PaymentStatus.PAID, mo.PaymentStatus.REFUNDED):
            continue
        txn = by_payment.pop(payment.payment_id, None) or _find_by_payment(journal, payment.payment_id)
        if txn is None:
            found.append(Difference("payment", payment.payment_id,
                                    f"{payment.status.value} {payment.amount} yuan at the back end; no transaction "
                                    "in this journal"))
            continue
        if not txn.done(PAID_STEP):
            found.append(Difference("payment", payment.payment_id,
                                    f"{payment.status.value} at the back end; the journal never saw it paid ({txn.id})"))
        if (payment.status is mo.PaymentStatus.REFUNDED) != refunded(txn):
            journal_side = "refunded" if refunded(txn) else "kept (not refunded)"
            found.append(Difference("payment", payment.payment_id,
                                    f"{payment.status.value} at the back end; {journal_side} in the journal ({txn.id})"))
        if txn.amount_fen and yuan(txn.amount_fen) != payment.amount:
            found.append(Difference("payment", payment.payment_id,
                                    f"amount: journal {yuan(txn.amount_fen)}, back end {payment.amount}"))
    found += [Difference("payment", payment_id, f"paid in the journal ({txn.id}); the back end does not count it "
                                                "paid or refunded that day")
              for payment_id, txn in by_payment.items() if txn.done(PAID_STEP)]
    return found


def compare_settlement(report: DailyReport, settlement) -> None:
    """Add every difference between the journal's card batch and the terminal's settlement of it."""
    report.differences += [Difference("card_settlement", batch, detail)
                           for batch, detail in settlement_differences(report.card_batches, settlement)]


def compare_totals(report: DailyReport) -> list[Difference]:
    found = []
    if report.backend_paid is not None and report.backend_paid != report.paid:
        found.append(Difference("total", "paid", f"journal {report.paid}, back end {report.backend_paid}"))
    if report.backend_refunded is not None and report.backend_refunded != report.refunded:
        found.append(Difference("total", "refunded", f"journal {report.refunded}, back end {report.backend_refunded}"))
    return found


def _find_by_payment(journal: Journal, payment_id: str) -> Transaction | None:
    """A payment of that day whose transaction finished another day (e.g. refunded after midnight)."""
    return next((t for t in journal.transactions() if t.payment_id == payment_id), None)


def _text(value: Any) -> str:
    if value is None:
        return "-"
    return value.value if hasattr(value, "value") else str(value)


# ----- presenting -----

COLUMNS = ("transactions", "completed", "payments_taken", "paid", "refunds", "refunded",
           "endorsements_written", "failures")
HEADINGS = ("txns", "done", "paid#", "paid", "refund#", "refunded", "endorse", "failed")


def as_text(report: DailyReport) -> str:
    lines = [f"Daily close {report.day.isoformat()} (UTC+8), terminal {report.terminal_id}", ""]
    lines.append(f"{'service':<17}" + "".join(f"{h:>10}" for h in HEADINGS) + f"{'back end':>10}")
    for name, t in report.services.items():
        values = [getattr(t, c) for c in COLUMNS]
        lines.append(f"{name:<17}" + "".join(f"{str(v):>10}" for v in values)
                     + f"{report.backend_services.get(name, '-') if not report.backend_error else '?':>10}")
    for name in sorted(set(report.backend_services) - set(report.services)):
        lines.append(f"{name:<17}" + "".join(f"{'-':>10}" for _ in COLUMNS) + f"{report.backend_services[name]:>10}")
    lines.append("")
    lines.append(f"journal: paid {report.paid} yuan, refunded {report.refunded} yuan, "
                 f"net {report.paid - report.refunded} yuan")
    if report.backend_error:
        lines.append(f"back end: NOT COMPARED ({report.backend_error})")
    else:
        lines.append(f"back end: paid {report.backend_paid} yuan, refunded {report.backend_refunded} yuan")
    for batch, card in report.card_batches.items():
        lines.append(f"bank card batch {batch}: {card.sales} sale(s) {yuan(card.sale_fen)} yuan, "
                     f"{card.voids} void(s) {yuan(card.void_fen)} yuan, "
                     f"{card.refunds} refund(s) {yuan(card.refund_fen)} yuan, net {yuan(card.net_fen)} yuan")
    lines.append("")
    if report.differences:
        lines.append(f"{len(report.differences)} difference(s):")
        lines += [f"  [{d.kind}] {d.reference}: {d.detail}" for d in report.differences]
    elif not report.backend_error:
        lines.append("no differences: the journal and the back end agree")
    return "\n".join(lines)


def as_receipt(report: DailyReport):
    """The daily close on the receipt printer (ASCII figures, headings in both languages)."""
    from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule, Text, Title

    receipt = Receipt().add(Title("日结对账 Daily close"), Text(f"{report.day.isoformat()}  {report.terminal_id}"), Rule())
    for name, t in report.services.items():
        receipt.add(Text(name, bold=True),
                    KeyValue("transactions", f"{t.transactions} ({t.completed} done)"),
                    KeyValue("payments", f"{t.payments_taken} / {t.paid} CNY"),
                    KeyValue("refunds", f"{t.refunds} / {t.refunded} CNY"))
        if t.endorsements_written:
            receipt.add(KeyValue("endorsements written", str(t.endorsements_written)))
        receipt.add(KeyValue("failures", str(t.failures)))
    receipt.add(Rule(), KeyValue("journal net", f"{report.paid - report.refunded} CNY"))
    if report.backend_error:
        receipt.add(ChineseText("未能与后台核对 Back end not compared"))
    else:
        receipt.add(KeyValue("back end net", f"{report.backend_paid - report.backend_refunded} CNY"))
        if report.differences:
            receipt.add(ChineseText(f"差异 {len(report.differences)} 项 Differences"))
            for difference in report.differences:
                receipt.add(Text(_ascii(f"{difference.kind} {difference.reference}")),
                            Text(_ascii(f"  {difference.detail}")[:200]))
        else:
            receipt.add(ChineseText("账目一致 Journal and back end agree"))
    return receipt.add(Rule(), Cut())


def _ascii(text: str) -> str:
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)
