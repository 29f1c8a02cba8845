"""The card terminal's part of the daily close (issue 21): card totals by batch from the journal,
reconciled with the terminal's settlement (结算), and the card transactions still open.

The journal knows every approved sale (card_sale_N "after", with its batch and amount), every
void (card_void_N "after") and every refund of a sale from a settled batch (card_refund_N
"after", counted in the batch the refund was made in); the terminal's settlement counts the
same batch its way. A
difference means money moved that the kiosk did not journal, or the reverse: staff look at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card_terminal.contract import APPROVED_CODE, Settlement
from flows.journal import Phase, Transaction


@dataclass
class CardBatchTally:
    sales: int = 0
    sale_fen: int = 0
    voids: int = 0
    void_fen: int = 0
    refunds: int = 0
    refund_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.sale_fen - self.void_fen - self.refund_fen


@dataclass(frozen=True)
class CardOpen:
    """A card sale whose transaction is not settled yet (for `journal reconcile`)."""

    txn_id: str
    reference: str
    amount_fen: int
    state: str  # "sale not answered", "approved, not recorded", "void not answered", ...

    def line(self) -> str:
        return (f"open card sale {self.reference} ({self.amount_fen / 100:.2f} yuan, transaction {self.txn_id}): "
                f"{self.state}")

    def as_json(self) -> dict[str, object]:
        return {"transaction": self.txn_id, "reference": self.reference, "amount_fen": self.amount_fen,
                "state": self.state}


def _attempts(txn: Transaction) -> list[int]:
    return sorted({int(s.step.rsplit("_", 1)[1]) for s in txn.steps if s.step.startswith("card_sale_")})


def card_batches(transactions: list[Transaction]) -> dict[str, CardBatchTally]:
    """Approved sales and voids per terminal batch, as the journal recorded them."""
    batches: dict[str, CardBatchTally] = {}
    for txn in transactions:
        for attempt in _attempts(txn):
            sale = txn.last(f"card_sale_{attempt}")
            if sale is None or sale.phase is not Phase.AFTER or sale.detail.get("status") != "approved":
                continue
            tally = batches.setdefault(str(sale.detail.get("batch", "")), CardBatchTally())
            tally.sales += 1
            tally.sale_fen += int(sale.detail.get("amount_fen", 0))
            void = txn.last(f"card_void_{attempt}")
            if void is not None and void.phase is Phase.AFTER and void.detail.get("result_code") == APPROVED_CODE:
                tally.voids += 1
                tally.void_fen += int(sale.detail.get("amount_fen", 0))
            refund = txn.last(f"card_refund_{attempt}")
            if refund is not None and refund.phase is Phase.AFTER and refund.detail.get("result_code") == APPROVED_CODE:
                later = batches.setdefault(str(refund.detail.get("batch", "")), CardBatchTally())
                later.refunds += 1
                later.refund_fen += int(refund.detail.get("amount_fen", 0))
    return dict(sorted(batches.items()))


def settlement_differences(batches: dict[str, CardBatchTally], settlement: Settlement) -> list[tuple[str, str]]:
    """(batch, what differs) between the journal's count of a batch and the terminal's settlement."""
    journal = batches.get(settlement.batch, CardBatchTally())
    found = []
    for what, ours, theirs in (("sales", journal.sales, settlement.sale_count),
                               ("sale total (fen)", journal.sale_fen, settlement.sale_total_fen),
                               ("voids", journal.voids, settlement.void_count),
                               ("void total (fen)", journal.void_fen, settlement.void_total_fen),
                               ("refunds", journal.refunds, settlement.refund_count),
                               ("refund total (fen)", journal.refund_fen, settlement.refund_total_fen)):
        if ours != theirs:
            found.append((settlement.batch, f"{what}: journal {ours}, terminal {theirs}"))
    return found


def open_card_sales(transactions: list[Transaction]) -> list[CardOpen]:
    """Card sales of unsettled transactions, and how far each got."""
    found = []
    for txn in transactions:
        for attempt in _attempts(txn):
            sale = txn.last(f"card_sale_{attempt}")
            assert sale is not None
            first = next(s for s in txn.steps if s.step == f"card_sale_{attempt}")
            reference, amount = str(first.detail.get("reference", "")), int(first.detail.get("amount_fen", 0))
            record, void = txn.last(f"card_record_{attempt}"), txn.last(f"card_void_{attempt}")
            refund = txn.last(f"card_refund_{attempt}")
            if sale.phase is not Phase.AFTER:
                state = "sale not answered: ask the terminal"
            elif sale.detail.get("status") != "approved":
                continue
            elif refund is not None:
                state = "refunded on the terminal" if refund.phase is Phase.AFTER else "refund not answered"
            elif void is not None and void.detail.get("status") == "settled":
                state = "batch settled: to be refunded on the terminal"
            elif void is not None:
                state = "voided" if void.phase is Phase.AFTER else "void not answered"
            elif record is None or record.phase is not Phase.AFTER:
                state = "approved, not recorded at the back end"
            else:
                state = "approved and recorded"
            found.append(CardOpen(txn.id, reference, amount, state))
    return found
