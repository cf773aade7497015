"""The records' lives as small explicit state machines: states, steps, and who may take them.

The screens ask `Workflow.actions(state, role)` which buttons are live; the
services call `Workflow.next_state` before they change a record, so a step
out of order or by the wrong role is refused with a Chinese reason.

Paper behind each machine (seeds, FORMS.md):
- contact: 住户来访/来电登记表 — recorded → relayed → handled → result_recorded → archived.
- repair_free / repair_paid: 工程维修单 / 有偿服务单 — opened → received → (paid: quoted →
  approved → paid) → dispatched → materials_issued → arrived → completed → accepted →
  reconciled → archived; returned (退单) early, refused when the household declines a quote.
- return_visit: 回访记录表 — planned → satisfied / fairly / dissatisfied / nobody_home;
  nobody_home is rescheduled; dissatisfied opens a nonconformity that is rectified, after
  which the service plans the next visit (until satisfied).
- help_request: 业户求助信息登记表 — special: received → dispatched → on_site → handled →
  closed; general: received → converted → closed; enquiry: received → answered → closed.
- daily_report: 日工作呈报表 — draft → submitted → reviewed; reopened by the supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wuyedesk.domain.errors import TransitionRefused
from wuyedesk.domain.roles import ROLE_LABELS, Role

R = Role
_OFFICE = frozenset({R.clerk, R.assistant, R.service_desk, R.supervisor, R.director})
_MANAGERS = frozenset({R.supervisor, R.director})
_ENGINEERING = frozenset({R.eng_supervisor, R.engineer})


@dataclass(frozen=True)
class Transition:
    """One step: from which states, to which state, for which roles, with what button label."""

    action: str
    source: frozenset[str]
    target: str
    roles: frozenset[Role]
    label: str
    requires_reason: bool = False


@dataclass(frozen=True)
class Workflow:
    """A record kind's states and the steps between them."""

    name: str
    states: dict[str, str]
    initial: str
    final: frozenset[str]
    transitions: tuple[Transition, ...] = field(default_factory=tuple)

    def state_label(self, state: str) -> str:
        """Return the Chinese name of a state."""
        return self.states[state]

    def transition(self, action: str) -> Transition:
        """Return the step named `action`."""
        for step in self.transitions:
            if step.action == action:
                return step
        raise KeyError(action)

    def actions(self, state: str, role: Role) -> list[Transition]:
        """Return the steps this role may take from this state (the live buttons)."""
        return [t for t in self.transitions if state in t.source and role in t.roles]

    def can(self, state: str, action: str, role: Role) -> bool:
        """Tell whether this role may take this step from this state."""
        step = self.transition(action)
        return state in step.source and role in step.roles

    def next_state(self, state: str, action: str, role: Role) -> str:
        """Return the state after the step, or refuse with the reason in Chinese."""
        step = self.transition(action)
        if state not in step.source:
            hint = _HINTS.get((self.name, state, action))
            message = f"当前状态为「{self.states[state]}」，不能执行「{step.label}」"
            raise TransitionRefused(f"{message}：{hint}" if hint else message)
        if role not in step.roles:
            raise TransitionRefused(f"您的岗位（{ROLE_LABELS[role]}）不能执行「{step.label}」")
        return step.target


def _t(
    action: str,
    source: str | set[str],
    target: str,
    roles: frozenset[Role] | set[Role],
    label: str,
    *,
    reason: bool = False,
) -> Transition:
    sources = frozenset({source} if isinstance(source, str) else source)
    return Transition(action, sources, target, frozenset(roles), label, reason)


def _void(states: dict[str, str], final: set[str]) -> Transition:
    open_states = set(states) - final - {"void"}
    return _t("void", open_states, "void", _MANAGERS, "作废", reason=True)


# --- 住户来访/来电登记表 -------------------------------------------------------------
_CONTACT_STATES = {
    "recorded": "已登记",
    "relayed": "已转达",
    "handled": "处理中",
    "result_recorded": "已登记结果",
    "archived": "已归档",
    "void": "已作废",
}
_CONTACT_FINAL = {"archived", "void"}
CONTACT = Workflow(
    "contact",
    _CONTACT_STATES,
    "recorded",
    frozenset(_CONTACT_FINAL),
    (
        _t("relay", "recorded", "relayed", _OFFICE, "转达部门"),
        _t("handle", "relayed", "handled", _OFFICE | _ENGINEERING | {R.security}, "部门处理"),
        _t(
            "record_result",
            {"recorded", "relayed", "handled"},
            "result_recorded",
            _OFFICE,
            "登记处理结果",
        ),
        _t("archive", "result_recorded", "archived", {R.clerk, *_MANAGERS}, "归档"),
        _void(_CONTACT_STATES, _CONTACT_FINAL),
    ),
)


def contact_can_archive(is_complaint: bool, has_result: bool, visit_satisfied: bool) -> str | None:
    """Return why a register entry may not be archived yet, or None."""
    if not has_result:
        return "尚未登记处理结果"
    if is_complaint and not visit_satisfied:
        return "投诉须回访且住户满意（或基本满意）后才能归档"
    return None


# --- 工程维修单 / 有偿服务单 -------------------------------------------------------------
_WORK_STATES = {
    "opened": "已开单",
    "received": "已接单",
    "dispatched": "已派工",
    "materials_issued": "已领料",
    "arrived": "已到场",
    "completed": "已完工",
    "accepted": "住户已验收",
    "reconciled": "已核对",
    "archived": "已归档",
    "returned": "已退单",
    "void": "已作废",
}
_PAID_STATES = {
    **_WORK_STATES,
    "quoted": "已报价",
    "approved": "住户已确认报价",
    "paid": "已交费盖章",
    "refused": "住户拒绝报价",
}
_REPAIR_FINAL = {"archived", "returned", "void", "refused"}
_OPENERS = frozenset({R.assistant, R.clerk, R.service_desk, R.supervisor})
_SIGN_FOR_HOUSEHOLD = frozenset({R.engineer, R.assistant, R.eng_supervisor})


def _work_steps(dispatch_from: str) -> list[Transition]:
    return [
        _t("dispatch", dispatch_from, "dispatched", _ENGINEERING, "派工"),
        _t(
            "issue_materials",
            {"dispatched", "materials_issued"},
            "materials_issued",
            {R.storekeeper, R.eng_supervisor},
            "领料",
        ),
        _t("arrive", {"dispatched", "materials_issued"}, "arrived", _ENGINEERING, "到达现场"),
        _t("complete", "arrived", "completed", _ENGINEERING, "完工"),
        _t("accept", "completed", "accepted", _SIGN_FOR_HOUSEHOLD, "住户验收签名"),
        _t("reconcile", "accepted", "reconciled", {R.eng_supervisor}, "每日核对"),
        _t("archive", "reconciled", "archived", {R.clerk}, "归档"),
    ]


REPAIR_FREE = Workflow(
    "repair_free",
    dict(_WORK_STATES),
    "opened",
    frozenset(_REPAIR_FINAL - {"refused"}),
    (
        _t("receive", "opened", "received", _ENGINEERING, "接单签字"),
        _t(
            "return",
            {"opened", "received"},
            "returned",
            _ENGINEERING | _MANAGERS,
            "退单",
            reason=True,
        ),
        *_work_steps("received"),
        _void(_WORK_STATES, _REPAIR_FINAL),
    ),
)

REPAIR_PAID = Workflow(
    "repair_paid",
    _PAID_STATES,
    "opened",
    frozenset(_REPAIR_FINAL),
    (
        _t("receive", "opened", "received", _ENGINEERING, "接单签字"),
        _t(
            "return",
            {"opened", "received"},
            "returned",
            _ENGINEERING | _MANAGERS,
            "退单",
            reason=True,
        ),
        _t("quote", {"received", "quoted"}, "quoted", _ENGINEERING, "报价"),
        _t("approve", "quoted", "approved", _SIGN_FOR_HOUSEHOLD | {R.clerk}, "住户确认报价"),
        _t(
            "refuse",
            "quoted",
            "refused",
            _SIGN_FOR_HOUSEHOLD | {R.clerk},
            "住户拒绝报价",
            reason=True,
        ),
        _t("pay", "approved", "paid", {R.finance}, "财务收款盖章"),
        *_work_steps("paid"),
        _void(_PAID_STATES, _REPAIR_FINAL),
    ),
)

# --- 回访记录表 -----------------------------------------------------------------------
_VISIT_STATES = {
    "planned": "待回访",
    "nobody_home": "住户不在家",
    "satisfied": "满意",
    "fairly": "基本满意",
    "dissatisfied": "不满意",
    "nonconformity_open": "不合格项整改中",
    "rectified": "已整改",
    "void": "已作废",
}
_VISIT_FINAL = {"satisfied", "fairly", "rectified", "void"}
_VISITORS = _OFFICE | {R.eng_supervisor, R.security}
RETURN_VISIT = Workflow(
    "return_visit",
    _VISIT_STATES,
    "planned",
    frozenset(_VISIT_FINAL),
    (
        _t("record_satisfied", "planned", "satisfied", _VISITORS, "满意"),
        _t("record_fairly", "planned", "fairly", _VISITORS, "基本满意"),
        _t("record_dissatisfied", "planned", "dissatisfied", _VISITORS, "不满意"),
        _t("nobody_home", "planned", "nobody_home", _VISITORS, "住户不在家（贴回访单）"),
        _t("reschedule", "nobody_home", "planned", _VISITORS, "另约时间"),
        _t("open_nonconformity", "dissatisfied", "nonconformity_open", _MANAGERS, "登记不合格项"),
        _t("rectify", "nonconformity_open", "rectified", _MANAGERS | _ENGINEERING, "整改完成"),
        _void(_VISIT_STATES, _VISIT_FINAL),
    ),
)

# --- 业户求助信息登记表 ------------------------------------------------------------------
_HELP_STATES = {
    "received": "已接报",
    "dispatched": "已派人",
    "on_site": "已到场",
    "handled": "已处理",
    "converted": "已转登记/派单",
    "answered": "已答复",
    "closed": "已完成",
    "void": "已作废",
}
_HELP_FINAL = {"closed", "void"}
_RESPONDERS = _OFFICE | {R.security, R.eng_supervisor, R.engineer}
HELP_REQUEST = Workflow(
    "help_request",
    _HELP_STATES,
    "received",
    frozenset(_HELP_FINAL),
    (
        _t("dispatch", "received", "dispatched", _RESPONDERS, "通知最近人员"),
        _t("arrive", "dispatched", "on_site", _RESPONDERS, "到场确认"),
        _t("handle", "on_site", "handled", _RESPONDERS | {R.director}, "处理完毕"),
        _t("convert", "received", "converted", _OFFICE, "转为登记/派单"),
        _t("answer", "received", "answered", _OFFICE, "答复"),
        _t("close", {"handled", "converted", "answered"}, "closed", _OFFICE, "完成"),
        _void(_HELP_STATES, _HELP_FINAL),
    ),
)

# --- 日工作呈报表 ---------------------------------------------------------------------
DAILY_REPORT = Workflow(
    "daily_report",
    {"draft": "填写中", "submitted": "已呈报", "reviewed": "主管已审阅"},
    "draft",
    frozenset({"reviewed"}),
    (
        _t("submit", "draft", "submitted", {R.clerk, R.assistant, R.service_desk}, "呈报"),
        _t("review", "submitted", "reviewed", _MANAGERS, "审阅签名"),
        _t("reopen", "submitted", "draft", _MANAGERS, "退回修改"),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    w.name: w for w in (CONTACT, REPAIR_FREE, REPAIR_PAID, RETURN_VISIT, HELP_REQUEST, DAILY_REPORT)
}

_PAY_FIRST = "须先到财务交费并盖章，才能派工维修"
_HINTS: dict[tuple[str, str, str], str] = {
    ("repair_paid", "received", "dispatch"): "有偿服务须先报价、住户确认并" + _PAY_FIRST[1:],
    ("repair_paid", "quoted", "dispatch"): _PAY_FIRST,
    ("repair_paid", "approved", "dispatch"): _PAY_FIRST,
    ("repair_paid", "quoted", "arrive"): _PAY_FIRST,
    ("repair_paid", "approved", "arrive"): _PAY_FIRST,
    ("contact", "result_recorded", "record_result"): "结果已登记",
}
