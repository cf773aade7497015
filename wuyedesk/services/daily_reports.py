"""Daily work reports (日工作呈报表, 篇1 §4(3)D–E) and the supervisor's spot checks (抽查).

Each clerk, assistant and service-desk member gets today's report filled from
what they did (the audit log counts their actions; the open records they hold
are listed), adds their own lines and submits. The supervisor reads, comments,
signs, and writes the next day's assignments, which the member of staff sees
at the next login.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import NotFound, TransitionRefused, UserError, ValidationError
from wuyedesk.domain.roles import MANAGERS, ROLE_LABELS, Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.workflows import CONTACT, DAILY_REPORT, HELP_REQUEST, REPAIR_PAID
from wuyedesk.i18n import N_, tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import (
    acting_staff_id,
    check_text,
    staff_names,
    stamp_time,
    write_audit,
)
from wuyedesk.services.records import load_for_edit
from wuyedesk.store.models import (
    AuditEntry,
    Contact,
    DailyReport,
    HelpRequest,
    RepairOrder,
    SpotCheck,
    Staff,
)
from wuyedesk.store.office_file import OfficeFile

REPORTERS = DAILY_REPORT.openers
# The labels of the day's counts are data: a submitted report stores them in Chinese
# (counts_json), and every view shows them through tr(label) (`shown_counts`).
# The records a person makes are counted from the records themselves (their own times)...
MADE = {N_("登记来访/来电"): "contact", N_("登记求助"): "help", N_("开维修单"): "repair"}
# ...and the other steps from the person's audit lines of the day.
COUNTED = {
    "contact.relay": N_("转达部门"),
    "contact.record_result": N_("登记处理结果"),
    "contact.archive": N_("归档登记"),
    "repair.archive": N_("归档维修单"),
    "visit.record": N_("回访"),
    "visit.nobody_home": N_("上门未遇"),
    "resident.add": N_("新增住户档案"),
    "resident.edit": N_("修改住户档案"),
    "print": N_("打印单据"),
}


@dataclass(frozen=True)
class ReportView:
    """One day's report as the screen shows it."""

    id: int
    day: date
    staff_id: int
    staff_name: str
    role_label: str
    state: str
    state_label: str
    counts: dict[str, int]
    open_items: list[str]
    done_text: str | None
    undone_text: str | None
    coordination_text: str | None
    submitted_at: datetime | None
    reviewer: str
    reviewed_at: datetime | None
    review_comment: str | None
    next_day_tasks: str | None
    actions: list[tuple[str, str]]
    version: int


def shown_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """Return a day's counts with their labels in the language of this desk."""
    return {tr(label): n for label, n in counts.items()}


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), OFFICE_TZ)
    return start, start + timedelta(days=1)


def day_counts(session: Session, staff_id: int, day: date) -> dict[str, int]:
    """Count what one member of staff did on a day: records they made, steps they took."""
    start, end = _bounds(day)
    made = {
        "contact": (Contact.recorded_by_id, Contact.at),
        "help": (HelpRequest.received_by_id, HelpRequest.at),
        "repair": (RepairOrder.opened_by_id, RepairOrder.created_at),
    }
    counts: dict[str, int] = {}
    for label, kind in MADE.items():
        who, when = made[kind]
        n = session.scalar(select(func.count()).where(who == staff_id, when >= start, when < end))
        if n:
            counts[label] = int(n)
    rows = session.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.staff_id == staff_id, AuditEntry.at >= start, AuditEntry.at < end)
        .group_by(AuditEntry.action)
    ).all()
    done = dict(rows)
    counts.update({label: done[a] for a, label in COUNTED.items() if done.get(a)})
    return counts


def open_items(session: Session, staff_id: int) -> list[str]:
    """List the open records this person holds: entries, help requests and slips they took."""
    items: list[str] = []
    for model, workflow, column in (
        (Contact, CONTACT, Contact.recorded_by_id),
        (HelpRequest, HELP_REQUEST, HelpRequest.received_by_id),
        (RepairOrder, REPAIR_PAID, RepairOrder.opened_by_id),
    ):
        rows = session.execute(
            select(model.number, model.state)  # type: ignore[attr-defined]
            .where(column == staff_id, model.state.not_in(workflow.final))  # type: ignore[attr-defined]
            .order_by(model.number)  # type: ignore[attr-defined]
        ).all()
        items += [
            tr("{number}（{0}）").format(workflow.state_label(state), number=number)
            for number, state in rows
        ]
    return items


def _view(session: Session, report: DailyReport, role: Role, live: bool) -> ReportView:
    names = staff_names(session)
    staff = session.get(Staff, report.staff_id)
    assert staff is not None
    counts = json.loads(report.counts_json or "{}")
    holding: list[str] = counts.pop("_open", [])
    if live:  # a draft follows the day as it goes; a submitted report keeps what it said
        counts = day_counts(session, report.staff_id, report.day)
        holding = open_items(session, report.staff_id)
    return ReportView(
        id=report.id,
        day=report.day,
        staff_id=report.staff_id,
        staff_name=staff.name,
        role_label=ROLE_LABELS[Role(staff.role)],
        state=report.state,
        state_label=DAILY_REPORT.state_label(report.state),
        counts=shown_counts(counts),
        open_items=holding,
        done_text=report.done_text,
        undone_text=report.undone_text,
        coordination_text=report.coordination_text,
        submitted_at=report.submitted_at,
        reviewer=names.get(report.reviewer_id or 0, ""),
        reviewed_at=report.reviewed_at,
        review_comment=report.review_comment,
        next_day_tasks=report.next_day_tasks,
        actions=[(t.action, t.label) for t in DAILY_REPORT.actions(report.state, role)],
        version=report.version,
    )


def todays_report(
    office: OfficeFile, actor: Actor, *, day: date | None = None, now: datetime | None = None
) -> ReportView:
    """Return (making it on first use) the actor's report for a day, filled from their work."""
    DAILY_REPORT.start(actor.role)
    if actor.staff_id is None:
        raise UserError(tr("日工作呈报表须由员工本人登录填写"))
    now = stamp_time(now)
    day = day or now.astimezone(OFFICE_TZ).date()
    if day > now.astimezone(OFFICE_TZ).date():
        raise ValidationError("day", tr("不能填写未来日期的呈报表"))
    with office.transaction() as session:
        report = session.scalar(
            select(DailyReport).where(
                DailyReport.day == day, DailyReport.staff_id == actor.staff_id
            )
        )
        if report is None:
            report = DailyReport(day=day, staff_id=actor.staff_id, state=DAILY_REPORT.initial)
            session.add(report)
            session.flush()
        return _view(session, report, actor.role, report.state == "draft")


def save_report(
    office: OfficeFile,
    actor: Actor,
    report_id: int,
    *,
    version: int,
    done_text: str | None,
    undone_text: str | None,
    coordination_text: str | None,
) -> ReportView:
    """Keep the staff member's own lines on a draft report."""
    texts = {
        "done_text": check_text("done_text", done_text, tr("已完成工作"), required=False),
        "undone_text": check_text("undone_text", undone_text, tr("未完成工作"), required=False),
        "coordination_text": check_text(
            "coordination_text", coordination_text, tr("需协调事项"), required=False
        ),
    }
    with office.transaction() as session:
        report = _own(session, actor, report_id, version)
        if report.state != "draft":
            raise TransitionRefused(tr("呈报表已呈报，主管退回后才能修改"))
        for key, value in texts.items():
            setattr(report, key, value)
        session.flush()
        return _view(session, report, actor.role, True)


def submit_report(
    office: OfficeFile, actor: Actor, report_id: int, *, version: int, now: datetime | None = None
) -> ReportView:
    """Submit the day's report: the counts and open items are kept as they stand."""
    now = stamp_time(now)
    with office.transaction() as session:
        report = _own(session, actor, report_id, version)
        target = DAILY_REPORT.next_state(report.state, "submit", actor.role)
        if not (report.done_text or "").strip():
            raise ValidationError("done_text", tr("请填写今天已完成的工作"))
        counts: dict[str, Any] = day_counts(session, report.staff_id, report.day)
        counts["_open"] = open_items(session, report.staff_id)
        report.counts_json = json.dumps(counts, ensure_ascii=False)
        report.state, report.submitted_at = target, now
        session.flush()
        write_audit(session, actor, "report.submit", f"report:{report.day:%Y-%m-%d}")
        return _view(session, report, actor.role, False)


def _own(session: Session, actor: Actor, report_id: int, version: int) -> DailyReport:
    report = load_for_edit(session, DailyReport, report_id, version, tr("呈报表"))
    if report.staff_id != actor.staff_id:
        raise TransitionRefused(tr("只能填写和呈报自己的日工作呈报表"))
    return report


def review_report(
    office: OfficeFile,
    actor: Actor,
    report_id: int,
    *,
    version: int,
    comment: str | None,
    next_day_tasks: str | None,
    send_back: bool = False,
    now: datetime | None = None,
) -> ReportView:
    """The supervisor reads and signs a report (or sends it back) and sets tomorrow's tasks."""
    now = stamp_time(now)
    text = check_text("review_comment", comment, tr("审阅意见"), required=send_back)
    tasks = check_text("next_day_tasks", next_day_tasks, tr("次日工作安排"), required=False)
    with office.transaction() as session:
        report = load_for_edit(session, DailyReport, report_id, version, tr("呈报表"))
        action = "reopen" if send_back else "review"
        report.state = DAILY_REPORT.next_state(report.state, action, actor.role)
        report.review_comment, report.next_day_tasks = text, tasks
        if not send_back:
            report.reviewer_id, report.reviewed_at = actor.staff_id, now
        session.flush()
        staff = session.get(Staff, report.staff_id)
        target = f"report:{report.day:%Y-%m-%d}:{staff.name if staff else ''}"
        write_audit(session, actor, f"report.{action}", target, text or "")
        return _view(session, report, actor.role, send_back)


def list_reports(office: OfficeFile, actor: Actor, day: date) -> list[ReportView | str]:
    """Return the day's reports of every reporter; a name alone means not started yet."""
    if actor.role not in MANAGERS:
        raise TransitionRefused(tr("只有主管可以查看全部呈报表"))
    with office.transaction() as session:
        staff = session.scalars(
            select(Staff)
            .where(Staff.active.is_(True), Staff.role.in_([r.value for r in REPORTERS]))
            .order_by(Staff.role, Staff.name)
        ).all()
        reports = {
            r.staff_id: r
            for r in session.scalars(select(DailyReport).where(DailyReport.day == day))
        }
        shown: list[ReportView | str] = []
        for person in staff:
            report = reports.get(person.id)
            if report is None:
                shown.append(person.name)
            else:
                shown.append(_view(session, report, actor.role, report.state == "draft"))
        return shown


def get_report(office: OfficeFile, actor: Actor, report_id: int) -> ReportView:
    """Return one report: its author or a manager (主管) may read it."""
    with office.transaction() as session:
        report = session.get(DailyReport, report_id)
        if report is None:
            raise NotFound(tr("找不到这份日工作呈报表"))
        if report.staff_id != actor.staff_id and actor.role not in MANAGERS:
            raise TransitionRefused(tr("只能查看自己的日工作呈报表，主管可以查看全部"))
        return _view(session, report, actor.role, report.state == "draft")


def assignments_for(office: OfficeFile, actor: Actor, *, now: datetime | None = None) -> str | None:
    """Return the tasks the supervisor set on this person's last reviewed report before today."""
    if actor.staff_id is None:
        return None
    today = stamp_time(now).astimezone(OFFICE_TZ).date()
    with office.transaction() as session:
        return session.scalar(
            select(DailyReport.next_day_tasks)
            .where(
                DailyReport.staff_id == actor.staff_id,
                DailyReport.day < today,
                DailyReport.state == "reviewed",
                DailyReport.next_day_tasks.is_not(None),
            )
            .order_by(DailyReport.day.desc())
            .limit(1)
        )


def record_spot_check(
    office: OfficeFile,
    actor: Actor,
    *,
    staff_id: int | None,
    checked: str,
    found: str | None,
    corrected: bool,
    now: datetime | None = None,
) -> int:
    """Record an unannounced check: whose work, what was checked, what was found, corrected."""
    if actor.role not in MANAGERS:
        raise TransitionRefused(tr("抽查由物业部主管或管理处主任记录"))
    what = check_text("checked", checked, tr("抽查内容"), required=True)
    problem = check_text("found", found, tr("发现问题"), required=False)
    now = stamp_time(now)
    with office.transaction() as session:
        if staff_id is not None and session.get(Staff, staff_id) is None:
            raise NotFound(tr("找不到被抽查的员工"))
        check = SpotCheck(
            at=now,
            supervisor_id=acting_staff_id(session, actor),
            staff_id=staff_id,
            checked=what or "",
            found=problem,
            corrected=corrected,
        )
        session.add(check)
        session.flush()
        detail = tr("{what}；{0}").format(
            tr("已纠正") if corrected else tr("未纠正") if problem else tr("无问题"), what=what
        )
        write_audit(session, actor, "spot_check", f"spot_check:{check.id}", detail)
        return check.id
