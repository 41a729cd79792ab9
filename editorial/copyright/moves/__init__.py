"""Every move of a complaint, and the only code that changes its `status` (`step.step`).

The table of states and who may move where is `editorial.copyright.states.TRANSITIONS`. Each move is a
keyword-only function named `complaint_<move>` that locks the row, checks the table and the person's role,
changes what it must, writes `AuditEvent`s and queues its mail (sent after commit). The admin, the public
views, the commands, the tasks and the demo all call these functions; none of them assigns `status`.

- notifier.py: confirm (verify), expire, resend the link, withdraw, add information, appeal, court action
- officer.py: assign, start and return a review, ask for information, close, close as misuse, check a
  counter-notice
- decisions.py: decide a complaint, decide an appeal (the measures follow: `editorial.copyright.measures`)
- restoration.py: receive a counter-notice, restore content
- timers.py: the moves the clock makes
"""

from .decisions import CorrectionSpec, ItemDecision, complaint_decide, complaint_decide_appeal
from .notifier import (
    complaint_add_information,
    complaint_expire,
    complaint_lodge_appeal,
    complaint_report_court_action,
    complaint_resend_verification,
    complaint_verify,
    complaint_withdraw,
)
from .officer import (
    complaint_accept_counter_notice,
    complaint_assign,
    complaint_close,
    complaint_close_as_misuse,
    complaint_close_incomplete,
    complaint_refuse_counter_notice,
    complaint_request_information,
    complaint_return_to_queue,
    complaint_start_review,
)
from .restoration import (
    CounterNoticeAnswers,
    complaint_receive_counter_notice,
    complaint_restore,
    complaints_restore_due,
    counter_notice_requirements,
)
from .timers import (
    complaint_timers_run,
    complaints_close_finished,
    complaints_close_incomplete_overdue,
    complaints_expire_unverified,
)

__all__ = [
    "CorrectionSpec",
    "CounterNoticeAnswers",
    "ItemDecision",
    "complaint_accept_counter_notice",
    "complaint_add_information",
    "complaint_assign",
    "complaint_close",
    "complaint_close_as_misuse",
    "complaint_close_incomplete",
    "complaint_decide",
    "complaint_decide_appeal",
    "complaint_expire",
    "complaint_lodge_appeal",
    "complaint_receive_counter_notice",
    "complaint_refuse_counter_notice",
    "complaint_report_court_action",
    "complaint_request_information",
    "complaint_resend_verification",
    "complaint_restore",
    "complaint_return_to_queue",
    "complaint_start_review",
    "complaint_timers_run",
    "complaint_verify",
    "complaint_withdraw",
    "complaints_close_finished",
    "complaints_close_incomplete_overdue",
    "complaints_expire_unverified",
    "complaints_restore_due",
    "counter_notice_requirements",
]
