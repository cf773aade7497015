"""Every step of every workflow: allowed for each permitted role, refused otherwise.

The tests are generated from the transition tables themselves, so a step added
to a workflow is tested without anyone remembering to write a test for it.
"""

from __future__ import annotations

from collections import deque

import pytest

from wuyedesk.domain.errors import TransitionRefused, UserError
from wuyedesk.domain.kinds import (
    LABELS,
    ContactKind,
    Department,
    HelpType,
    RepairCategory,
    VisitKind,
    is_special,
    label,
    labels,
)
from wuyedesk.domain.roles import MANAGERS, ROLE_LABELS, Role
from wuyedesk.domain.workflows import (
    CONTACT,
    DAILY_REPORT,
    HELP_REQUEST,
    REPAIR_FREE,
    REPAIR_PAID,
    RETURN_VISIT,
    WORKFLOWS,
    Transition,
    Workflow,
    contact_can_archive,
    help_request_actions,
    help_step_refusal,
)

STEPS = [
    (wf, step, source)
    for wf in WORKFLOWS.values()
    for step in wf.transitions
    for source in sorted(step.sources)
]
STEP_IDS = [f"{wf.name}:{step.action}:{source}" for wf, step, source in STEPS]
ACTIONS = [(wf, step) for wf in WORKFLOWS.values() for step in wf.transitions]
ACTION_IDS = [f"{wf.name}:{step.action}" for wf, step in ACTIONS]
FLOWS = pytest.mark.parametrize("wf", list(WORKFLOWS.values()), ids=list(WORKFLOWS))


def _reachable(wf: Workflow) -> set[str]:
    seen = {wf.initial}
    queue = deque([wf.initial])
    while queue:
        state = queue.popleft()
        for step in wf.transitions:
            if state in step.sources and step.target not in seen:
                seen.add(step.target)
                queue.append(step.target)
    return seen


def _walk(wf: Workflow, opener: Role, path: list[tuple[str, Role]]) -> str:
    state = wf.start(opener)
    for action, role in path:
        state = wf.next_state(state, action, role)
    return state


# --- generated from the tables -------------------------------------------------------


@pytest.mark.parametrize(("wf", "step", "source"), STEPS, ids=STEP_IDS)
def test_step_allowed_for_every_permitted_role(wf: Workflow, step: Transition, source: str) -> None:
    for role in step.roles:
        assert wf.next_state(source, step.action, role) == step.target
        assert wf.can(source, step.action, role)
        assert step in wf.actions(source, role)


@pytest.mark.parametrize(("wf", "step", "source"), STEPS, ids=STEP_IDS)
def test_step_refused_for_every_other_role(wf: Workflow, step: Transition, source: str) -> None:
    for role in set(Role) - step.roles:
        with pytest.raises(TransitionRefused) as refused:
            wf.next_state(source, step.action, role)
        assert refused.value.message == f"您的岗位（{ROLE_LABELS[role]}）不能执行「{step.label}」"
        assert not wf.can(source, step.action, role)
        assert step not in wf.actions(source, role)


@pytest.mark.parametrize(("wf", "step"), ACTIONS, ids=ACTION_IDS)
def test_step_refused_from_every_other_state(wf: Workflow, step: Transition) -> None:
    wrong_states = set(wf.states) - step.sources
    assert wrong_states, "a step allowed from every state would allow leaving a final state"
    for state in wrong_states:
        for role in step.roles:
            with pytest.raises(TransitionRefused) as refused:
                wf.next_state(state, step.action, role)
            expected = f"当前状态为「{wf.state_label(state)}」，不能执行「{step.label}」"
            assert refused.value.message.startswith(expected)
            assert not wf.can(state, step.action, role)


@pytest.mark.parametrize(("wf", "step"), ACTIONS, ids=ACTION_IDS)
def test_every_step_has_a_chinese_button_and_some_role(wf: Workflow, step: Transition) -> None:
    assert step.roles
    assert step.label and not step.label.isascii()
    assert isinstance(step.source, frozenset)


@FLOWS
def test_every_state_is_reachable_from_the_initial_state(wf: Workflow) -> None:
    assert _reachable(wf) == set(wf.states)


@FLOWS
def test_every_open_state_has_an_exit_and_final_states_have_none(wf: Workflow) -> None:
    for state in set(wf.states) - wf.final:
        assert any(state in step.sources for step in wf.transitions), state
    for state in wf.final:
        assert not any(state in step.sources for step in wf.transitions), state
        assert all(wf.actions(state, role) == [] for role in Role)


@FLOWS
def test_every_state_has_a_chinese_name(wf: Workflow) -> None:
    assert wf.initial not in wf.final
    for state, name in wf.states.items():
        assert state.isascii() and state.islower()
        assert wf.state_label(state) == name and not name.isascii()


@FLOWS
def test_buttons_are_exactly_the_allowed_steps(wf: Workflow) -> None:
    for state in wf.states:
        for role in Role:
            live = {t.action for t in wf.actions(state, role)}
            allowed = {t.action for t in wf.transitions if wf.can(state, t.action, role)}
            assert live == allowed


def test_tables_with_typos_are_refused_at_import() -> None:
    bad = Transition("go", "nowhere", "done", frozenset({Role.clerk}), "走")
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("x", "X表", {"a": "甲", "done": "完"}, "a", frozenset({"done"}), (bad,))
    twice = Transition("go", "a", "done", frozenset({Role.clerk}), "走")
    with pytest.raises(ValueError, match="duplicate"):
        Workflow("x", "X表", {"a": "甲", "done": "完"}, "a", frozenset({"done"}), (twice, twice))


def test_unknown_action_is_a_bug_not_a_user_error() -> None:
    with pytest.raises(KeyError):
        CONTACT.next_state("recorded", "launch", Role.clerk)


# --- void, return, refuse -------------------------------------------------------------


@FLOWS
def test_managers_void_any_open_record_with_a_reason(wf: Workflow) -> None:
    if "void" not in wf.states:
        assert wf is DAILY_REPORT  # not a numbered record: nothing to void
        return
    void = wf.transition("void")
    assert void.requires_reason
    assert void.roles == MANAGERS
    assert void.sources == set(wf.states) - wf.final
    assert "void" in wf.final


def test_only_void_return_and_refuse_need_a_reason() -> None:
    for _wf, step in ACTIONS:
        assert step.requires_reason == (step.action in {"void", "return", "refuse"}), step


# --- repair slips -----------------------------------------------------------------------

FREE_PATH = [
    ("receive", Role.engineer),
    ("dispatch", Role.eng_supervisor),
    ("issue_materials", Role.storekeeper),
    ("arrive", Role.engineer),
    ("complete", Role.engineer),
    ("accept", Role.assistant),
    ("reconcile", Role.eng_supervisor),
    ("archive", Role.clerk),
]
PAID_PATH = [
    ("receive", Role.eng_supervisor),
    ("quote", Role.engineer),
    ("approve", Role.assistant),
    ("pay", Role.finance),
    *FREE_PATH[1:],
]


def test_a_free_repair_runs_the_paper_order() -> None:
    assert REPAIR_FREE.start(Role.assistant) == "opened"
    assert _walk(REPAIR_FREE, Role.assistant, FREE_PATH) == "archived"


def test_a_paid_repair_runs_quote_approval_stamp_then_work() -> None:
    state = REPAIR_PAID.start(Role.service_desk)
    seen = [state]
    for action, role in PAID_PATH:
        state = REPAIR_PAID.next_state(state, action, role)
        seen.append(state)
    assert seen[:5] == ["opened", "received", "quoted", "approved", "paid"]
    assert state == "archived"


@pytest.mark.parametrize("state", ["received", "quoted", "approved"])
def test_paid_work_cannot_start_before_the_finance_stamp(state: str) -> None:
    for action in ("dispatch", "arrive"):
        with pytest.raises(TransitionRefused, match="须先到财务交费并盖章"):
            REPAIR_PAID.next_state(state, action, Role.eng_supervisor)
    assert "dispatch" not in {t.action for t in REPAIR_PAID.actions(state, Role.eng_supervisor)}


def test_the_stamp_is_finance_only_and_opens_the_work() -> None:
    assert REPAIR_PAID.transition("pay").roles == {Role.finance}
    with pytest.raises(TransitionRefused, match=r"您的岗位（工程人员）不能执行「财务盖章」"):
        REPAIR_PAID.next_state("approved", "pay", Role.engineer)
    assert REPAIR_PAID.next_state("paid", "dispatch", Role.engineer) == "dispatched"
    assert REPAIR_FREE.next_state("received", "dispatch", Role.engineer) == "dispatched"


def test_a_finished_slip_says_why_it_cannot_be_dispatched() -> None:
    with pytest.raises(TransitionRefused) as refused:
        REPAIR_FREE.next_state("completed", "dispatch", Role.eng_supervisor)
    assert refused.value.message == "当前状态为「已完工」，不能执行「派工」"
    assert isinstance(refused.value, UserError)


def test_materials_are_optional_and_may_be_issued_twice() -> None:
    assert REPAIR_FREE.next_state("dispatched", "arrive", Role.engineer) == "arrived"
    again = REPAIR_FREE.next_state("materials_issued", "issue_materials", Role.storekeeper)
    assert again == "materials_issued"
    assert not REPAIR_FREE.can("dispatched", "issue_materials", Role.engineer)


def test_a_refused_quote_closes_only_the_paid_slip() -> None:
    assert REPAIR_PAID.next_state("quoted", "refuse", Role.clerk) == "refused"
    assert "refused" in REPAIR_PAID.final
    assert "refused" not in REPAIR_FREE.states
    assert "quoted" not in REPAIR_FREE.states


def test_who_opens_a_slip() -> None:
    for wf in (REPAIR_FREE, REPAIR_PAID):
        openers = {r for r in Role if wf.can_open(r)}
        assert openers == {Role.assistant, Role.clerk, Role.service_desk, Role.supervisor}
        with pytest.raises(TransitionRefused, match=f"您的岗位（财务）不能新建「{wf.title}」"):
            wf.start(Role.finance)


def test_buttons_follow_role_and_state() -> None:
    assert [t.action for t in REPAIR_PAID.actions("received", Role.engineer)] == [
        "return",
        "quote",
    ]
    assert [t.action for t in REPAIR_PAID.actions("approved", Role.finance)] == ["pay"]
    assert [t.action for t in REPAIR_PAID.actions("approved", Role.director)] == ["void"]
    assert REPAIR_PAID.actions("archived", Role.director) == []


# --- register, return visits, help, daily report --------------------------------------


def test_a_contact_is_relayed_handled_resulted_and_archived_by_the_clerk() -> None:
    path = [
        ("relay", Role.assistant),
        ("handle", Role.eng_supervisor),
        ("record_result", Role.assistant),
        ("archive", Role.clerk),
    ]
    assert _walk(CONTACT, Role.assistant, path) == "archived"
    assert CONTACT.next_state("recorded", "record_result", Role.clerk) == "result_recorded"
    with pytest.raises(TransitionRefused, match="处理结果已登记"):
        CONTACT.next_state("result_recorded", "record_result", Role.clerk)


def test_complaint_archiving_rule() -> None:
    assert contact_can_archive(False, True, False) is None
    assert "处理结果" in (contact_can_archive(False, False, False) or "")
    assert "处理结果" in (contact_can_archive(True, False, True) or "")
    assert "回访" in (contact_can_archive(True, True, False) or "")
    assert contact_can_archive(True, True, True) is None


def test_return_visit_door_note_and_nonconformity() -> None:
    assert RETURN_VISIT.next_state("planned", "nobody_home", Role.assistant) == "nobody_home"
    assert RETURN_VISIT.next_state("nobody_home", "reschedule", Role.assistant) == "planned"
    state = RETURN_VISIT.next_state("planned", "record_dissatisfied", Role.supervisor)
    assert state == "done_dissatisfied" and state not in RETURN_VISIT.final
    state = RETURN_VISIT.next_state(state, "open_nonconformity", Role.supervisor)
    assert RETURN_VISIT.next_state(state, "rectify", Role.eng_supervisor) == "rectified"
    assert {"done_satisfied", "done_fairly", "rectified"} <= RETURN_VISIT.final


@pytest.mark.parametrize(
    ("help_type", "first"),
    [
        (HelpType.medical, "dispatch"),
        (HelpType.crime, "dispatch"),
        (HelpType.flood_fire, "dispatch"),
        (HelpType.enquiry, "answer"),
        (HelpType.paid_service, "convert"),
        (HelpType.repair, "convert"),
        (HelpType.complaint, "convert"),
        (HelpType.other, "convert"),
    ],
)
def test_help_request_first_step_follows_the_type(help_type: HelpType, first: str) -> None:
    assert is_special(help_type) == (first == "dispatch")
    live = {t.action for t in help_request_actions(help_type, "received", Role.service_desk)}
    assert live == {first}
    assert {t.action for t in help_request_actions(help_type, "received", Role.director)} == {
        first,
        "void",
    }
    for other in {"dispatch", "answer", "convert"} - {first}:
        assert help_type.label in (help_step_refusal(help_type, other) or "")
    assert help_step_refusal(help_type, first) is None
    assert help_step_refusal(help_type, "close") is None


def test_special_help_runs_to_closed() -> None:
    path = [
        ("dispatch", Role.security),
        ("arrive", Role.security),
        ("handle", Role.director),
        ("close", Role.service_desk),
    ]
    assert _walk(HELP_REQUEST, Role.security, path) == "closed"
    assert all(HELP_REQUEST.can_open(r) for r in Role)


def test_daily_report_is_reviewed_or_sent_back_by_a_manager() -> None:
    assert DAILY_REPORT.start(Role.assistant) == "draft"
    assert not DAILY_REPORT.can_open(Role.engineer)
    assert DAILY_REPORT.next_state("submitted", "reopen", Role.supervisor) == "draft"
    assert DAILY_REPORT.next_state("submitted", "review", Role.director) == "reviewed"
    with pytest.raises(TransitionRefused, match="物业助理"):
        DAILY_REPORT.next_state("submitted", "review", Role.assistant)


# --- roles and kinds -------------------------------------------------------------------


def test_roles_have_their_office_names() -> None:
    assert set(ROLE_LABELS) == set(Role)
    assert ROLE_LABELS[Role.eng_supervisor] == "工程部主管"
    assert {Role.supervisor, Role.director} == MANAGERS


def test_same_value_in_two_enums_keeps_each_label() -> None:
    # StrEnum members equal their values; one flat dict would merge these two.
    assert VisitKind.repair == ContactKind.repair
    assert label(VisitKind.repair) == "维修"
    assert label(ContactKind.repair) == "报修"
    assert Department.service_desk.label == "客服中心"
    assert labels(RepairCategory)["plumbing_electrical"] == "水电"


def test_every_kind_has_a_label_and_no_extras() -> None:
    for enum, table in LABELS.items():
        assert list(labels(enum)) == [m.value for m in enum] == list(table)
        assert all(not text.isascii() for text in table.values())
