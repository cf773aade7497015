"""The roles table of docs/roles.md, walked cell by cell for every role through the real services.

`TABLE` is the table the documentation shows: for each thing (row) and each kind of access
(column), the roles that have it, some only in part (a qualifier such as "own only"). For
every cell and every role a probe makes the real service calls and says what the role
actually got: "yes", a qualifier ("own", "masked", ...) or "no" (refused with
PermissionDenied or TransitionRefused, or handed only a masked number). The walk asserts
that this is what the table says; a second test parses docs/roles.md and asserts that the
documented table is this one, so neither can drift from the services.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import ON_SERVER, build_template, open_copy
from wuyedesk.domain.errors import PermissionDenied, TransitionRefused
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import (
    contact_views,
    contacts,
    daily_reports,
    help_requests,
    help_views,
    places,
    printing,
    repair_printing,
    repair_views,
    repairs,
    report_printing,
    residents,
    settings,
    staff,
    unit_card,
    visit_views,
    visits,
)
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import supervisor_desk
from wuyedesk.services.demo_records import scribble_png
from wuyedesk.services.monthly_export import export_monthly
from wuyedesk.services.reconciliation import reconciliation_sheet, sign_reconciliation
from wuyedesk.services.resident_export import export_residents
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import AuditEntry, Staff
from wuyedesk.store.office_file import OfficeFile

DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
R = Role
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
MONTH = "2026-03"
PIN = "2468"
PHONE = "13800138000"
UNIT = "3-1-101"
PNG = scribble_png(random.Random(7))  # a drawn signature the slips can print
SECRET_TEXT = "询问邻居租客的情况"

# --- the table -------------------------------------------------------------------------------

YES, NO = "yes", "no"
# What a qualified cell entry means, as the documentation writes it after the role.
QUALIFIERS = {
    "仅本人的": "own",
    "遮挡": "masked",
    "仅处理转来的": "handle",
    "仅登记": "record",
    "仅本岗位步骤": "steps",
    "仅整改": "rectify",
    "审阅": "review",
    "会签": "cosign",
    "仅姓名和岗位": "names",
}
ROWS = {
    "residents": "住户档案 Residents",
    "contacts": "来访/来电登记 Visitor & call register",
    "help": "求助 Help requests",
    "confidential": "保密咨询的内容 Confidential enquiries",
    "repairs": "维修单 Repair & paid-service slips",
    "reconciliation": "每日核对表 Daily slip & materials check",
    "visits": "回访记录 Return visits",
    "daily": "日工作呈报 Daily work reports",
    "monthly": "月度报表与主管工作台 Monthly workbook & supervisor's desk",
    "staff": "员工账号 Staff accounts",
    "settings": "设置 Settings",
    "audit": "审计日志 Audit log",
    "backup": "备份与恢复 Backup & restore",
    "places": "楼栋和房号 Buildings & units",
}
COLUMNS = {
    "see": "查看 See",
    "reveal": "完整号码 Reveal",
    "edit": "修改 Edit",
    "print": "打印 Print",
    "export": "导出 Export",
}
Cell = dict[Role, str] | None  # None: the thing has no such access at all (不适用)
NA: Cell = None
ALL_ROLES = tuple(Role)
OFFICE = (R.clerk, R.assistant, R.service_desk, R.supervisor, R.director)
MANAGERS = (R.supervisor, R.director)


def grant(*roles: Role, **partly: tuple[Role, ...]) -> dict[Role, str]:
    """Return a cell: these roles fully, and for each qualifier the roles that have only that."""
    cell = dict.fromkeys(roles, YES)
    for qualifier, some in partly.items():
        cell.update(dict.fromkeys(some, qualifier))
    return cell


NOBODY = grant()
TABLE: dict[str, dict[str, Cell]] = {
    "residents": {
        "see": grant(*OFFICE, R.eng_supervisor, R.security),
        "reveal": grant(R.clerk, *MANAGERS),
        "edit": grant(R.clerk, R.assistant, *MANAGERS),
        "print": NA,
        "export": grant(
            *MANAGERS, masked=(R.clerk, R.assistant, R.service_desk, R.eng_supervisor, R.security)
        ),
    },
    "contacts": {
        "see": grant(*OFFICE, R.eng_supervisor, R.engineer, R.security),
        "reveal": NOBODY,
        "edit": grant(*OFFICE, handle=(R.eng_supervisor, R.engineer, R.security)),
        "print": grant(*OFFICE, R.eng_supervisor, R.security),
        "export": grant(*MANAGERS),
    },
    "help": {
        "see": grant(*ALL_ROLES),
        "reveal": NOBODY,
        "edit": grant(
            *OFFICE, R.eng_supervisor, R.engineer, R.security, record=(R.finance, R.storekeeper)
        ),
        "print": grant(*OFFICE, R.eng_supervisor, R.security),
        "export": grant(*MANAGERS),
    },
    "confidential": {
        "see": grant(*OFFICE),
        "reveal": NOBODY,
        "edit": grant(*OFFICE),
        "print": grant(*OFFICE),
        "export": grant(*MANAGERS),
    },
    "repairs": {
        "see": grant(*(r for r in ALL_ROLES if r != R.security)),
        "reveal": grant(R.clerk, *MANAGERS, R.eng_supervisor, own=(R.engineer,)),
        "edit": grant(
            R.clerk,
            R.assistant,
            R.service_desk,
            R.supervisor,
            steps=(R.director, R.eng_supervisor, R.engineer, R.finance, R.storekeeper),
        ),
        "print": grant(*(r for r in ALL_ROLES if r != R.security)),
        "export": grant(*MANAGERS),
    },
    "reconciliation": {
        "see": grant(*MANAGERS, R.eng_supervisor, R.storekeeper),
        "reveal": NA,
        "edit": grant(R.eng_supervisor, cosign=(R.storekeeper,)),
        "print": NA,
        "export": NA,
    },
    "visits": {
        "see": grant(*OFFICE, R.eng_supervisor, R.engineer, R.security),
        "reveal": NA,
        "edit": grant(*OFFICE, R.eng_supervisor, R.security, rectify=(R.engineer,)),
        "print": grant(*OFFICE, R.eng_supervisor, R.security),
        "export": grant(*MANAGERS),
    },
    "daily": {
        "see": grant(*MANAGERS, own=(R.clerk, R.assistant, R.service_desk)),
        "reveal": NA,
        "edit": grant(own=(R.clerk, R.assistant, R.service_desk), review=MANAGERS),
        "print": grant(*MANAGERS, own=(R.clerk, R.assistant, R.service_desk)),
        "export": grant(*MANAGERS),
    },
    "monthly": {
        "see": grant(*MANAGERS),
        "reveal": NA,
        "edit": NA,
        "print": NA,
        "export": grant(*MANAGERS),
    },
    "staff": {
        "see": grant(names=ALL_ROLES),
        "reveal": NA,
        "edit": grant(*MANAGERS),
        "print": NA,
        "export": NA,
    },
    "settings": {"see": NA, "reveal": NA, "edit": grant(*MANAGERS), "print": NA, "export": NA},
    "audit": {"see": grant(*MANAGERS), "reveal": NA, "edit": NA, "print": NA, "export": NA},
    "backup": {
        "see": NA,
        "reveal": NA,
        "edit": grant(R.director),
        "print": NA,
        "export": grant(R.clerk, *MANAGERS),
    },
    "places": {
        "see": grant(*ALL_ROLES),
        "reveal": NA,
        "edit": grant(R.clerk, *MANAGERS),
        "print": NA,
        "export": NA,
    },
}

# --- the office every cell is tried on -------------------------------------------------------

STAFF = {
    R.clerk: "陈文员",
    R.assistant: "张助理",
    R.service_desk: "周客服",
    R.supervisor: "赵主管",
    R.eng_supervisor: "黄主管",
    R.engineer: "李工",
    R.finance: "钱会计",
    R.storekeeper: "孙仓管",
    R.security: "吴保安",
}
OTHER_ENGINEER = "马工"
OTHER_CLERK = "何文员"  # writes the daily report nobody else but a manager may read


@dataclass(frozen=True)
class World:
    """Who works in the office and the records each probe acts on (ids and numbers)."""

    actors: dict[Role, Actor]
    other_engineer: Actor
    other_clerk: Actor
    resident_id: int
    contact_id: int
    contact_number: str
    relayed_id: int
    special_help_id: int
    help_number: str
    open_enquiry_id: int
    answered_enquiry_id: int
    answered_enquiry_number: str
    opened_slip_id: int
    own_slip_id: int
    own_slip_number: str
    others_slip_id: int
    approved_slip_id: int
    dispatched_slip_id: int
    visit_id: int
    visit_number: str
    nonconformity_id: int
    report_id: int


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _build(office: OfficeFile) -> World:
    cli = Actor.command_line()
    with office.transaction() as session:
        people = {r: add_staff_in(session, cli, n, r.value, PIN) for r, n in STAFF.items()}
        other = add_staff_in(session, cli, OTHER_ENGINEER, "engineer", PIN)
        clerk2 = add_staff_in(session, cli, OTHER_CLERK, "clerk", PIN)
        director = session.scalars(select(Staff).where(Staff.role == "director")).one()
        actors = {role: Actor(p.id, p.name, role) for role, p in people.items()}
        actors[R.director] = Actor(director.id, director.name, R.director)
        other_engineer = Actor(other.id, other.name, R.engineer)
        other_clerk = Actor(clerk2.id, clerk2.name, R.clerk)
    a = actors
    person = residents.add_resident(
        office,
        cli,
        UNIT,
        {
            "name": "刘娜",
            "role": "owner",
            "phone": "13912345678",
            "id_number": "11010519491231002X",
            "consent_disclose": True,
        },
    )
    call = {
        "at": T0,
        "method": "call",
        "unit": UNIT,
        "caller_name": "刘娜",
        "phone": PHONE,
        "kind": "enquiry",
        "content": "问停车位月租怎么交",
    }
    contact = contacts.record_contact(office, a[R.clerk], call, now=at(1))
    relayed = contacts.record_contact(office, a[R.clerk], {**call, "kind": "suggestion"}, now=at(2))
    relayed = contacts.relay_contact(
        office, a[R.clerk], relayed.id, "engineering", "黄主管", relayed.version, now=at(3)
    )
    ask = {"at": T0, "requester_name": "刘娜", "unit": UNIT, "phone": PHONE}
    special = help_requests.record_help(
        office, a[R.service_desk], {**ask, "help_type": "medical", "content": "老人晕倒"}, now=at(4)
    )
    secret = {
        **ask,
        "help_type": "enquiry",
        "content": SECRET_TEXT,
        "written": True,
        "confidential": True,
    }
    open_enquiry = help_requests.record_help(office, a[R.clerk], secret, now=at(5))
    answered = help_requests.record_help(office, a[R.clerk], secret, now=at(6))
    answered = help_requests.answer_enquiry(
        office, a[R.clerk], answered.id, "已书面答复", version=answered.version, now=at(7)
    )
    slip = {
        "kind": "free",
        "reported_at": T0,
        "channel": "phone",
        "unit": UNIT,
        "reporter_name": "刘娜",
        "phone": PHONE,
        "category": "plumbing_electrical",
        "content": "厨房水龙头漏水",
    }

    def dispatched(receiver: Actor, engineer: Actor, minute: int) -> repairs.RepairView:
        v = repairs.open_repair(office, a[R.clerk], slip, now=at(minute))
        v = repairs.receive_repair(
            office, receiver, v.id, version=v.version, signature_png=PNG, now=at(minute + 1)
        )
        return repairs.dispatch_repair(
            office,
            a[R.eng_supervisor],
            v.id,
            engineer.staff_id or 0,
            version=v.version,
            now=at(minute + 2),
        )

    opened = repairs.open_repair(office, a[R.clerk], slip, now=at(10))
    own = dispatched(a[R.engineer], a[R.engineer], 11)
    others = dispatched(a[R.eng_supervisor], other_engineer, 15)
    waiting = dispatched(a[R.eng_supervisor], a[R.engineer], 19)
    done = dispatched(a[R.engineer], a[R.engineer], 23)
    done = repairs.record_arrival(office, a[R.engineer], done.id, version=done.version, now=at(26))
    done = repairs.complete_repair(
        office, a[R.engineer], done.id, "换了阀芯", version=done.version, now=at(40)
    )
    repairs.accept_repair(
        office,
        a[R.clerk],
        done.id,
        version=done.version,
        signer_name="刘娜",
        signature_png=PNG,
        satisfaction="satisfied",
        now=at(45),
    )
    paid = repairs.open_repair(office, a[R.clerk], {**slip, "kind": "paid"}, now=at(50))
    paid = repairs.receive_repair(
        office, a[R.engineer], paid.id, version=paid.version, signature_png=PNG, now=at(51)
    )
    lines = [{"kind": "labour", "item": "人工", "quantity": "1", "unit_price": "50"}]
    paid = repairs.quote_repair(
        office, a[R.engineer], paid.id, lines, version=paid.version, now=at(52)
    )
    paid = repairs.approve_quote(
        office,
        a[R.clerk],
        paid.id,
        version=paid.version,
        signer_name="刘娜",
        signature_png=PNG,
        now=at(53),
    )
    routine = {"kind": "routine", "unit": UNIT, "due_at": at(60 * 48), "visitors": "赵主管"}
    visit = visits.plan_visit(office, a[R.supervisor], routine, now=at(60))
    sore = visits.plan_visit(office, a[R.supervisor], routine, now=at(61))
    sore = visits.record_visit(
        office,
        a[R.supervisor],
        sore.id,
        version=sore.version,
        method="talk",
        satisfaction="dissatisfied",
        opinions="楼道太暗",
        visitors="赵主管",
        now=at(62),
    )
    sore = visits.open_nonconformity(
        office,
        a[R.supervisor],
        sore.id,
        version=sore.version,
        problem="楼道灯坏",
        department="engineering",
        deadline=T0.date() + timedelta(days=7),
        now=at(63),
    )
    report = daily_reports.todays_report(office, other_clerk, day=T0.date(), now=at(480))
    report = daily_reports.save_report(
        office,
        other_clerk,
        report.id,
        version=report.version,
        done_text="登记来电 3 次",
        undone_text=None,
        coordination_text=None,
    )
    report = daily_reports.submit_report(
        office, other_clerk, report.id, version=report.version, now=at(481)
    )
    return World(
        actors=actors,
        other_engineer=other_engineer,
        other_clerk=other_clerk,
        resident_id=person.id,
        contact_id=contact.id,
        contact_number=contact.number,
        relayed_id=relayed.id,
        special_help_id=special.id,
        help_number=special.number,
        open_enquiry_id=open_enquiry.id,
        answered_enquiry_id=answered.id,
        answered_enquiry_number=answered.number,
        opened_slip_id=opened.id,
        own_slip_id=own.id,
        own_slip_number=own.number,
        others_slip_id=others.id,
        approved_slip_id=paid.id,
        dispatched_slip_id=waiting.id,
        visit_id=visit.id,
        visit_number=visit.number,
        nonconformity_id=sore.id,
        report_id=report.id,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[Path, bytes], World]:
    """The estate, its whole staff and one record of each kind in each needed state, once."""
    folder = tmp_path_factory.mktemp("roles")
    path, key = build_template(folder, ("3", 1, 2, 2))
    built = folder / "built"
    built.mkdir()
    office = open_copy((path, key), built)
    try:
        world = _build(office)
    finally:
        office.close()
    return (built / "office.wuye", key), world


@dataclass
class Desk:
    """One test's own copy of the office, its world, and a folder for what it writes."""

    office: OfficeFile
    world: World
    folder: Path

    def out(self, name: str) -> Path:
        return self.folder / name


@pytest.fixture
def desk(template: tuple[tuple[Path, bytes], World], tmp_path: Path) -> Iterator[Desk]:
    file, world = template
    copy = tmp_path / "office"
    copy.mkdir()
    opened = Desk(open_copy(file, copy), world, tmp_path)
    yield opened
    opened.office.close()  # a restore replaces the file in use: close the one open now


# --- probes: what a role actually gets ---------------------------------------------------------

REFUSED = (PermissionDenied, TransitionRefused)


def does(action: Callable[[], object]) -> bool:
    """Run a service call: True when it went through, False when the role was refused."""
    try:
        action()
    except REFUSED:
        return False
    return True


def first(*tries: tuple[str, Callable[[], object]]) -> str:
    """Return the outcome of the first call that goes through, or "no"."""
    for outcome, action in tries:
        if does(action):
            return outcome
    return NO


def both(mine: Callable[[], object], others: Callable[[], object]) -> str:
    """Return "yes" for a role served on anyone's record, "own" on its own only, else "no"."""
    on_mine, on_others = does(mine), does(others)  # a manager has no daily report of his own
    return YES if on_others else "own" if on_mine else NO


def cli() -> Actor:
    return Actor.command_line()


def version_of_resident(d: Desk) -> int:
    return residents.list_residents(d.office, cli(), unit_code=UNIT)[0].version


def monthly(d: Desk, a: Actor, number: str) -> str:
    """Export the month: "yes" with full numbers, "masked" if only masked, else "no"."""

    def export(full: bool) -> Callable[[], object]:
        def run() -> None:
            path = d.out(f"month-{full}.xlsx")
            export_monthly(d.office, a, MONTH, path, full=full)
            book = load_workbook(path, read_only=True)
            rows = [row for sheet in book for row in sheet.iter_rows(values_only=True)]
            cells = {str(value) for row in rows for value in row}
            book.close()
            assert number in cells, f"{number} is not in the monthly workbook"

        return run

    return first((YES, export(True)), ("masked", export(False)))


def shown_phone(phone: str | None) -> str:
    """Say whether a phone came back in full ("yes") or masked ("no")."""
    assert phone is not None
    return YES if phone == PHONE else NO


def phone_of(read: Callable[[], str | None]) -> str:
    try:
        return shown_phone(read())
    except REFUSED:
        return NO


def residents_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        found = residents.search_residents(d.office, a, "刘娜")
        card = unit_card.unit_card(d.office, a, UNIT)
        assert [p.phone for p in found] == [p.phone for p in card.people] == ["139****5678"]

    return first((YES, look))


def residents_reveal(d: Desk, a: Actor) -> str:
    def reveal() -> None:
        view = residents.reveal_resident(d.office, a, d.world.resident_id)
        assert (view.phone, view.id_number) == ("13912345678", "11010519491231002X")

    return first((YES, reveal))


def residents_edit(d: Desk, a: Actor) -> str:
    data = {"name": "刘娜", "role": "owner", "phone": "13912345678", "habits": "养了一只狗"}
    version = version_of_resident(d)
    return first(
        (YES, lambda: residents.update_resident(d.office, a, d.world.resident_id, data, version))
    )


def residents_export(d: Desk, a: Actor) -> str:
    def export(full: bool) -> Callable[[], object]:
        return lambda: export_residents(d.office, a, d.out(f"archive-{full}.xlsx"), full=full)

    return first((YES, export(True)), ("masked", export(False)))


def contacts_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        listed = contact_views.list_contacts(d.office, a, open_only=True)
        assert d.world.contact_number in {v.number for v in listed}
        contact_views.get_contact(d.office, a, d.world.contact_id)

    return first((YES, look))


def contacts_reveal(d: Desk, a: Actor) -> str:
    return phone_of(lambda: contact_views.get_contact(d.office, a, d.world.contact_id).phone)


def contacts_edit(d: Desk, a: Actor) -> str:
    entry = {
        "at": T0,
        "method": "visit",
        "unit": UNIT,
        "caller_name": "刘娜",
        "phone": PHONE,
        "kind": "praise",
        "content": "表扬保洁",
    }
    relayed = contact_views.get_contact(d.office, cli(), d.world.relayed_id)
    return first(
        (YES, lambda: contacts.record_contact(d.office, a, entry, now=at(600))),
        ("handle", lambda: contacts.mark_handled(d.office, a, relayed.id, relayed.version)),
    )


def contacts_print(d: Desk, a: Actor) -> str:
    number = d.world.contact_number
    return first((YES, lambda: printing.print_record(d.office, a, number, d.out("dj.pdf"))))


def help_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        listed = help_views.list_help(d.office, a, open_only=True)
        assert d.world.help_number in {v.number for v in listed}
        help_views.get_help(d.office, a, d.world.special_help_id)

    return first((YES, look))


def help_reveal(d: Desk, a: Actor) -> str:
    return phone_of(lambda: help_views.get_help(d.office, a, d.world.special_help_id).phone)


def help_edit(d: Desk, a: Actor) -> str:
    special = help_views.get_help(d.office, cli(), d.world.special_help_id)
    call = {
        "at": T0,
        "requester_name": "刘娜",
        "unit": UNIT,
        "phone": PHONE,
        "help_type": "other",
        "content": "钥匙锁在家里",
    }
    return first(
        (
            YES,
            lambda: help_requests.log_step(
                d.office, a, special.id, "sent", "吴保安", version=special.version
            ),
        ),
        ("record", lambda: help_requests.record_help(d.office, a, call, now=at(600))),
    )


def help_print(d: Desk, a: Actor) -> str:
    number = d.world.help_number
    return first((YES, lambda: printing.print_record(d.office, a, number, d.out("qz.pdf"))))


def confidential_see(d: Desk, a: Actor) -> str:
    try:
        view = help_views.get_help(d.office, a, d.world.answered_enquiry_id)
    except REFUSED:
        return NO
    if view.content == SECRET_TEXT and view.answer == "已书面答复":
        return YES
    assert (view.content, view.answer) == (help_views.CONFIDENTIAL_TEXT,) * 2
    return NO


def confidential_reveal(d: Desk, a: Actor) -> str:
    return phone_of(lambda: help_views.get_help(d.office, a, d.world.answered_enquiry_id).phone)


def confidential_edit(d: Desk, a: Actor) -> str:
    enquiry = help_views.get_help(d.office, cli(), d.world.open_enquiry_id)
    return first(
        (
            YES,
            lambda: help_requests.answer_enquiry(
                d.office, a, enquiry.id, "书面答复如下", version=enquiry.version
            ),
        ),
    )


def confidential_print(d: Desk, a: Actor) -> str:
    number, out = d.world.answered_enquiry_number, d.out("answer.pdf")
    return first((YES, lambda: printing.print_enquiry_answer(d.office, a, number, out)))


def repairs_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        day = T0.date()
        listed = repair_views.list_repairs(d.office, a, view="all", date_from=day, date_to=day)
        assert d.world.own_slip_number in {v.number for v in listed}
        assert repair_views.get_repair(d.office, a, d.world.own_slip_id).phone == "138****8000"

    return first((YES, look))


def repairs_reveal(d: Desk, a: Actor) -> str:
    w = d.world

    def reveal(slip_id: int) -> Callable[[], object]:
        def run() -> None:
            assert repair_views.reveal_repair_phone(d.office, a, slip_id) == PHONE

        return run

    # The probe's engineer is 李工: the first slip is his, the second is 马工's.
    return both(reveal(w.own_slip_id), reveal(w.others_slip_id))


def repairs_edit(d: Desk, a: Actor) -> str:
    w = d.world
    slip = {
        "kind": "free",
        "reported_at": T0,
        "channel": "visit",
        "unit": UNIT,
        "reporter_name": "刘娜",
        "phone": PHONE,
        "category": "building",
        "content": "墙面渗水",
    }

    def version(slip_id: int) -> int:
        return repairs.get_repair(d.office, cli(), slip_id).version

    def receive() -> object:  # engineering
        slip_id = w.opened_slip_id
        return repairs.receive_repair(
            d.office, a, slip_id, version=version(slip_id), signature_png=PNG
        )

    def stamp() -> object:  # finance
        slip_id = w.approved_slip_id
        return repairs.stamp_payment(
            d.office, a, slip_id, version=version(slip_id), receipt_no="SJ01", amount="50"
        )

    def issue() -> object:  # the storekeeper
        slip_id, line = w.dispatched_slip_id, {"item": "阀芯", "quantity": "1", "unit_price": "12"}
        return repairs.issue_materials(d.office, a, slip_id, [line], version=version(slip_id))

    def void() -> object:  # managers
        slip_id = w.opened_slip_id
        return repairs.void_repair(d.office, a, slip_id, "重复开单", version=version(slip_id))

    return first(
        (YES, lambda: repairs.open_repair(d.office, a, slip, now=at(600))),
        ("steps", receive),
        ("steps", stamp),
        ("steps", issue),
        ("steps", void),
    )


def repairs_print(d: Desk, a: Actor) -> str:
    number = d.world.own_slip_number  # the slip screen prints through print_repair
    return first((YES, lambda: repair_printing.print_repair(d.office, a, number, d.out("wx.pdf"))))


def reconciliation_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        sheet = reconciliation_sheet(d.office, a, T0.date())
        assert len(sheet.slips) == 1

    return first((YES, look))


def reconciliation_edit(d: Desk, a: Actor) -> str:
    actors = d.world.actors
    day = T0.date()
    return first(
        (YES, lambda: sign_reconciliation(d.office, a, day, storekeeper=actors[R.storekeeper])),
        (
            "cosign",
            lambda: sign_reconciliation(d.office, actors[R.eng_supervisor], day, storekeeper=a),
        ),
    )


def visits_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        listed = visit_views.list_visits(d.office, a, open_only=True)
        assert d.world.visit_number in {v.number for v in listed}
        visit_views.get_visit(d.office, a, d.world.visit_id)

    return first((YES, look))


def visits_edit(d: Desk, a: Actor) -> str:
    plan = {"kind": "routine", "unit": "3-1-102", "due_at": at(60 * 72), "visitors": "赵主管"}
    sore = visit_views.get_visit(d.office, cli(), d.world.nonconformity_id)
    return first(
        (YES, lambda: visits.plan_visit(d.office, a, plan, now=at(600))),
        (
            "rectify",
            lambda: visits.rectify(
                d.office, a, sore.id, version=sore.version, note="换了灯", now=at(700)
            ),
        ),
    )


def visits_print(d: Desk, a: Actor) -> str:
    number = d.world.visit_number
    return first((YES, lambda: printing.print_record(d.office, a, number, d.out("hf.pdf"))))


def own_report(d: Desk, a: Actor) -> daily_reports.ReportView:
    return daily_reports.todays_report(d.office, a)


def daily_see(d: Desk, a: Actor) -> str:
    return both(
        lambda: daily_reports.get_report(d.office, a, own_report(d, a).id),
        lambda: daily_reports.get_report(d.office, a, d.world.report_id),
    )


def daily_edit(d: Desk, a: Actor) -> str:
    def save() -> None:
        mine = own_report(d, a)
        daily_reports.save_report(
            d.office,
            a,
            mine.id,
            version=mine.version,
            done_text="接待来访 2 次",
            undone_text=None,
            coordination_text=None,
        )

    def review() -> None:
        theirs = daily_reports.get_report(d.office, cli(), d.world.report_id)
        daily_reports.review_report(
            d.office,
            a,
            theirs.id,
            version=theirs.version,
            comment="好",
            next_day_tasks="核对 3 栋住户资料",
        )

    return first(("review", review), ("own", save))


def daily_print(d: Desk, a: Actor) -> str:
    def printed(report: Callable[[], int]) -> Callable[[], object]:
        return lambda: report_printing.print_daily_report(d.office, a, report(), d.out("r.pdf"))

    return both(printed(lambda: own_report(d, a).id), printed(lambda: d.world.report_id))


def monthly_see(d: Desk, a: Actor) -> str:
    return first((YES, lambda: supervisor_desk(d.office, a, "month")))


def staff_see(d: Desk, a: Actor) -> str:
    # The login list: everyone picks their name from it; it holds names and jobs, never PINs.
    listed = staff.list_staff(d.office)
    assert {f.name for f in fields(listed[0])} == {
        "id",
        "name",
        "role",
        "role_label",
        "department",
        "active",
    }
    assert a.name in {s.name for s in listed}
    return "names"


def staff_edit(d: Desk, a: Actor) -> str:
    return first((YES, lambda: staff.add_staff(d.office, a, "郑新人", "security", "1470")))


def settings_edit(d: Desk, a: Actor) -> str:
    return first((YES, lambda: settings.set_rules(d.office, a, arrival_minutes=6)))


def audit_see(d: Desk, a: Actor) -> str:
    def verify() -> None:
        assert office_service.verify_audit(d.office, a).ok

    return first((YES, verify))


def backup_edit(d: Desk, a: Actor) -> str:
    copy = d.out("restore-from.wuye")
    office_service.backup(d.office, cli(), copy)

    def restore() -> None:
        reopened, _kept = office_service.restore(d.office, a, copy)
        d.office = reopened

    return first((YES, restore))


def backup_export(d: Desk, a: Actor) -> str:
    return first((YES, lambda: office_service.backup(d.office, a, d.out("backup.wuye"))))


def places_see(d: Desk, a: Actor) -> str:
    def look() -> None:
        assert [b.label for b in places.estate_overview(d.office, a)] == ["3"]

    return first((YES, look))


def places_edit(d: Desk, a: Actor) -> str:
    return first(
        (
            YES,
            lambda: places.add_building(d.office, a, "5", entrances=1, floors=2, units_per_floor=2),
        ),
    )


Probe = Callable[[Desk, Actor], str]
PROBES: dict[tuple[str, str], Probe] = {
    ("residents", "see"): residents_see,
    ("residents", "reveal"): residents_reveal,
    ("residents", "edit"): residents_edit,
    ("residents", "export"): residents_export,
    ("contacts", "see"): contacts_see,
    ("contacts", "reveal"): contacts_reveal,
    ("contacts", "edit"): contacts_edit,
    ("contacts", "print"): contacts_print,
    ("contacts", "export"): lambda d, a: monthly(d, a, d.world.contact_number),
    ("help", "see"): help_see,
    ("help", "reveal"): help_reveal,
    ("help", "edit"): help_edit,
    ("help", "print"): help_print,
    ("help", "export"): lambda d, a: monthly(d, a, d.world.help_number),
    ("confidential", "see"): confidential_see,
    ("confidential", "reveal"): confidential_reveal,
    ("confidential", "edit"): confidential_edit,
    ("confidential", "print"): confidential_print,
    ("confidential", "export"): lambda d, a: monthly(d, a, d.world.answered_enquiry_number),
    ("repairs", "see"): repairs_see,
    ("repairs", "reveal"): repairs_reveal,
    ("repairs", "edit"): repairs_edit,
    ("repairs", "print"): repairs_print,
    ("repairs", "export"): lambda d, a: monthly(d, a, d.world.own_slip_number),
    ("reconciliation", "see"): reconciliation_see,
    ("reconciliation", "edit"): reconciliation_edit,
    ("visits", "see"): visits_see,
    ("visits", "edit"): visits_edit,
    ("visits", "print"): visits_print,
    ("visits", "export"): lambda d, a: monthly(d, a, d.world.visit_number),
    ("daily", "see"): daily_see,
    ("daily", "edit"): daily_edit,
    ("daily", "print"): daily_print,
    ("daily", "export"): lambda d, a: monthly(d, a, OTHER_CLERK),
    ("monthly", "see"): monthly_see,
    ("monthly", "export"): lambda d, a: monthly(d, a, d.world.own_slip_number),
    ("staff", "see"): staff_see,
    ("staff", "edit"): staff_edit,
    ("settings", "edit"): settings_edit,
    ("audit", "see"): audit_see,
    ("backup", "edit"): backup_edit,
    ("backup", "export"): backup_export,
    ("places", "see"): places_see,
    ("places", "edit"): places_edit,
}
CELLS = [
    pytest.param(row, column, role, id=f"{row}-{column}-{role.value}")
    for row, columns in TABLE.items()
    for column, cell in columns.items()
    if cell is not None
    for role in Role
]


def test_every_cell_that_exists_has_a_probe_and_no_probe_is_left_over() -> None:
    cells = {
        (row, column)
        for row, columns in TABLE.items()
        for column, c in columns.items()
        if c is not None
    }
    assert cells == set(PROBES)
    assert all(set(columns) == set(COLUMNS) for columns in TABLE.values())
    assert set(TABLE) == set(ROWS)


@pytest.mark.parametrize(("row", "column", "role"), CELLS)
def test_each_role_gets_what_the_table_says(desk: Desk, row: str, column: str, role: Role) -> None:
    if ON_SERVER and row == "backup":
        pytest.skip("a server is backed up by its administrator (the commands refuse it)")
    cell = TABLE[row][column]
    assert cell is not None
    expected = cell.get(role, NO)
    actor = desk.world.actors[role]
    assert PROBES[row, column](desk, actor) == expected


def test_revealing_and_full_exports_are_written_to_the_audit_log(desk: Desk) -> None:
    actors = desk.world.actors
    assert residents_reveal(desk, actors[R.clerk]) == YES
    assert repairs_reveal(desk, actors[R.engineer]) == "own"
    assert residents_export(desk, actors[R.director]) == YES
    with desk.office.transaction() as session:
        lines = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail).where(
                AuditEntry.action.in_(["resident.reveal", "repair.reveal", "resident.export"])
            )
        ).all()
    assert [(who, what) for who, what, _ in lines] == [
        ("陈文员", "resident.reveal"),
        ("李工", "repair.reveal"),
        ("王主任", "resident.export"),
    ]
    assert (lines[-1].detail or "").startswith("full=yes")


# --- the documentation agrees with the table walked ---------------------------------------------

NAMES = {label: role for role, label in ROLE_LABELS.items()}
ENTRY = re.compile(r"^(?P<role>[^（）]+?)(?:（(?P<qualifier>[^）]+)）)?$")


def parse_cell(text: str) -> Cell:
    """Read one cell of docs/roles.md: 不适用, —, 所有岗位, or roles joined by 、."""
    text = text.strip()
    if text == "不适用":
        return None
    if text == "—":
        return {}
    cell: dict[Role, str] = {}
    for entry in text.split("、"):
        found = ENTRY.match(entry.strip())
        assert found is not None, f"cannot read {entry!r}"
        qualifier = found["qualifier"]
        outcome = QUALIFIERS[qualifier] if qualifier else YES
        roles = ALL_ROLES if found["role"] == "所有岗位" else (NAMES[found["role"]],)
        for role in roles:
            assert role not in cell, f"{found['role']} twice in {text!r}"
            cell[role] = outcome
    return cell


def documented_table() -> dict[str, dict[str, Cell]]:
    """Parse the table under "## 权限表" in docs/roles.md into rows → columns → cells."""
    text = DOCS.read_text(encoding="utf-8")
    after = text.split("## 权限表", 1)[1]
    lines = [line.strip() for line in after.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([part.strip() for part in line.strip("|").split("|")])
    header, rule, *body = table
    assert set("".join(rule)) <= set("-: "), "the second line of the table is its rule"
    by_label = {label: key for key, label in ROWS.items()}
    by_column = {label: key for key, label in COLUMNS.items()}
    columns = [by_column[h] for h in header[1:]]
    documented: dict[str, dict[str, Cell]] = {}
    for cells in body:
        row = by_label[cells[0].replace("**", "")]
        documented[row] = {c: parse_cell(t) for c, t in zip(columns, cells[1:], strict=True)}
    return documented


def test_the_documented_table_is_the_table_walked() -> None:
    documented = documented_table()
    assert list(documented) == list(TABLE)
    for row, columns in TABLE.items():
        for column, cell in columns.items():
            assert documented[row][column] == cell, f"{ROWS[row]} / {COLUMNS[column]}"


def test_the_documentation_names_every_role_and_qualifier() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for role, label in ROLE_LABELS.items():
        assert f"| {label} | {role.value} |" in text, label
    for words in QUALIFIERS:
        assert f"（{words}）" in text, words


def test_a_cell_that_names_an_unknown_role_or_qualifier_is_refused() -> None:
    assert parse_cell("文员、工程人员（仅本人的）") == {R.clerk: YES, R.engineer: "own"}
    assert parse_cell("所有岗位") == dict.fromkeys(ALL_ROLES, YES)
    with pytest.raises(KeyError):
        parse_cell("文员、保洁")
    with pytest.raises(KeyError):
        parse_cell("工程人员（有时）")
