"""The demo's years of records, each one walked through its workflow up to 'now'.

A record is planned as its opening fields plus a list of timed steps (the
workflow's actions). `Desk.settle` takes the steps whose time has come, asks
the domain workflow for each next state (a step out of order, or by a role
that may not take it, is a bug and raises), lets each step fill its own
fields, and stops: old records end archived, recent ones stay open wherever
'now' finds them. Linked records (a complaint's return visits, a converted
help request's slip) are settled only when the step that creates them was
taken. States no record happened to reach are then planned on purpose, so
every state of every workflow appears.
"""

from __future__ import annotations

import json
import math
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from wuyedesk.domain import demo_names as names
from wuyedesk.domain.kinds import is_special
from wuyedesk.domain.money import line_amount
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import (
    OFFICE_TZ,
    arrival_late,
    complaint_visit_due,
    enquiry_answer_due,
    half_year_bounds,
    half_year_of,
)
from wuyedesk.domain.workflows import WORKFLOWS, help_step_refusal
from wuyedesk.i18n import ENGLISH, language, tr
from wuyedesk.store.models import (
    Contact,
    DailyReport,
    HelpRequest,
    HelpStep,
    MaterialIssue,
    QuoteLine,
    Reconciliation,
    RepairOrder,
    ReturnVisit,
    Signature,
    SpotCheck,
)
from wuyedesk.store.numbering import next_numbers

R = Role
NOW = object()  # in `stamp(...)`: "the time the step is taken"
# Per month, as a share of households (the office's usual volumes; `volume` multiplies them).
CONTACT_RATE, REPAIR_RATE, HELP_RATE = 0.04, 0.03, 0.005
# Per year, whatever the volume: security's facility rounds, the supervisor's spot checks.
ROUNDS_A_YEAR = SPOT_CHECKS_A_YEAR = 36
PAID_SHARE, SPECIAL_SHARE = 0.25, 0.3
CONTACT_KINDS = {"complaint": 33, "enquiry": 20, "repair": 8, "praise": 8, "suggestion": 12,
                 "help": 5, "other": 14}  # fmt: skip
DEPARTMENTS = {"engineering": 35, "property": 25, "security": 15, "cleaning": 12, "greening": 8,
               "service_desk": 5}  # fmt: skip
HELP_TYPES = {"medical": 12, "crime": 8, "flood_fire": 10, "enquiry": 25, "paid_service": 15,
              "repair": 15, "complaint": 5, "other": 10}  # fmt: skip
VISIT_OUTCOMES = {
    "complaint": {"satisfied": 58, "fairly": 24, "dissatisfied": 10, "nobody_home": 8},
    "routine": {"satisfied": 68, "fairly": 20, "dissatisfied": 3, "nobody_home": 9},
    "repair": {"satisfied": 80, "fairly": 16, "dissatisfied": 4},
    "facility": {"satisfied": 75, "fairly": 22, "dissatisfied": 3},
}


@dataclass(frozen=True)
class StaffRef:
    """A member of staff as the records name them."""

    id: int
    name: str
    phone: str
    role: Role


@dataclass(frozen=True)
class Household:
    """An occupied unit and the person the office usually deals with."""

    unit_id: int
    code: str
    building: str
    name: str
    phone: str
    people: tuple[str, ...]


Fill = Callable[[datetime], dict[str, Any]]

# pypinyin reads these surnames as their everyday word (曾 céng, 覃 tán); as names they differ.
_SURNAME_PINYIN = {"曾": "zeng", "覃": "qin"}  # i18n: data


def shown_name(name: str) -> str:
    """Return a demo person's name as this desk writes it: as drawn, or in pinyin in English.

    The demo draws Chinese names (demo_names); an English desk gets them romanised, surname
    first as Chinese names are written in English: 张伟 → Zhang Wei, 欧阳娜娜 → Ouyang Nana.
    """
    if language() != ENGLISH:
        return name
    from pypinyin import lazy_pinyin  # only for an English demo: its tables take ~0.4 s

    surname = name[:2] if name[:2] in names.COMPOUND_SURNAMES else name[:1]
    family = _SURNAME_PINYIN.get(surname) or "".join(lazy_pinyin(surname, v_to_u=True))
    given = "".join(lazy_pinyin(name[len(surname) :], v_to_u=True))
    return f"{family.capitalize()} {given.capitalize()}".strip()


def said(text: str | None) -> str | None:
    """Return a demo phrase (demo_names, marked N_) in this desk's language."""
    return tr(text) if text else text


def _material(line: tuple[str, str, int, int]) -> tuple[str, str, int, int]:
    item, spec, price, milli = line
    return tr(item), tr(spec), price, milli


@dataclass
class Step:
    """One workflow action at a time, by a role; when taken it fills fields and keeps rows."""

    action: str
    at: datetime
    role: Role
    fill: Fill | None = None
    also: Callable[[datetime], object] | None = None


@dataclass
class Plan:
    """A record, its steps, and the linked records each step brings about."""

    flow: str
    record: Any
    steps: list[Step]
    then: dict[str, Callable[[datetime], list[Plan]]] = field(default_factory=dict)
    help_type: str | None = None


def stamp(**fields: Any) -> Fill:
    """Return a step's fill: NOW becomes the step's time, a callable is called with it."""

    def fill(at: datetime) -> dict[str, Any]:
        return {k: at if v is NOW else v(at) if callable(v) else v for k, v in fields.items()}

    return fill


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    """Return a key drawn by its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def at_local(day: date, hour: int, minute: int) -> datetime:
    """Return an office-time moment."""
    return datetime.combine(day, time(hour, minute), OFFICE_TZ)


def scribble_png(rng: random.Random, width: int = 160, height: int = 48) -> bytes:
    """Return a small grey PNG of a handwritten-looking stroke (a stand-in signature)."""
    pixels = bytearray(b"\xff" * (width * height))
    waves = [(rng.uniform(3, 9), rng.uniform(0.05, 0.3), rng.uniform(0, 6.3)) for _ in range(3)]
    loops = rng.randint(2, 5)
    for step in range((width - 20) * 4):
        t = step / 4
        x = 10 + t + 6 * math.sin(t * loops / 12)
        y = height / 2 + sum(a * math.sin(f * t + p) for a, f, p in waves)
        for dx, dy in ((0, 0), (1, 0), (0, 1)):
            px, py = int(x) + dx, int(y) + dy
            if 0 <= px < width and 0 <= py < height:
                pixels[py * width + px] = 20
    raw = b"".join(b"\x00" + pixels[r * width : (r + 1) * width] for r in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(bytes(raw), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


TABLES = (Signature, Contact, Reconciliation, RepairOrder, QuoteLine, MaterialIssue, HelpRequest,
          HelpStep, ReturnVisit, DailyReport, SpotCheck)  # fmt: skip


class Desk:
    """The office's years: staff, households, the clock, and every record made so far."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        now: datetime,
        staff: dict[Role, list[StaffRef]],
        households: list[Household],
        years: int = 1,
    ) -> None:
        self.rng, self.now, self.staff, self.households = rng, now, staff, households
        span = round(365.25 * years)  # one year is 365 days, five are 1,826
        self.start_day = now.date() - timedelta(days=span)
        self.rows: dict[type, list[Any]] = {model: [] for model in TABLES}
        self.ids: dict[type, int] = {
            m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in TABLES
        }
        self.scribbles = [scribble_png(rng) for _ in range(32)]
        self.days = [self.start_day + timedelta(days=n) for n in range(span + 1)]
        self.day_weights = [1.0 if d.weekday() < 5 else 0.6 for d in self.days]

    def new(self, model: type, **fields: Any) -> Any:
        """Make a row with the next id of its table (kept only when settled: see `keep`)."""
        row = model(id=self.ids[model], **fields)
        self.ids[model] += 1
        return row

    def keep(self, row: Any) -> Any:
        """Keep a row for writing."""
        self.rows[type(row)].append(row)
        return row

    def one(self, *roles: Role) -> StaffRef:
        """Return a member of staff of one of these roles."""
        return self.rng.choice([s for role in roles for s in self.staff[role]])

    def home(self) -> Household:
        """Return a household; a few households call far more often than the rest."""
        pool = self.households
        if self.rng.random() < 0.15:
            pool = pool[: max(1, len(pool) // 20)]
        return self.rng.choice(pool)

    def mins(self, at: datetime, low: float, high: float) -> datetime:
        """Return `at` plus a random number of minutes."""
        return at + timedelta(minutes=self.rng.randint(int(low), int(high)))

    def open_hours(self, at: datetime) -> datetime:
        """Return `at`, or the next office morning when it falls outside office hours."""
        local = at.astimezone(OFFICE_TZ)
        if local.time() < time(8, 30):
            return self.mins(at_local(local.date(), 8, 30), 0, 30)
        if local.time() > time(17, 30):
            return self.mins(at_local(local.date() + timedelta(days=1), 8, 30), 0, 40)
        return at

    def moment(self, day: date, *, any_hour: bool = False) -> datetime:
        """Return a time on `day`: office hours mostly, any hour for emergencies; before now."""
        if any_hour:
            at = self.mins(at_local(day, 0, 0), 0, 24 * 60 - 1)
        elif self.rng.random() < 0.1:
            at = self.mins(at_local(day, 17, 30), 0, 180)
        else:
            at = self.mins(at_local(day, 8, 30), 0, 9 * 60)
        return at if at < self.now else self.now - timedelta(minutes=self.rng.randint(5, 600))

    def moments(self, count: int, *, any_hour: bool = False) -> list[datetime]:
        """Return `count` sorted times spread over the years, fewer at weekends."""
        days = self.rng.choices(self.days, weights=self.day_weights, k=count)
        return sorted(self.moment(d, any_hour=any_hour) for d in days)

    def signature(self, name: str, staff_id: int | None, purpose: str) -> Callable[[datetime], int]:
        """Return a fill value that keeps a signature drawn on the shared PC, giving its id."""
        png = self.scribbles[staff_id % 8 if staff_id else self.rng.randrange(8, 32)]

        def sign(at: datetime) -> int:
            row = self.new(
                Signature,
                png=png,
                signer_name=name,
                signer_staff_id=staff_id,
                purpose=purpose,
                signed_at=at,
            )
            return int(self.keep(row).id)

        return sign

    def settle(self, plan: Plan) -> str:
        """Take the steps due by now through the workflow; keep the record and its links."""
        flow = WORKFLOWS[plan.flow]
        state, taken, last = flow.initial, [], None
        for step in plan.steps:
            if step.at > self.now:
                break
            if last is not None and step.at < last:
                raise AssertionError(f"{plan.flow}: {step.action} goes back in time")
            if plan.help_type and (why := help_step_refusal(plan.help_type, step.action)):
                raise AssertionError(why)
            state = flow.next_state(state, step.action, step.role)
            for name, value in (step.fill(step.at) if step.fill else {}).items():
                setattr(plan.record, name, value)
            if step.also:
                step.also(step.at)
            taken.append(step)
            last = step.at
        plan.record.state = state
        self.keep(plan.record)
        for step in taken:
            for child in plan.then.get(step.action, lambda at: [])(step.at):
                self.settle(child)
        return state

    def force(self, flow: str, target: str, make: Callable[[datetime, str], Plan]) -> None:
        """Plan one record that stops exactly in `target` (a state nothing else reached)."""
        workflow = WORKFLOWS[flow]
        days = self.rng.randint(20, 300) if target in workflow.final else 0
        back = timedelta(days=days, hours=self.rng.randint(2, 40))
        for _ in range(30):
            plan = make(self.now - back, target)
            state, reached = workflow.initial, -1 if workflow.initial == target else None
            for i, step in enumerate(plan.steps):
                state = workflow.next_state(state, step.action, step.role)
                if state == target and reached is None:
                    reached = i
            if reached is None:
                raise AssertionError(f"{flow}: the plan for {target} never reaches it")
            at = plan.steps[reached].at if reached >= 0 else self.now - back
            if at <= self.now:
                plan.steps = plan.steps[: reached + 1]  # and there it stays, for now
                self.settle(plan)
                return
            back += at - self.now + timedelta(hours=self.rng.randint(1, 24))
        raise AssertionError(f"{flow}: could not place a record in {target}")


def void_step(desk: Desk, at: datetime, reason: str) -> Step:
    """Return a manager's voiding of a record soon after it was made."""
    return Step(
        "void", desk.mins(at, 5, 40), R.supervisor, stamp(void_reason=reason, voided_at=NOW)
    )


# --- 住户来访/来电登记表 -------------------------------------------------------------------
def head_of(desk: Desk, department: str) -> StaffRef:
    """Return who a matter is relayed to in a department."""
    roles = {
        "engineering": R.eng_supervisor,
        "security": R.security,
        "service_desk": R.service_desk,
    }
    return desk.staff[roles.get(department, R.supervisor)][0]


def contact_plan(
    desk: Desk, at: datetime, kind: str, *, home: Household | None = None, aim: str | None = None
) -> Plan:
    """Plan a register entry; a complaint brings its return visits, a repair its slip."""
    rng, home = desk.rng, home or desk.home()
    clerk, by = desk.one(R.clerk), desk.one(R.clerk, R.assistant, R.assistant, R.service_desk)
    method = "letter" if rng.random() < 0.05 else rng.choice(("call", "call", "visit"))
    if kind == "complaint":
        department = pick(rng, DEPARTMENTS)
        content = tr(rng.choice(names.COMPLAINTS[department]))
    else:
        department = {"repair": "engineering", "help": "security"}.get(kind, "property")
        content = tr(rng.choice(names.OTHER_CONTACTS[kind]))
    record = desk.new(
        Contact,
        at=at,
        created_at=at,
        method=method,
        unit_id=home.unit_id,
        caller_name=rng.choice(home.people),
        phone=home.phone,
        kind=kind,
        content=content,
        recorded_by_id=by.id,
    )
    plan = Plan("contact", record, [])
    if aim == "void" or (aim is None and rng.random() < 0.015):
        plan.steps.append(void_step(desk, at, tr(rng.choice(names.VOID_REASONS))))
        return plan
    archive = stamp(archived_at=NOW, archived_by_id=clerk.id)
    result = stamp(result=said(names.CONTACT_RESULTS.get(kind)), result_at=NOW)
    if kind in ("enquiry", "praise") and rng.random() < 0.6 and aim not in ("relayed", "handled"):
        done = desk.mins(at, 5, 25)  # answered at the desk: nothing to relay
        plan.steps += [
            Step("record_result", done, by.role, result),
            Step("archive", desk.open_hours(desk.mins(done, 60 * 20, 60 * 72)), R.clerk, archive),
        ]
        return plan
    head = head_of(desk, department)
    relayed = desk.mins(at, 2, 12)
    handled = desk.open_hours(desk.mins(relayed, 10, 90))
    relay = stamp(relayed_department=department, relayed_to=head.name, relayed_at=NOW)
    plan.steps.append(Step("relay", relayed, by.role, relay))
    if kind != "complaint":
        done = desk.open_hours(desk.mins(handled, 30, 60 * 26))
        plan.steps += [
            Step("handle", handled, head.role),
            Step("record_result", done, by.role, result),
            Step("archive", desk.open_hours(desk.mins(done, 60 * 16, 60 * 72)), R.clerk, archive),
        ]
        if kind == "repair":
            slip = lambda t: [repair_plan(desk, t, paid=False, home=home, contact_id=record.id)]  # noqa: E731
            plan.then["relay"] = slip
        return plan
    record.complained_department = department
    record.visit_due_at = complaint_visit_due(at)
    solvable = rng.random() < 0.85
    answer = tr("已向住户道歉并说明处理办法") if solvable else tr(names.UNSOLVABLE_ANSWER)
    result_at = desk.mins(handled, 60, 60 * 18)
    plan.steps += [
        Step(
            "handle",
            handled,
            head.role,
            stamp(
                dept_contact_at=NOW,
                solvable=solvable,
                remedy=tr(names.REMEDIES[department]),
                answer=answer,
            ),
        ),
        Step(
            "record_result",
            result_at,
            by.role,
            stamp(result=tr(rng.choice(names.COMPLAINT_RESULTS)), result_at=NOW),
        ),
    ]
    late = rng.random() < 0.06  # a few visits miss the 24 hours
    first = record.visit_due_at + timedelta(hours=rng.randint(2, 30)) if late else None
    chain = visit_chain(
        desk,
        "complaint",
        home,
        created=relayed,
        due=record.visit_due_at,
        visit_at=first or desk.mins(result_at, 30, 180),
        contact_id=record.id,
        department=department,
    )
    plan.then["relay"] = lambda t: chain.plans
    if chain.done_at is not None:  # archived only once a visit found the household satisfied
        closing = desk.open_hours(desk.mins(chain.done_at, 60, 60 * 30))
        closed = stamp(archived_at=NOW, archived_by_id=clerk.id, satisfaction=chain.satisfaction)
        plan.steps.append(Step("archive", closing, R.clerk, closed))
    return plan


# --- 回访记录表 ----------------------------------------------------------------------------
@dataclass
class Chain:
    """A return visit and its follow-ups until the household is satisfied."""

    plans: list[Plan]
    done_at: datetime | None
    satisfaction: str | None


def visit_chain(
    desk: Desk,
    kind: str,
    home: Household | None,
    *,
    created: datetime,
    due: datetime,
    visit_at: datetime,
    contact_id: int | None = None,
    repair_id: int | None = None,
    facility: str | None = None,
    department: str | None = None,
    previous: int | None = None,
    aim: str | None = None,
) -> Chain:
    """Plan a visit; dissatisfied opens a nonconformity and, once rectified, a new visit."""
    rng = desk.rng
    visitor = _visitor(desk, kind)
    visitors = visitor.name
    if kind == "complaint" and department not in (None, "property"):
        # With the complained department's head, joined as the record stores visitors.
        visitors += "、" + head_of(desk, department).name  # i18n: data
    record = desk.new(
        ReturnVisit,
        kind=kind,
        unit_id=home.unit_id if home else None,
        facility=facility,
        contact_id=contact_id,
        repair_order_id=repair_id,
        previous_visit_id=previous,
        due_at=due,
        created_at=created,
    )
    plan = Plan("return_visit", record, [])
    wanted = {
        "nobody_home": "nobody_home",
        "done_satisfied": "satisfied",
        "done_fairly": "fairly",
        "done_dissatisfied": "dissatisfied",
        "nonconformity_open": "dissatisfied",
        "rectified": "dissatisfied",
        "void": "void",
    }
    outcome = wanted.get(aim or "") or pick(rng, VISIT_OUTCOMES[kind])
    if previous is not None:
        outcome = rng.choice(("satisfied", "satisfied", "fairly"))
    if outcome == "void" or (aim is None and kind == "repair" and rng.random() < 0.03):
        plan.steps.append(void_step(desk, created, tr("住户已搬离或重复安排，取消回访")))
        return Chain([plan], None, None)
    method = {"repair": "phone", "facility": "inspection"}.get(kind)
    method = method or rng.choice(("talk", "talk", "on_site", "inspection"))
    visit_at = max(visit_at, created)
    who = stamp(visitors=visitors, visitor_id=visitor.id)
    if outcome == "nobody_home":  # door note, a new date; unanswered notes become a phone call
        new_due = desk.open_hours(desk.mins(visit_at, 60 * 20, 60 * 50))
        note = stamp(door_note_at=NOW, opinions=tr(names.NOBODY_HOME), **who(visit_at))
        plan.steps += [
            Step("nobody_home", visit_at, visitor.role, note),
            Step("reschedule", desk.mins(visit_at, 10, 60), visitor.role, stamp(due_at=new_due)),
        ]
        visit_at, method = desk.mins(new_due, 0, 60), rng.choice((method, "phone"))
        outcome = rng.choice(("satisfied", "satisfied", "fairly"))
    opinion = tr(rng.choice(names.VISIT_OPINIONS[outcome]))
    seen = stamp(
        visited_at=NOW, method=method, opinions=opinion, satisfaction=outcome, **who(visit_at)
    )
    plan.steps.append(Step(f"record_{outcome}", visit_at, visitor.role, seen))
    if outcome != "dissatisfied":
        return Chain([plan], visit_at, outcome)
    problem, responsible = rng.choice(names.NONCONFORMITIES)
    problem = tr(problem)
    deadline = (visit_at + timedelta(days=rng.randint(3, 10))).astimezone(OFFICE_TZ).date()
    opened = desk.mins(visit_at, 60, 60 * 6)
    fixed = desk.open_hours(desk.mins(opened, 60 * 24, 60 * 24 * 8))
    fixer = R.eng_supervisor if responsible == "engineering" else R.supervisor
    found = stamp(
        nonconformity=problem, responsible_department=responsible, rectify_deadline=deadline
    )
    plan.steps += [
        Step("open_nonconformity", opened, R.supervisor, found),
        Step("rectify", fixed, fixer, stamp(rectified_at=NOW)),
    ]
    again = desk.open_hours(desk.mins(fixed, 60 * 18, 60 * 30))
    follow = visit_chain(
        desk,
        kind,
        home,
        created=fixed,
        due=again,
        visit_at=again,
        contact_id=contact_id,
        repair_id=repair_id,
        facility=facility,
        department=department,
        previous=record.id,
    )
    plan.then["rectify"] = lambda t: follow.plans
    return Chain([plan], follow.done_at, follow.satisfaction)


def _visitor(desk: Desk, kind: str) -> StaffRef:
    """Return who visits: assistants phone about repairs, security checks facilities."""
    if kind == "repair":
        return desk.one(R.assistant)
    if kind == "facility":
        return desk.one(R.security)
    if kind == "routine":  # managers from department head up
        return desk.one(R.supervisor, R.supervisor, R.director, R.eng_supervisor)
    return desk.one(R.supervisor)


# --- 工程维修单 / 有偿服务单 ----------------------------------------------------------------
UNIT_JOBS = [j for j in names.JOBS if j[0] not in ("facilities", "lift")]
PAID_JOBS = [j for j in UNIT_JOBS if j[4] > 0]
FACILITY_JOBS = [j for j in names.JOBS if j[0] in ("facilities", "lift")]


def repair_plan(
    desk: Desk,
    at: datetime,
    *,
    paid: bool,
    home: Household | None = None,
    facility: bool = False,
    contact_id: int | None = None,
    aim: str | None = None,
) -> Plan:
    """Plan a repair or paid-service slip from opening to the clerk's filing."""
    rng = desk.rng
    jobs = FACILITY_JOBS if facility else PAID_JOBS if paid else UNIT_JOBS
    stocked = [j for j in jobs if j[3] or aim != "materials_issued"]
    category, content, work, stock, labour = rng.choice(stocked)
    content, work = tr(content), tr(work)
    opener = desk.one(R.assistant, R.assistant, R.clerk, R.service_desk)
    record = desk.new(
        RepairOrder,
        kind="paid" if paid else "free",
        reported_at=at,
        created_at=at,
        category=category,
        content=content,
        opened_by_id=opener.id,
        contact_id=contact_id,
    )
    if facility:
        patrol = desk.one(R.security, R.engineer)
        building = rng.choice(desk.households).building
        record.facility = tr(rng.choice(names.FACILITIES)).format(b=building)
        record.channel, record.reporter_name, record.phone = "patrol", patrol.name, patrol.phone
    else:
        home = home or desk.home()
        record.unit_id, record.reporter_name, record.phone = home.unit_id, home.name, home.phone
        record.channel = "phone" if rng.random() < 0.65 else "visit"
    plan = Plan("repair_paid" if paid else "repair_free", record, [])
    steps = plan.steps
    roll = rng.random()
    natural = "void" if roll < 0.01 else "return" if roll < 0.04 else None
    if paid and roll > 0.9:
        natural = "refuse"
    exit_ = {"returned": "return", "refused": "refuse", "void": "void"}.get(aim or "")
    exit_ = exit_ if aim else natural
    if exit_ == "void":
        steps.append(void_step(desk, at, tr(rng.choice(names.VOID_REASONS))))
        return plan
    taker = desk.one(R.eng_supervisor, R.engineer)
    received = desk.open_hours(desk.mins(at, 1, 10))
    sign = desk.signature(taker.name, taker.id, "接单签字")  # i18n: data (purpose, never shown)
    took = stamp(received_by_id=taker.id, received_at=NOW, receiver_signature_id=sign)
    steps.append(Step("receive", received, taker.role, took))
    if exit_ == "return":
        why = stamp(close_reason=tr(rng.choice(names.RETURN_REASONS)), closed_at=NOW)
        steps.append(Step("return", desk.mins(received, 5, 90), R.eng_supervisor, why))
        return plan
    engineer = desk.one(R.engineer)
    materials = [_material(names.MATERIALS[key]) for key in stock]
    if paid:
        ready = _quote(desk, plan, received, labour, materials, refuse=exit_ == "refuse")
        if ready is None:
            return plan
        dispatched = desk.mins(ready, 5, 90)
    elif rng.random() < 0.1 and not facility:  # an appointment for tomorrow
        record.appointment_at = desk.mins(at_local(received.date() + timedelta(1), 9, 0), 0, 420)
        dispatched = record.appointment_at - timedelta(minutes=10)
    else:
        dispatched = desk.mins(received, 0, 1)
    boss = desk.staff[R.eng_supervisor][0]
    sent = stamp(engineer_id=engineer.id, dispatched_at=NOW, dispatched_by_id=boss.id)
    steps.append(Step("dispatch", dispatched, R.eng_supervisor, sent))
    late = rng.random() < 0.08  # the 5-minute arrival rule is missed now and then
    arrived = desk.mins(dispatched, 6, 35) if late else desk.mins(dispatched, 3, 5)
    late = arrival_late(dispatched, arrived)
    if materials and (paid or aim == "materials_issued" or rng.random() < 0.7):
        keeper = desk.one(R.storekeeper)

        def issue(t: datetime) -> None:
            for item, spec, price, milli in materials:
                desk.keep(
                    desk.new(
                        MaterialIssue,
                        repair_order_id=record.id,
                        item=item,
                        spec=spec,
                        quantity_milli=milli,
                        unit_price_fen=price,
                        issued_at=t,
                        amount_fen=line_amount(milli, price),
                        storekeeper_id=keeper.id,
                    )
                )

        steps.append(
            Step("issue_materials", desk.mins(dispatched, 1, 2), R.storekeeper, also=issue)
        )
    completed = desk.mins(arrived, 15, 150)
    accepted = desk.mins(completed, 2, 15)
    local = accepted.astimezone(OFFICE_TZ)
    check_day = local.date() + timedelta(days=1 if local.time() > time(17, 20) else 0)
    reconciled = desk.mins(at_local(check_day, 17, 25), 0, 20)
    signed = desk.signature(record.reporter_name, None, "住户验收")  # i18n: data (purpose)
    happy = pick(rng, {"satisfied": 82, "fairly": 14, "dissatisfied": 4})
    remark = tr(rng.choice(names.REMARKS)) if rng.random() < 0.3 else None
    checker, clerk = desk.staff[R.eng_supervisor][0], desk.one(R.clerk)
    steps += [
        Step("arrive", arrived, R.engineer, stamp(arrived_at=NOW, arrival_late=late)),
        Step("complete", completed, R.engineer, stamp(completed_at=NOW, work_description=work)),
        Step(
            "accept",
            accepted,
            R.engineer,
            stamp(
                accepted_at=NOW,
                satisfaction=happy,
                household_remarks=remark,
                acceptance_signature_id=signed,
            ),
        ),
        Step(
            "reconcile",
            reconciled,
            R.eng_supervisor,
            stamp(reconciled_at=NOW, reconciled_by_id=checker.id),
        ),
        Step(
            "archive",
            desk.open_hours(desk.mins(reconciled, 60 * 15, 60 * 64)),
            R.clerk,
            stamp(archived_at=NOW, archived_by_id=clerk.id),
        ),
    ]
    if home is not None and rng.random() < 0.8:  # the assistant phones back (篇4 §4(4))
        plan.then["accept"] = lambda t: phone_back(desk, home, t, record.id)
    return plan


def _quote(
    desk: Desk,
    plan: Plan,
    received: datetime,
    labour: int,
    materials: list[tuple[str, str, int, int]],
    *,
    refuse: bool,
) -> datetime | None:
    """Add quote, approval (or refusal) and the finance stamp; return when work may start."""
    rng, record = desk.rng, plan.record
    labour += rng.randint(0, 4) * 1000
    lines = [("labour", tr("人工费"), 1000, labour)]
    lines += [("material", f"{item} {spec}", q, p) for item, spec, p, q in materials]
    material_fen = sum(line_amount(q, p) for kind, _, q, p in lines if kind == "material")
    quoted = desk.mins(received, 20, 90)

    def quote(t: datetime) -> None:
        for kind, item, milli, price in lines:
            desk.keep(
                desk.new(
                    QuoteLine,
                    repair_order_id=record.id,
                    kind=kind,
                    item=item,
                    quantity_milli=milli,
                    unit_price_fen=price,
                    amount_fen=line_amount(milli, price),
                )
            )

    priced = stamp(quote_labour_fen=labour, quote_material_fen=material_fen, quoted_at=NOW)
    plan.steps.append(Step("quote", quoted, R.engineer, priced, also=quote))
    if refuse:  # the slip closes with the household's reason
        why = stamp(close_reason=tr(rng.choice(names.REFUSE_REASONS)), closed_at=NOW)
        plan.steps.append(Step("refuse", desk.mins(quoted, 10, 60 * 24), R.assistant, why))
        return None
    approved = desk.mins(quoted, 5, 60 * 26 if rng.random() < 0.3 else 30)
    stamped = desk.open_hours(desk.mins(approved, 10, 120))
    finance = desk.one(R.finance)
    agreed = desk.signature(record.reporter_name, None, "确认报价")  # i18n: data (purpose)
    # The receipt number is given later, in stamp order, by `write`.
    paid = stamp(
        receipt_no="", paid_fen=labour + material_fen, finance_id=finance.id, stamped_at=NOW
    )
    plan.steps += [
        Step(
            "approve", approved, R.assistant, stamp(approved_at=NOW, approval_signature_id=agreed)
        ),
        Step("pay", stamped, R.finance, paid),
    ]
    return stamped


def phone_back(desk: Desk, home: Household, accepted: datetime, repair_id: int) -> list[Plan]:
    """Plan the assistant's phone call about a finished repair."""
    due = desk.open_hours(desk.mins(accepted, 60 * 20, 60 * 72))
    chain = visit_chain(
        desk,
        "repair",
        home,
        created=accepted,
        due=due,
        visit_at=desk.mins(due, 0, 90),
        repair_id=repair_id,
    )
    return chain.plans


# --- 业户求助信息登记表 ----------------------------------------------------------------------
def help_plan(desk: Desk, at: datetime, help_type: str, *, aim: str | None = None) -> Plan:
    """Plan a help request: special ones sent, on site, handled; general ones converted."""
    rng, home = desk.rng, desk.home()
    night = not time(8, 30) <= at.astimezone(OFFICE_TZ).time() <= time(17, 30)
    taker = desk.one(R.security) if night else desk.one(R.service_desk, R.assistant, R.security)
    record = desk.new(
        HelpRequest,
        at=at,
        created_at=at,
        requester_name=rng.choice(home.people),
        unit_id=home.unit_id,
        phone=home.phone,
        received_by_id=taker.id,
        help_type=help_type,
        is_special=is_special(help_type),
        content=tr(rng.choice(names.HELP[help_type])),
    )
    plan = Plan("help_request", record, [], help_type=help_type)
    office = desk.one(R.supervisor) if night else desk.one(R.service_desk, R.assistant)
    if aim == "void" or (aim is None and rng.random() < 0.02):
        plan.steps.append(void_step(desk, at, tr("求助人来电撤回，作废")))
    elif is_special(help_type):
        plan.steps += _special_steps(desk, record, help_type)
    elif help_type == "enquiry":
        written = rng.random() < 0.4
        record.written, record.confidential = written, rng.random() < 0.2
        answerer = desk.one(R.supervisor) if written else office
        if written:  # a written enquiry gets a written answer, through a supervisor
            record.answer_due = enquiry_answer_due(at)
            answered = desk.open_hours(desk.mins(at, 60 * 3, 60 * 60))
        elif rng.random() < 0.7:
            answered = desk.mins(at, 5, 30)
        else:
            answered = desk.open_hours(desk.mins(at, 60 * 20, 60 * 26))
        reply = (tr("书面答复：") if written else tr("口头答复：")) + tr(
            "已按规定说明，住户表示清楚"
        )
        plan.steps += [
            Step("answer", answered, answerer.role, stamp(answer=reply, answered_at=NOW)),
            Step(
                "close",
                desk.mins(answered, 5, 60 * 8),
                office.role,
                stamp(result=tr("已答复"), handled_by=answerer.name, done_at=NOW),
            ),
        ]
    else:
        converted = desk.open_hours(desk.mins(at, 5, 30))
        child: Plan
        if help_type in ("repair", "paid_service"):
            child = repair_plan(desk, converted, paid=help_type == "paid_service", home=home)
            link = stamp(repair_order_id=child.record.id)
        else:
            kind = "complaint" if help_type == "complaint" else "help"
            child = contact_plan(desk, converted, kind, home=home)
            link = stamp(contact_id=child.record.id)
        plan.then["convert"] = lambda t: [child]
        closing = desk.open_hours(desk.mins(converted, 60 * 4, 60 * 60))
        plan.steps += [
            Step("convert", converted, R.assistant, link),
            Step(
                "close",
                closing,
                office.role,
                stamp(result=tr("已转登记/派单处理完毕"), handled_by=office.name, done_at=NOW),
            ),
        ]
    return plan


def _special_steps(desk: Desk, record: HelpRequest, help_type: str) -> list[Step]:
    """Sent, on site, handled (120/110/119, director, security, relatives), closed."""
    rng, at = desk.rng, record.at
    guard = desk.one(R.security)
    sent, arrived = desk.mins(at, 1, 3), desk.mins(at, 4, 9)
    done = desk.mins(arrived, 30, 180)
    call = names.HELP_CALLS[help_type] if rng.random() < 0.8 else None
    told = desk.mins(arrived, 2, 6)
    medical = help_type == "medical"

    def log(step: str, note: str) -> Callable[[datetime], object]:
        return lambda t: desk.keep(
            desk.new(
                HelpStep, help_request_id=record.id, step=step, at=t, staff_id=guard.id, note=note
            )
        )

    handled = stamp(
        director_told_at=told,
        emergency_called=call,
        security_told_at=told if call else None,
        relatives_told_at=desk.mins(told, 5, 20) if medical else None,
        escorted=medical and call is not None,
        result=tr(names.HELP_RESULT[help_type]),
        handled_by=guard.name,
        done_at=NOW,
    )
    return [
        Step(
            "dispatch",
            sent,
            R.security,
            stamp(nearest_person=guard.name, sent_at=NOW),
            log("sent", tr("通知{0}赶到现场").format(guard.name)),
        ),
        Step(
            "arrive",
            arrived,
            R.security,
            stamp(arrived_at=NOW, situation=tr(names.HELP_SITUATION[help_type])),
            log("arrived", tr("到场确认")),
        ),
        Step("handle", done, R.security, handled, log("handled", tr(names.HELP_RESULT[help_type]))),
        Step("close", desk.open_hours(desk.mins(done, 60, 60 * 20)), R.supervisor),
    ]


# --- numbers and writing -------------------------------------------------------------------
NUMBERED = (
    (Contact, "contact", "at", None),
    (RepairOrder, "repair_free", "reported_at", "free"),
    (RepairOrder, "repair_paid", "reported_at", "paid"),
    (HelpRequest, "help", "at", None),
    (ReturnVisit, "visit", "due_at", None),
)


def write(session: Session, desk: Desk) -> None:
    """Number the records in date order (gapless per kind and year) and write them in bulk."""
    for model, kind, when, repair_kind in NUMBERED:
        rows = [r for r in desk.rows[model] if repair_kind is None or r.kind == repair_kind]
        by_year: dict[int, list[Any]] = {}
        for row in sorted(rows, key=lambda r: (getattr(r, when), r.id)):
            by_year.setdefault(getattr(row, when).astimezone(OFFICE_TZ).year, []).append(row)
        for year, batch in by_year.items():
            for row, number in zip(
                batch, next_numbers(session, kind, year, len(batch)), strict=True
            ):
                row.number = number
    serials: dict[int, int] = {}
    stamped = [r for r in desk.rows[RepairOrder] if r.stamped_at is not None]
    for row in sorted(stamped, key=lambda r: (r.stamped_at, r.id)):
        year = row.stamped_at.astimezone(OFFICE_TZ).year
        serials[year] = serials.get(year, 0) + 1
        row.receipt_no = f"SJ{year}{serials[year]:05d}"  # finance's own receipt book
    _reconciliations(desk)
    for table in TABLES:
        rows = sorted(desk.rows[table], key=lambda r: r.id)
        if rows:
            session.execute(insert(table), [as_values(row) for row in rows])


def _reconciliations(desk: Desk) -> None:
    """Sign each day's check once: the slips reconciled that day point at its record."""
    by_day: dict[date, list[RepairOrder]] = {}
    for row in desk.rows[RepairOrder]:
        if row.reconciled_at is not None:
            by_day.setdefault(row.reconciled_at.astimezone(OFFICE_TZ).date(), []).append(row)
    materials: dict[int, int] = {}
    for issue in desk.rows[MaterialIssue]:
        materials[issue.repair_order_id] = (
            materials.get(issue.repair_order_id, 0) + issue.amount_fen
        )
    keeper = desk.staff[R.storekeeper][0]
    for day, rows in sorted(by_day.items()):
        record = desk.keep(
            desk.new(
                Reconciliation,
                day=day,
                eng_supervisor_id=rows[0].reconciled_by_id,
                storekeeper_id=keeper.id,
                signed_at=max(r.reconciled_at for r in rows if r.reconciled_at is not None),
                slip_count=len(rows),
                material_fen=sum(materials.get(r.id, 0) for r in rows),
                differences="[]",
            )
        )
        for row in rows:
            row.reconciliation_id = record.id


def as_values(row: Any) -> dict[str, Any]:
    """Return a new row's column values, with the table's defaults for what was not set."""
    values = {}
    for column in row.__table__.columns:
        value = row.__dict__.get(column.key)
        if value is None and column.default is not None:
            value = column.default.arg(None) if column.default.is_callable else column.default.arg
        values[column.key] = value
    return values


# --- the year ------------------------------------------------------------------------------
PHASES = (
    tr("来访来电与投诉"),
    tr("维修单"),
    tr("求助"),
    tr("回访"),
    tr("日工作呈报表"),
    tr("编号入库"),
)


def routine_visits(desk: Desk, units_by_building: dict[str, int], years: int = 1) -> None:
    """Plan managers' routine visits: over 10 % of each building's units per half-year."""
    rng, today = desk.rng, desk.now.date()
    homes: dict[str, list[Household]] = {}
    for home in desk.households:
        homes.setdefault(home.building, []).append(home)
    for year, half in sorted({half_year_of(d) for d in desk.days}):
        first, last = half_year_bounds(year, half)
        elapsed = min(1.0, (today - first).days / (last - first).days)  # ahead of the plan
        first, last = max(first, desk.start_day), min(last, today + timedelta(days=7))
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        days = [d for d in days if d.weekday() < 5] or days
        for building, units in units_by_building.items():
            pool = homes.get(building, [])
            need = math.ceil(units * 0.11 * min(1.0, 0.3 + elapsed))
            for home in rng.sample(pool, min(need, len(pool))):
                due = desk.mins(at_local(rng.choice(days), 9, 0), 0, 8 * 60)
                made = min(due - timedelta(days=rng.randint(2, 10)), desk.now - timedelta(hours=1))
                chain = visit_chain(
                    desk, "routine", home, created=made, due=due, visit_at=desk.mins(due, 0, 60)
                )
                for plan in chain.plans:
                    desk.settle(plan)
    for at in desk.moments(ROUNDS_A_YEAR * years):  # security's rounds of the facilities
        facility = tr(rng.choice(names.FACILITIES)).format(b=rng.choice(list(units_by_building)))
        chain = visit_chain(
            desk,
            "facility",
            None,
            created=at - timedelta(days=2),
            due=at,
            visit_at=at,
            facility=facility,
        )
        for plan in chain.plans:
            desk.settle(plan)


def _workday_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _tally(desk: Desk) -> dict[tuple[int, date, str], int]:
    """Count what each member of staff recorded each day, by kind."""
    tally: dict[tuple[int, date, str], int] = {}
    for model, who, when, kind in (
        (Contact, "recorded_by_id", "at", "contacts"),
        (RepairOrder, "opened_by_id", "reported_at", "repairs"),
        (HelpRequest, "received_by_id", "at", "help"),
        (ReturnVisit, "visitor_id", "visited_at", "visits"),
    ):
        for row in desk.rows[model]:
            at = getattr(row, when)
            if at is not None and getattr(row, who) is not None:
                key = (getattr(row, who), at.astimezone(OFFICE_TZ).date(), kind)
                tally[key] = tally.get(key, 0) + 1
    return tally


def _shown_counts(counts: dict[str, int]) -> dict[str, object]:
    """Store a report's counts as the daily-report screen writes them (its labels, non-zero)."""
    from wuyedesk.services.daily_reports import COUNTED, MADE

    label = {kind: name for name, kind in MADE.items()}
    label["visits"] = COUNTED["visit.record"]
    named = {"contacts": "contact", "repairs": "repair", "help": "help"}
    shown: dict[str, object] = {label[named.get(k, k)]: n for k, n in counts.items() if n}
    shown["_open"] = []
    return shown


def daily_reports(desk: Desk, years: int = 1) -> None:
    """Each clerk's and assistant's weekday report, filled from what they recorded."""
    rng, today = desk.rng, desk.now.date()
    tally = _tally(desk)
    chief = desk.staff[R.supervisor][0]
    reporters = desk.staff[R.clerk] + desk.staff[R.assistant]
    weekdays = [d for d in desk.days if d.weekday() < 5]
    last_past = max(d for d in weekdays if d < today)
    labels = (
        ("contacts", tr("登记来访来电 {} 条")),
        ("repairs", tr("开维修单 {} 张")),
        ("visits", tr("回访 {} 户")),
        ("help", tr("接报求助 {} 条")),
    )
    for day in weekdays:
        for person in reporters:
            counts = {k: tally.get((person.id, day, k), 0) for k, _ in labels}
            done = tr("，").join(text.format(counts[k]) for k, text in labels if counts[k])
            chores = tr("整理住户档案") if person.role == R.clerk else tr("巡查所管楼栋")
            record = desk.new(
                DailyReport,
                day=day,
                staff_id=person.id,
                counts_json=json.dumps(_shown_counts(counts), ensure_ascii=False),
                done_text=tr("{done}；{chores}").format(done=done, chores=chores)
                if done
                else chores,
                undone_text=tr(rng.choice(names.UNDONE)),
                coordination_text=said(rng.choice(names.COORDINATION)),
            )
            submitted = desk.mins(at_local(day, 17, 20), 0, 25)
            reopened = desk.mins(submitted, 30, 90)
            # The supervisor reads them the next working morning, now and then a day later.
            review_day = _workday_after(day, 1 if rng.random() < 0.7 else 2)
            reviewed = desk.mins(at_local(review_day, 9, 15), 0, 120)
            submit = Step("submit", submitted, person.role, stamp(submitted_at=NOW))
            review = Step(
                "review",
                reviewed,
                R.supervisor,
                stamp(
                    reviewer_id=chief.id,
                    reviewed_at=NOW,
                    review_comment=tr(rng.choice(names.REVIEW_COMMENTS)),
                    next_day_tasks=tr(rng.choice(names.NEXT_DAY_TASKS)),
                ),
            )
            back = Step(
                "reopen",
                reopened,
                R.supervisor,
                stamp(submitted_at=None, review_comment=tr("请补充未完成事项的原因")),
            )
            if day == today:
                steps = []  # still being written
            elif day == last_past and person == reporters[-1]:
                steps = [submit, back]  # sent back, being corrected
            elif rng.random() < 0.03:
                again = Step("submit", desk.mins(reopened, 20, 60), person.role, submit.fill)
                steps = [submit, back, again, review]
            else:
                steps = [submit, review]
            desk.settle(Plan("daily_report", record, steps))
    checked_staff = reporters + desk.staff[R.security] + desk.staff[R.service_desk]
    for at in desk.moments(SPOT_CHECKS_A_YEAR * years):  # the supervisor's unannounced checks
        checked, found, corrected = rng.choice(names.SPOT_CHECKS)
        desk.keep(
            desk.new(
                SpotCheck,
                at=at,
                supervisor_id=chief.id,
                checked=tr(checked),
                found=tr(found),
                staff_id=rng.choice(checked_staff).id,
                corrected=corrected,
            )
        )


def cover_every_state(desk: Desk) -> None:
    """Plan a record in every state of every workflow that nothing reached by chance."""
    help_types = {"dispatched": "medical", "on_site": "flood_fire", "handled": "crime",
                  "converted": "repair", "void": "other"}  # fmt: skip

    def contact_kind(aim: str) -> str:
        return "suggestion" if aim in ("recorded", "relayed", "handled") else "enquiry"

    makers: dict[str, Callable[[datetime, str], Plan]] = {
        "contact": lambda t, aim: contact_plan(desk, t, contact_kind(aim), aim=aim),
        "repair_free": lambda t, aim: repair_plan(desk, t, paid=False, aim=aim),
        "repair_paid": lambda t, aim: repair_plan(desk, t, paid=True, aim=aim),
        "return_visit": lambda t, aim: visit_chain(
            desk,
            "routine",
            desk.home(),
            created=t,
            due=t + timedelta(hours=20),
            visit_at=t + timedelta(hours=20),
            aim=aim,
        ).plans[0],
        "help_request": lambda t, aim: help_plan(desk, t, help_types.get(aim, "enquiry"), aim=aim),
    }
    for flow, make in makers.items():
        seen = {flow_state(row) for rows in desk.rows.values() for row in rows}
        for state in WORKFLOWS[flow].states:
            if (flow, state) not in seen:
                desk.force(flow, state, make)


def flow_state(row: Any) -> tuple[str, str] | None:
    """Return (workflow name, state) of a record, or None for rows without a workflow."""
    if isinstance(row, RepairOrder):
        return ("repair_paid" if row.kind == "paid" else "repair_free", row.state)
    flows = {Contact: "contact", ReturnVisit: "return_visit", HelpRequest: "help_request",
             DailyReport: "daily_report"}  # fmt: skip
    flow = flows.get(type(row))
    return (flow, row.state) if flow else None


def generate_records(
    session: Session,
    rng: random.Random,
    *,
    now: datetime,
    staff: dict[Role, list[StaffRef]],
    households: list[Household],
    units_by_building: dict[str, int],
    progress: Callable[[int, str], None],
    years: int = 1,
    volume: float = 1.0,
) -> dict[str, int]:
    """Make `years` of records up to `now` (rates times `volume`), write them, return counts."""
    desk = Desk(session, rng, now, staff, households, years)
    units = sum(units_by_building.values())
    months = 12 * years * volume
    progress(0, PHASES[0])
    if households:
        for at in desk.moments(round(CONTACT_RATE * units * months)):
            desk.settle(contact_plan(desk, at, pick(rng, CONTACT_KINDS)))
        progress(1, PHASES[1])
        for at in desk.moments(round(REPAIR_RATE * units * months)):
            facility = rng.random() < 0.12
            paid = not facility and rng.random() < PAID_SHARE
            desk.settle(repair_plan(desk, at, paid=paid, facility=facility))
        progress(2, PHASES[2])
        count = round(HELP_RATE * units * months)
        special = round(count * SPECIAL_SHARE)
        calls = [(at, True) for at in desk.moments(special, any_hour=True)]
        calls += [(at, False) for at in desk.moments(count - special)]
        for at, urgent in sorted(calls, key=lambda call: call[0]):
            kinds = {k: w for k, w in HELP_TYPES.items() if is_special(k) == urgent}
            desk.settle(help_plan(desk, at, pick(rng, kinds)))
        progress(3, PHASES[3])
        routine_visits(desk, units_by_building, years)
        cover_every_state(desk)
    progress(4, PHASES[4])
    daily_reports(desk, years)
    progress(5, PHASES[5])
    write(session, desk)
    rows = desk.rows
    return {
        "contacts": len(rows[Contact]),
        "complaints": sum(1 for c in rows[Contact] if c.kind == "complaint"),
        "repairs": len(rows[RepairOrder]),
        "paid_repairs": sum(1 for r in rows[RepairOrder] if r.kind == "paid"),
        "visits": len(rows[ReturnVisit]),
        "help_requests": len(rows[HelpRequest]),
        "daily_reports": len(rows[DailyReport]),
        "spot_checks": len(rows[SpotCheck]),
    }
