"""Fine appeal (issue 20, `fine_appeal`): "this is not my car / not me" as a service of its own.

The traffic-fines flow (flows/fines.py) with its list showing the citizen's outstanding cases to
appeal (a wrongly entered or cloned-plate case), none to pay: identity -> the cases -> the
reason -> the appeal receipt with its number and the promised answer day (one working day);
the case is held from payment until decided. The same steps are reached from the fines list
("not my car / not me"), so the appeal is written once, in flows/fines.py.
"""

from __future__ import annotations

from flows.fines import FinesFlow


class FineAppealFlow(FinesFlow):
    name = "fine_appeal"
    APPEAL_ONLY = True
