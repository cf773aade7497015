"""The records' lives as small explicit state machines: states, steps, and who may take them.

The screens ask `Workflow.actions(state, role)` which buttons are live; the
services call `Workflow.next_state` before they change a record, so a step
out of order or by the wrong role is refused with a Chinese reason. Checks
that need the record's fields (a reason given, a complaint's return visit
done, the help type) are the service's, helped by the functions at the end.

Paper behind each machine (seeds, FORMS.md):
- contact (住户来访/来电登记表): recorded → relayed → handled → result_recorded → archived.
- repair_free / repair_paid (工程维修单 / 有偿服务单): opened → received → (paid only:
  quoted → approved → paid, the finance stamp) → dispatched → materials_issued →
  arrived → completed → accepted → reconciled → archived. dispatched → arrived is
  allowed directly (no materials needed); returned (退单) from opened/received;
  paid only: refused when the household declines the quote.
- return_visit (回访记录表): planned → done_satisfied | done_fairly | done_dissatisfied |
  nobody_home. nobody_home: a door note is printed and `reschedule` plans the visit
  again. done_dissatisfied → nonconformity_open → rectified; the service then plans
  a new visit record, and so on until the household is satisfied. One record is
  one visit, so done_satisfied, done_fairly and rectified are final.
- help_request (业户求助信息登记表): special: received → dispatched → on_site → handled →
  closed; general: received → converted → closed; enquiry: received → answered → closed.
- daily_report (日工作呈报表): draft → submitted → reviewed; reopen sends it back to draft.
Every numbered record may be voided (作废) by a manager, with a reason, until it is final.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wuyedesk.domain.errors import TransitionRefused

# HelpType and is_special are re-exported: help-request code imports them from here.
from wuyedesk.domain.kinds import HelpType, is_special
from wuyedesk.domain.roles import MANAGERS, ROLE_LABELS, Role
from wuyedesk.i18n import tr

R = Role
ALL_ROLES = frozenset(Role)
_OFFICE = frozenset({R.clerk, R.assistant, R.service_desk, R.supervisor, R.director})
_ENGINEERING = frozenset({R.eng_supervisor, R.engineer})


@dataclass(frozen=True)
class Transition:
    """One step: from which states, to which state, for which roles, with what button label."""

    action: str
    source: frozenset[str] | str
    target: str
    roles: frozenset[Role]
    label: str
    requires_reason: bool = False

    def __post_init__(self) -> None:
        # Accept a single state for convenience; store a frozenset so `in` means membership.
        if isinstance(self.source, str):
            object.__setattr__(self, "source", frozenset({self.source}))
        object.__setattr__(self, "roles", frozenset(self.roles))

    @property
    def sources(self) -> frozenset[str]:
        """Return the states this step may be taken from."""
        assert isinstance(self.source, frozenset)
        return self.source


@dataclass(frozen=True, eq=False)
class Workflow:
    """A record kind's states, the steps between them, and who may open one."""

    name: str
    title: str
    states: dict[str, str]
    initial: str
    final: frozenset[str]
    transitions: tuple[Transition, ...]
    openers: frozenset[Role] = ALL_ROLES
    hints: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A typo in a table is a bug; catch it at import, not when a clerk presses a button.
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.name}: duplicate action names")
        used = {self.initial, *self.final}
        for step in self.transitions:
            used |= step.sources | {step.target}
        if not used <= set(self.states):
            raise ValueError(f"{self.name}: unknown states {sorted(used - set(self.states))}")

    def state_label(self, state: str) -> str:
        """Return the Chinese name of a state."""
        return self.states[state]

    def transition(self, action: str) -> Transition:
        """Return the step named `action` (KeyError for an unknown name: a bug)."""
        for step in self.transitions:
            if step.action == action:
                return step
        raise KeyError(f"{self.name}: no action {action!r}")

    def actions(self, state: str, role: Role) -> list[Transition]:
        """Return the steps this role may take from this state (the live buttons)."""
        return [t for t in self.transitions if state in t.sources and role in t.roles]

    def can(self, state: str, action: str, role: Role) -> bool:
        """Tell whether this role may take this step from this state."""
        step = self.transition(action)
        return state in step.sources and role in step.roles

    def next_state(self, state: str, action: str, role: Role) -> str:
        """Return the state after the step, or refuse with the reason in Chinese."""
        step = self.transition(action)
        if state not in step.sources:
            message = tr("当前状态为「{0}」，不能执行「{1}」").format(
                self.state_label(state), step.label
            )
            hint = self.hints.get((state, action))
            raise TransitionRefused(
                tr("{message}：{hint}").format(message=message, hint=hint) if hint else message
            )
        if role not in step.roles:
            raise TransitionRefused(
                tr("您的岗位（{0}）不能执行「{1}」").format(ROLE_LABELS[role], step.label)
            )
        return step.target

    def can_open(self, role: Role) -> bool:
        """Tell whether this role may open a new record of this kind."""
        return role in self.openers

    def start(self, role: Role) -> str:
        """Return the initial state for a new record, or refuse this role in Chinese."""
        if role not in self.openers:
            raise TransitionRefused(
                tr("您的岗位（{0}）不能新建「{1}」").format(ROLE_LABELS[role], self.title)
            )
        return self.initial


def _t(
    action: str,
    source: str | set[str],
    target: str,
    roles: frozenset[Role] | set[Role],
    label: str,
    *,
    reason: bool = False,
) -> Transition:
    sources = source if isinstance(source, str) else frozenset(source)
    return Transition(action, sources, target, frozenset(roles), label, reason)


def _void(states: dict[str, str], final: set[str]) -> Transition:
    return _t("void", set(states) - final, "void", MANAGERS, tr("作废"), reason=True)


# --- 住户来访/来电登记表 -------------------------------------------------------------
_CONTACT_STATES = {
    "recorded": tr("已登记"),
    "relayed": tr("已转达"),
    "handled": tr("已处理"),
    "result_recorded": tr("已登记结果"),
    "archived": tr("已归档"),
    "void": tr("已作废"),
}
_CONTACT_FINAL = {"archived", "void"}
CONTACT = Workflow(
    "contact",
    tr("住户来访/来电登记表"),
    _CONTACT_STATES,
    "recorded",
    frozenset(_CONTACT_FINAL),
    (
        _t("relay", "recorded", "relayed", _OFFICE, tr("转达部门")),
        # The department head handles it: engineering, security, or the office itself.
        _t("handle", "relayed", "handled", _OFFICE | _ENGINEERING | {R.security}, tr("部门处理")),
        # Praise or a question answered at the desk needs no relay: record the result at once.
        _t(
            "record_result",
            {"recorded", "relayed", "handled"},
            "result_recorded",
            _OFFICE,
            tr("登记处理结果"),
        ),
        _t("archive", "result_recorded", "archived", {R.clerk}, tr("归档")),
        _void(_CONTACT_STATES, _CONTACT_FINAL),
    ),
    openers=_OFFICE,
    hints={("result_recorded", "record_result"): tr("处理结果已登记")},
)


def contact_can_archive(is_complaint: bool, has_result: bool, visit_satisfied: bool) -> str | None:
    """Return why a register entry may not be archived yet, in Chinese, or None."""
    if not has_result:
        return tr("尚未登记处理结果，不能归档")
    if is_complaint and not visit_satisfied:
        return tr("投诉须回访且住户满意（或基本满意）后才能归档")
    return None


# --- 工程维修单 / 有偿服务单 -------------------------------------------------------------
_WORK_STATES = {
    "opened": tr("已开单"),
    "received": tr("已接单"),
    "dispatched": tr("已派工"),
    "materials_issued": tr("已领料"),
    "arrived": tr("已到场"),
    "completed": tr("已完工"),
    "accepted": tr("住户已验收"),
    "reconciled": tr("已核对"),
    "archived": tr("已归档"),
    "returned": tr("已退单"),
    "void": tr("已作废"),
}
_PAID_STATES = {
    **_WORK_STATES,
    "quoted": tr("已报价"),
    "approved": tr("住户已确认报价"),
    "paid": tr("已交费盖章"),
    "refused": tr("住户拒绝报价"),
}
_FREE_FINAL = {"archived", "returned", "void"}
_PAID_FINAL = _FREE_FINAL | {"refused"}
_OPENERS = frozenset({R.assistant, R.clerk, R.service_desk, R.supervisor})
# The household signs on the shared PC (or the engineer's tablet); whoever is at the
# desk with them records it.
_FOR_HOUSEHOLD = _OFFICE | _ENGINEERING
_FOR_HOUSEHOLD_QUOTE = _FOR_HOUSEHOLD
_FOR_HOUSEHOLD_ACCEPT = _FOR_HOUSEHOLD


def _front_steps() -> list[Transition]:
    return [
        _t("receive", "opened", "received", _ENGINEERING, tr("接单签字")),
        _t(
            "return",
            {"opened", "received"},
            "returned",
            _ENGINEERING | MANAGERS,
            tr("退单"),
            reason=True,
        ),
    ]


def _work_steps(dispatch_from: str) -> list[Transition]:
    return [
        _t("dispatch", dispatch_from, "dispatched", _ENGINEERING, tr("派工")),
        # Repeatable: a second trip to the warehouse is another issue on the same slip.
        _t(
            "issue_materials",
            {"dispatched", "materials_issued"},
            "materials_issued",
            {R.storekeeper, R.eng_supervisor},
            tr("领料"),
        ),
        _t("arrive", {"dispatched", "materials_issued"}, "arrived", _ENGINEERING, tr("到达现场")),
        _t("complete", "arrived", "completed", _ENGINEERING, tr("完工")),
        _t("accept", "completed", "accepted", _FOR_HOUSEHOLD_ACCEPT, tr("住户验收签名")),
        _t("reconcile", "accepted", "reconciled", {R.eng_supervisor}, tr("每日核对")),
        _t("archive", "reconciled", "archived", {R.clerk}, tr("归档")),
    ]


REPAIR_FREE = Workflow(
    "repair_free",
    tr("工程维修单"),
    dict(_WORK_STATES),
    "opened",
    frozenset(_FREE_FINAL),
    (*_front_steps(), *_work_steps("received"), _void(_WORK_STATES, _FREE_FINAL)),
    openers=_OPENERS,
)

_PAY_FIRST = tr("须先到财务交费并盖章，才能派工维修")
_QUOTE_FIRST = _PAY_FIRST + tr("（有偿服务先报价，住户确认后交费）")
REPAIR_PAID = Workflow(
    "repair_paid",
    tr("有偿服务单"),
    _PAID_STATES,
    "opened",
    frozenset(_PAID_FINAL),
    (
        *_front_steps(),
        # Re-quoting before the household answers replaces the price.
        _t("quote", {"received", "quoted"}, "quoted", _ENGINEERING, tr("报价")),
        _t("approve", "quoted", "approved", _FOR_HOUSEHOLD_QUOTE, tr("住户确认报价")),
        _t("refuse", "quoted", "refused", _FOR_HOUSEHOLD_QUOTE, tr("住户拒绝报价"), reason=True),
        _t("pay", "approved", "paid", {R.finance}, tr("财务盖章")),
        *_work_steps("paid"),
        _void(_PAID_STATES, _PAID_FINAL),
    ),
    openers=_OPENERS,
    hints={
        ("received", "dispatch"): _QUOTE_FIRST,
        ("quoted", "dispatch"): _PAY_FIRST,
        ("approved", "dispatch"): _PAY_FIRST,
        ("received", "arrive"): _QUOTE_FIRST,
        ("quoted", "arrive"): _PAY_FIRST,
        ("approved", "arrive"): _PAY_FIRST,
        ("paid", "arrive"): tr("请先派工"),
    },
)

# --- 回访记录表 -----------------------------------------------------------------------
_VISIT_STATES = {
    "planned": tr("待回访"),
    "nobody_home": tr("住户不在家"),
    "done_satisfied": tr("满意"),
    "done_fairly": tr("基本满意"),
    "done_dissatisfied": tr("不满意"),
    "nonconformity_open": tr("不合格项整改中"),
    "rectified": tr("已整改"),
    "void": tr("已作废"),
}
_VISIT_FINAL = {"done_satisfied", "done_fairly", "rectified", "void"}
# Managers visit routinely and on complaints, the assistant phones about repairs,
# security checks facilities (篇4 §4(1)–(4)).
_VISITORS = _OFFICE | {R.eng_supervisor, R.security}
RETURN_VISIT = Workflow(
    "return_visit",
    tr("回访记录表"),
    _VISIT_STATES,
    "planned",
    frozenset(_VISIT_FINAL),
    (
        _t("record_satisfied", "planned", "done_satisfied", _VISITORS, tr("满意")),
        _t("record_fairly", "planned", "done_fairly", _VISITORS, tr("基本满意")),
        _t("record_dissatisfied", "planned", "done_dissatisfied", _VISITORS, tr("不满意")),
        _t("nobody_home", "planned", "nobody_home", _VISITORS, tr("住户不在家（贴回访单）")),
        _t("reschedule", "nobody_home", "planned", _VISITORS, tr("另约时间")),
        _t(
            "open_nonconformity",
            "done_dissatisfied",
            "nonconformity_open",
            MANAGERS,
            tr("登记不合格项"),
        ),
        _t("rectify", "nonconformity_open", "rectified", MANAGERS | _ENGINEERING, tr("整改完成")),
        _void(_VISIT_STATES, _VISIT_FINAL),
    ),
    openers=_VISITORS,
)

# --- 业户求助信息登记表 ------------------------------------------------------------------
_HELP_STATES = {
    "received": tr("已接报"),
    "dispatched": tr("已通知人员"),
    "on_site": tr("已到场"),
    "handled": tr("已处理"),
    "converted": tr("已转登记/派单"),
    "answered": tr("已答复"),
    "closed": tr("已完成"),
    "void": tr("已作废"),
}
_HELP_FINAL = {"closed", "void"}
# Anyone on duty takes a call for help (客服, 中控室, 保安, ...): 篇5 §3.3.
_RESPONDERS = _OFFICE | {R.security, R.eng_supervisor, R.engineer}
HELP_REQUEST = Workflow(
    "help_request",
    tr("业户求助信息登记表"),
    _HELP_STATES,
    "received",
    frozenset(_HELP_FINAL),
    (
        _t("dispatch", "received", "dispatched", _RESPONDERS, tr("通知最近人员")),
        _t("arrive", "dispatched", "on_site", _RESPONDERS, tr("到场确认")),
        _t("handle", "on_site", "handled", _RESPONDERS, tr("处理完毕")),
        _t("convert", "received", "converted", _OFFICE, tr("转为登记/派单")),
        _t("answer", "received", "answered", _OFFICE, tr("答复")),
        _t("close", {"handled", "converted", "answered"}, "closed", _OFFICE, tr("完成")),
        _void(_HELP_STATES, _HELP_FINAL),
    ),
    openers=ALL_ROLES,
)

# The first step out of `received` depends on the help type.
_HELP_FIRST_STEPS = {"dispatch", "convert", "answer"}


def _help_first_step(help_type: str) -> str:
    if is_special(help_type):
        return "dispatch"
    return "answer" if help_type == HelpType.enquiry else "convert"


def help_step_refusal(help_type: str, action: str) -> str | None:
    """Return why this help type may not take this step, in Chinese, or None."""
    if action not in _HELP_FIRST_STEPS or action == _help_first_step(help_type):
        return None
    kind = HelpType(help_type).label
    wanted = HELP_REQUEST.transition(_help_first_step(help_type)).label
    return tr("「{kind}」求助应执行「{wanted}」").format(kind=kind, wanted=wanted)


def help_request_actions(help_type: str, state: str, role: Role) -> list[Transition]:
    """Return the live buttons for a help request of this type."""
    steps = HELP_REQUEST.actions(state, role)
    return [t for t in steps if help_step_refusal(help_type, t.action) is None]


# --- 日工作呈报表 ---------------------------------------------------------------------
_REPORTERS = frozenset({R.clerk, R.assistant, R.service_desk})
DAILY_REPORT = Workflow(
    "daily_report",
    tr("日工作呈报表"),
    {"draft": tr("填写中"), "submitted": tr("已呈报"), "reviewed": tr("主管已审阅")},
    "draft",
    frozenset({"reviewed"}),
    (
        _t("submit", "draft", "submitted", _REPORTERS, tr("呈报")),
        _t("review", "submitted", "reviewed", MANAGERS, tr("审阅签名")),
        _t("reopen", "submitted", "draft", MANAGERS, tr("退回修改")),
    ),
    openers=_REPORTERS,
)

WORKFLOWS: dict[str, Workflow] = {
    w.name: w for w in (CONTACT, REPAIR_FREE, REPAIR_PAID, RETURN_VISIT, HELP_REQUEST, DAILY_REPORT)
}
