"""information_request_due: a request for a pupil's information nearly or already due.

Watches each request received by the as-of date and not decided by then. Its
due date was set when it arrived, by the rule it is made under (a parent's
request for the educational record: 15 school days; a subject access request:
one month; the local authority's request for advice for an EHC needs
assessment: six weeks). The alert is raised a set number of days before that
date, and says so once the date has passed.

The alert resolves itself when the request is decided (disclosed, in part or
in full, or refused).
"""

from __future__ import annotations

from collections.abc import Iterator

from apdr.policies.policy import Cause, Context, Threshold, day, plural
from apdr.projections.disclosures import open_requests

KIND = "information_request_due"
READ_MODELS = ("disclosures",)
# The rule: each request's due date, set by the rule it is made under (Education (Pupil
# Information) (England) Regulations 2005 reg. 5(2): 15 school days; UK GDPR Article 12(3):
# one month; SEND Regulations 2014 reg. 8: six weeks). The warning before it is apdr's.
THRESHOLDS = (
    Threshold(
        "information_request_warning_days",
        7,
        0,
        30,
        "days",
        "how many days before a request for information is due to raise an alert",
        source="apdr's default: a school week's warning, time to gather the record, decide with the "
        "data protection officer and tell the parents before the deadline",
    ),
)


def causes(context: Context) -> Iterator[Cause]:
    warning = context.thresholds["information_request_warning_days"]
    for request in open_requests(context.conn, context.setting_id, context.as_of):
        left = (request["due_on"] - context.as_of).days
        if left > warning:
            continue
        when = (
            f"was due on {day(request['due_on'])}, {plural(-left, 'day')} ago"
            if left < 0
            else f"is due on {day(request['due_on'])}"
            + (", today" if left == 0 else f", in {plural(left, 'day')}")
        )
        reference = f" (ref. {request['reference']})" if request["reference"] else ""
        yield Cause(
            subject=str(request["request_id"]),
            summary=(
                f"The request for information from {request['requester']}{reference} {when}. "
                "Decide it: disclose, disclose in part or refuse, and tell the requester."
            ),
            pupil_id=request["pupil_id"],
            details={"request_id": str(request["request_id"]), "due_on": request["due_on"].isoformat()},
        )
