"""好差评: the citizen's evaluation after every finished service (issue 20).

One shared step, not a state of each flow: when the citizen touches "finish" on any service's
end screen, the flow pump (flows/pump.py `FlowPump.finish`) hands over to this flow, once per
finished service (not after a cancel, and not after itself). The Kivy host, the self-test and
the screenshots all go through that one place.

ask (the national evaluation's five levels, best first; the 12345 hotline shown) -> a top
level (非常满意, 满意) is sent at once -> thanks; one of the lower three (基本满意, 不满意,
非常不满意) -> reasons to tick and an optional comment typed on the kiosk's keypad -> send ->
thanks. One touch skips from either page. The citizen is never held: a countdown
(EVALUATION_SECONDS, restarted by each touch) ends the step, and what was chosen by then (a
lower level and the reasons ticked so far) is sent; nothing chosen, nothing sent.

What is sent (SubmitEvaluation): the service id, the kiosk's transaction number when the service
had one, the level, reasons and comment. Nothing that names the citizen. It is sent on a thread
of its own, so home comes at once even when the back end is slow or away. An evaluation the
back end did not answer goes to the terminal's outbox under the same request id and is sent
when the back end is back (a hall follows up every poor evaluation, so none may be lost; one
that arrived but lost its answer is counted once). The comment is sent, and kept there, with
every ID, permit, card and phone number and the session's names masked, as the logs keep text.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.client import new_request_id
from backend_client.models import Evaluation, EvaluationLevel, EvaluationReason
from core.i18n import N_
from core.privacy import KNOWN_NAMES, mask_text
from flows.context import FlowContext
from flows.engine import Event, Flow, Tick, Touch
from flows.registry import FLOWS

log = logging.getLogger(__name__)

FLOW_NAME = "evaluation"
# The step ends by itself this long after its last touch (the citizen may just walk away).
EVALUATION_SECONDS = 20.0
# The thanks stays this long before home; skipped or timed out goes home at once.
THANKS_SECONDS = 3
# Longest comment (the contract's ShortText is 200; the keypad types at most 70).
COMMENT_MAX = 200
# The 12345 government-service hotline, shown on the step.
HOTLINE = "12345"

LEVELS = tuple(EvaluationLevel)  # best first, as on the national evaluation
LEVELS_WITH_REASONS = frozenset({EvaluationLevel.BASICALLY_SATISFIED, EvaluationLevel.DISSATISFIED,
                                 EvaluationLevel.VERY_DISSATISFIED})
REASONS = tuple(EvaluationReason)
LEVEL_KEYS = {level: f"evaluation.level.{level.value.lower()}" for level in LEVELS}
REASON_KEYS = {reason: f"evaluation.reason.{reason.value.lower()}" for reason in REASONS}
# A finished service in these states gets no evaluation: the citizen chose to leave.
NOT_EVALUATED_STATES = frozenset({"cancelled"})

MSG_ASK = N_("evaluation.ask")
MSG_REASONS = N_("evaluation.reasons")
MSG_THANKS = N_("evaluation.thanks")
MSG_SKIPPED = N_("evaluation.skipped")
MSG_TIMED_OUT = N_("evaluation.timed_out")
# The catalogs' words for each level and reason (extracted here for pybabel).
_WORDS = (N_("evaluation.level.very_satisfied"), N_("evaluation.level.satisfied"),
          N_("evaluation.level.basically_satisfied"), N_("evaluation.level.dissatisfied"),
          N_("evaluation.level.very_dissatisfied"), N_("evaluation.reason.too_slow"),
          N_("evaluation.reason.hard_to_use"), N_("evaluation.reason.unclear_instructions"),
          N_("evaluation.reason.device_problem"), N_("evaluation.reason.not_done"),
          N_("evaluation.reason.sent_to_counter"), N_("evaluation.reason.other"))


class EvalState(enum.Enum):
    ASK = "ask"
    REASONS = "reasons"
    THANKS = "thanks"
    SKIPPED = "skipped"
    TIMED_OUT = "timed_out"


S = EvalState
_ENDS = frozenset({S.THANKS, S.SKIPPED, S.TIMED_OUT})


class EvaluationFlow(Flow[EvalState]):
    name = FLOW_NAME
    STEPS = 0
    TRANSITIONS: ClassVar[Mapping[EvalState, frozenset[EvalState]]] = {
        S.ASK: frozenset({S.REASONS}) | _ENDS,
        S.REASONS: frozenset({S.ASK}) | _ENDS,
        **{state: frozenset() for state in _ENDS},
    }
    VIEWS: ClassVar[Mapping[EvalState, tuple[int, str]]] = {
        S.ASK: (0, MSG_ASK), S.REASONS: (0, MSG_REASONS), S.THANKS: (0, MSG_THANKS),
        S.SKIPPED: (0, MSG_SKIPPED), S.TIMED_OUT: (0, MSG_TIMED_OUT),
    }

    def __init__(self, ctx: FlowContext, service: str = "", transaction: str | None = None) -> None:
        super().__init__(S.ASK, ctx.now)
        self.ctx = ctx
        self.service = service
        self.transaction = transaction
        self.level: EvaluationLevel | None = None
        self.reasons: list[EvaluationReason] = []
        self.comment = ""
        self.sent = threading.Event()  # set once the submission is over (delivered or not)
        self.receipt_number: str | None = None
        self.queued = False  # sent to the outbox: the back end did not answer
        self._restart_countdown()

    @property
    def evaluated_service(self) -> str:
        """The service this step follows: flows/take_watch.py waits for its permit card here too."""
        return self.service

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if isinstance(event, Tick):
            if self.deadline is not None and self.now() >= self.deadline:
                self._time_out()
            return
        if not isinstance(event, Touch):
            return
        self._restart_countdown()
        if event.action == "skip":
            self._end(S.SKIPPED)
        elif self.state is S.ASK and event.action == "level":
            self._choose_level(event.value)
        elif self.state is S.REASONS:
            self._on_reasons(event)

    def on_cancel(self, reason: str) -> None:
        """The session ends (home, timeout): a lower level already chosen is still sent."""
        self._end(S.TIMED_OUT if self.level is not None else S.SKIPPED, send=self.level is not None)

    def _choose_level(self, value: Any) -> None:
        try:
            level = EvaluationLevel(value)
        except ValueError:
            self.note(N_("evaluation.choose_level"))
            return
        self.level = level
        if level in LEVELS_WITH_REASONS:
            self.go(S.REASONS)
        else:
            self._end(S.THANKS, send=True)

    def _on_reasons(self, event: Touch) -> None:
        if event.action == "reason":
            try:
                reason = EvaluationReason(event.value)
            except ValueError:
                return
            if reason in self.reasons:
                self.reasons.remove(reason)
            else:
                self.reasons.append(reason)
            self._stay(None)
        elif event.action == "comment":
            self.comment = str(event.value or "").strip()[:COMMENT_MAX]
            self._stay(None)
        elif event.action == "back":
            self.level, self.reasons = None, []
            self.go(S.ASK)
        elif event.action == "send":
            self._end(S.THANKS, send=True)

    def _time_out(self) -> None:
        self._end(S.TIMED_OUT, send=self.level is not None)

    def _restart_countdown(self) -> None:
        self.deadline = self.now() + EVALUATION_SECONDS

    def _end(self, state: EvalState, send: bool = False) -> None:
        self.deadline = None
        if send and self.level is not None:
            self._submit()
        else:
            self.sent.set()
        self.go(state)

    # ----- the back end, off the citizen's way -----
    def _submit(self) -> None:
        level, reasons = self.level, tuple(self.reasons) if self.level in LEVELS_WITH_REASONS else ()
        comment = self.comment if self.level in LEVELS_WITH_REASONS else ""
        # Numbers and the session's names masked before the comment leaves the screen: the back
        # end's records and a copy waiting in the outbox hold no more than a log would, and the
        # copy is the same request as the first try (its request id is checked against the body).
        comment = mask_text(comment, KNOWN_NAMES.snapshot()) if comment else ""
        request_id, at = new_request_id(), dt.datetime.now(dt.UTC)
        assert level is not None

        def send() -> None:
            try:
                receipt = self.ctx.backend.submit_evaluation(self.service, level, reasons, request_id, at,
                                                             transaction_id=self.transaction, comment=comment or None)
                self.receipt_number = receipt.evaluation_number
                log.info("evaluation of %s recorded: %s (%s)", self.service, level.value, receipt.evaluation_number)
            except backend_errors.BackendError as error:
                if error.final or not self._queue(Evaluation(self.service, level, reasons, at, self.transaction,
                                                             comment or None), request_id):
                    log.warning("evaluation of %s not delivered: %s", self.service, error.message_key)
            finally:
                self.sent.set()

        threading.Thread(target=send, name="evaluation-submit", daemon=True).start()

    def _queue(self, evaluation: Evaluation, request_id: str) -> bool:
        """Into the outbox for later; False when there is no outbox or it cannot take it."""
        if self.ctx.outbox is None:
            return False
        try:
            self.ctx.outbox().put_evaluation(evaluation, request_id)
        except Exception:  # noqa: BLE001 - a disk or queue fault: the evaluation is lost, said in the log
            log.exception("evaluation of %s could not be queued", self.service)
            return False
        self.queued = True
        log.info("evaluation of %s queued until the back end answers", self.service)
        return True

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        if self.state is S.ASK:
            return ("level", "skip")
        if self.state is S.REASONS:
            return ("reason", "comment", "send", "back", "skip")
        return ()

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {"service": self.service, "hotline": HOTLINE}
        if self.state is S.ASK:
            data["levels"] = [{"value": level.value, "key": LEVEL_KEYS[level]} for level in LEVELS]
        if self.state is S.REASONS and self.level is not None:
            data["level"] = {"value": self.level.value, "key": LEVEL_KEYS[self.level]}
            data["reasons"] = [{"value": r.value, "key": REASON_KEYS[r], "selected": r in self.reasons}
                               for r in REASONS]
            data["comment"] = self.comment
        if self.finished:
            data["home_in_seconds"] = THANKS_SECONDS if self.state is S.THANKS else 0
        return data


def evaluation_after(flow: Flow[Any], ctx: FlowContext | None) -> EvaluationFlow | None:
    """The evaluation step for `flow` when the citizen finishes it, or None: not for an evaluation,
    not for a service the citizen cancelled, not for a flow still running."""
    if ctx is None or isinstance(flow, EvaluationFlow) or not flow.finished:
        return None
    view = flow.view()
    if view.state in NOT_EVALUATED_STATES:
        return None
    transaction = view.data.get("transaction")
    return EvaluationFlow(ctx, service=service_id_of(flow),
                          transaction=transaction if isinstance(transaction, str) else None)


def service_id_of(flow: Flow[Any]) -> str:
    """The registry's service id of a flow (the fines flow is the `traffic_fines` service)."""
    reference = f"{type(flow).__module__}:{type(flow).__name__}"
    return next((e.service_id for e in FLOWS if e.flow == reference), flow.name)
