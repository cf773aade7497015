"""Which register entries and help requests are overdue, each reason in Chinese (shown red)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from wuyedesk.domain.kinds import ContactKind, HelpType
from wuyedesk.domain.sla import (
    OFFICE_TZ,
    Rules,
    complaint_contact_due,
    is_overdue,
    relay_due,
)
from wuyedesk.domain.workflows import CONTACT, HELP_REQUEST
from wuyedesk.i18n import tr
from wuyedesk.store.models import Contact, HelpRequest

# A return visit counts as made once its outcome is recorded, whatever the outcome:
# a dissatisfied one opens its own follow-up with its own date (篇4).
VISIT_MADE = frozenset(
    {"done_satisfied", "done_fairly", "done_dissatisfied", "nonconformity_open", "rectified"}
)
VISIT_SATISFIED = frozenset({"done_satisfied", "done_fairly"})


def shown_time(at: datetime) -> str:
    """Print an aware time as the office reads it: 03-15 09:30."""
    return at.astimezone(OFFICE_TZ).strftime("%m-%d %H:%M")


def contact_overdue(
    contact: Contact, rules: Rules, now: datetime, visit_states: Collection[str] = ()
) -> list[str]:
    """Return why a register entry is overdue (empty when it is not), in Chinese."""
    if contact.state in CONTACT.final:
        return []
    reasons: list[str] = []
    due = relay_due(contact.at, rules)
    if contact.state == "recorded" and contact.relayed_at is None and is_overdue(due, None, now):
        reasons.append(
            tr("超过 {0} 分钟未转达（应于 {1} 前）").format(rules.relay_minutes, shown_time(due))
        )
    if contact.kind != ContactKind.complaint:
        return reasons
    due = complaint_contact_due(contact.relayed_at or contact.at, rules)
    if contact.dept_contact_at is None and is_overdue(due, None, now):
        reasons.append(
            tr("被投诉部门超过 {0} 小时未联系住户（应于 {1} 前）").format(
                rules.complaint_contact_hours, shown_time(due)
            )
        )
    visit_due = contact.visit_due_at
    if visit_due is not None and not VISIT_MADE & set(visit_states) and now > visit_due:
        reasons.append(
            tr("投诉超过 {0} 小时未回访（应于 {1} 前）").format(
                rules.complaint_visit_hours, shown_time(visit_due)
            )
        )
    return reasons


def help_overdue(help_request: HelpRequest, rules: Rules, now: datetime) -> list[str]:
    """Return why a help request is overdue (empty when it is not), in Chinese."""
    if help_request.state in HELP_REQUEST.final:
        return []
    reasons: list[str] = []
    if help_request.is_special and help_request.sent_at is None:
        due = help_request.at + timedelta(minutes=rules.relay_minutes)
        if is_overdue(due, None, now):
            reasons.append(
                tr("特别求助超过 {0} 分钟未通知最近人员（应于 {1} 前）").format(
                    rules.relay_minutes, shown_time(due)
                )
            )
    due_at = help_request.answer_due
    if (
        help_request.help_type == HelpType.enquiry
        and help_request.written
        and due_at is not None
        and help_request.answered_at is None
        and is_overdue(due_at, None, now)
    ):
        reasons.append(tr("书面咨询已过答复期限（应于 {0} 前书面答复）").format(shown_time(due_at)))
    return reasons
