"""Every step of every workflow: allowed for a permitted role, refused otherwise."""

from __future__ import annotations

from collections import deque

import pytest

from wuyedesk.domain.errors import TransitionRefused
from wuyedesk.domain.roles import Role
from wuyedesk.domain.workflows import (
    REPAIR_FREE,
    REPAIR_PAID,
    WORKFLOWS,
    Transition,
    Workflow,
    contact_can_archive,
)

STEPS = [
    (wf, step, source)
    for wf in WORKFLOWS.values()
    for step in wf.transitions
    for source in sorted(step.source)
]
IDS = [f"{wf.name}:{step.action}:{source}" for wf, step, source in STEPS]


@pytest.mark.parametrize(("wf", "step", "source"), STEPS, ids=IDS)
def test_step_allowed_for_every_permitted_role(wf: Workflow, step: Transition, source: str) -> None:
    for role in step.roles:
        assert wf.next_state(source, step.action, role) == step.target
        assert step in wf.actions(source, role)


@pytest.mark.parametrize(("wf", "step", "source"), STEPS, ids=IDS)
def test_step_refused_for_other_roles(wf: Workflow, step: Transition, source: str) -> None:
    for role in set(Role) - step.roles:
        with pytest.raises(TransitionRefused, match="您的岗位"):
            wf.next_state(source, step.action, role)
        assert not wf.can(source, step.action, role)


@pytest.mark.parametrize(
    ("wf", "step"),
    [(wf, s) for wf in WORKFLOWS.values() for s in wf.transitions],
    ids=[f"{wf.name}:{s.action}" for wf in WORKFLOWS.values() for s in wf.transitions],
)
def test_step_refused_from_every_other_state(wf: Workflow, step: Transition) -> None:
    role = next(iter(step.roles))
    for state in set(wf.states) - step.source:
        with pytest.raises(TransitionRefused, match="当前状态为"):
            wf.next_state(state, step.action, role)


@pytest.mark.parametrize("wf", WORKFLOWS.values(), ids=list(WORKFLOWS))
def test_every_state_is_reachable_and_every_open_state_has_an_exit(wf: Workflow) -> None:
    seen = {wf.initial}
    queue = deque([wf.initial])
    while queue:
        state = queue.popleft()
        for step in wf.transitions:
            if state in step.source and step.target not in seen:
                seen.add(step.target)
                queue.append(step.target)
    assert seen == set(wf.states)
    for state in set(wf.states) - wf.final:
        assert any(state in step.source for step in wf.transitions), state
    for state in wf.final:
        assert not any(state in s.source for s in wf.transitions if s.action != "reopen"), state


def test_paid_work_cannot_start_before_the_finance_stamp() -> None:
    for state in ("received", "quoted", "approved"):
        with pytest.raises(TransitionRefused, match="财务交费并盖章"):
            REPAIR_PAID.next_state(state, "dispatch", Role.eng_supervisor)
    assert REPAIR_PAID.next_state("paid", "dispatch", Role.eng_supervisor) == "dispatched"
    assert REPAIR_FREE.next_state("received", "dispatch", Role.eng_supervisor) == "dispatched"


def test_only_finance_stamps() -> None:
    assert REPAIR_PAID.transition("pay").roles == {Role.finance}
    with pytest.raises(TransitionRefused, match="财务"):
        REPAIR_PAID.next_state("approved", "pay", Role.engineer)


def test_void_return_and_refusal_need_a_reason_and_a_manager_voids() -> None:
    for wf in WORKFLOWS.values():
        for step in wf.transitions:
            if step.action in ("void", "return", "refuse"):
                assert step.requires_reason
            if step.action == "void":
                assert step.roles == {Role.supervisor, Role.director}


def test_buttons_follow_role_and_state() -> None:
    engineer = [t.action for t in REPAIR_PAID.actions("received", Role.engineer)]
    assert engineer == ["return", "quote"]
    assert REPAIR_PAID.actions("archived", Role.director) == []
    assert [t.action for t in REPAIR_PAID.actions("approved", Role.finance)] == ["pay"]


def test_complaint_archiving_rule() -> None:
    assert contact_can_archive(False, True, False) is None
    assert "处理结果" in (contact_can_archive(False, False, False) or "")
    assert "回访" in (contact_can_archive(True, True, False) or "")
    assert contact_can_archive(True, True, True) is None
