"""Two writers on one office file: a stale save is refused, numbers stay gapless, busy is said.

The desks of one office share the file (a network folder or one PC's several windows).
These tests run the writers as real processes on a real encrypted file, except one that
uses two handles in this process.
"""

from __future__ import annotations

import itertools
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.unit.test_crash import (
    WARM_SAVES,
    Child,
    Template,
    build_crash_template,
    check_complete_and_gapless,
    survey,
)
from tests.unit.test_repairs import PNG, at, opened
from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.services import repairs as r
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.records import STALE
from wuyedesk.services.repair_views import get_repair
from wuyedesk.services.residents import add_resident
from wuyedesk.store import engine
from wuyedesk.store.models import AuditEntry, Contact, NumberCounter, Resident, Signature
from wuyedesk.store.office_file import OfficeFile, open_office_file

# several processes on one office file (the server's are in test_server).
pytestmark = pytest.mark.file_only

BUSY = "办公文件正被另一个程序或另一台电脑使用，请稍后再试；本次未保存任何内容"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return build_crash_template(tmp_path_factory.mktemp("concurrency_template"))


def _assistant(template: Template) -> Actor:
    return Actor(template.staff_id, "张助理", Role.assistant)


def _audit_count(office: OfficeFile, action: str) -> int:
    with office.transaction() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )


def _complaint(content: str) -> dict[str, object]:
    return {
        "method": "call",
        "unit": "3-2-1502",
        "caller_name": "刘先生",
        "phone": "13800138000",
        "kind": "complaint",
        "complained_department": "cleaning",
        "content": content,
    }


# --- a stale second save is refused -------------------------------------------------------------


def test_second_desk_saving_a_stale_resident_is_refused_first_edit_kept(
    template: Template, tmp_path: Path
) -> None:
    path = template.copy_to(tmp_path / "office")
    office = open_office_file(path, template.key)
    actor = _assistant(template)
    data = {"name": "李四", "role": "owner", "phone": "13900139000", "id_number": None}
    resident_id = add_resident(office, actor, "3-2-1502", data).id
    desks = {
        tag: Child(path, template.key, template.staff_id, "edit", tag, str(resident_id))
        for tag in ("甲", "乙")
    }
    try:
        for desk in desks.values():
            desk.expect("READY")
        # Round 1: both desks show version 1; 甲 saves first, then 乙 saves its stale copy.
        for desk in desks.values():
            desk.send("LOAD")
        assert [d.expect("LOADED")[1] for d in desks.values()] == ["1", "1"]
        desks["甲"].send("SAVE")
        assert desks["甲"].expect("SAVED")[1] == "2"
        desks["乙"].send("SAVE")
        assert desks["乙"].expect("REFUSED")[1:] == ["UserError", STALE]
        with office.transaction() as session:
            kept = session.get(Resident, resident_id)
            assert kept is not None
            assert (kept.employer, kept.version) == ("甲 的第1次修改", 2)
            # The form showed the phone masked; saving it as shown kept the stored number.
            assert kept.phone == "13900139000"
        assert _audit_count(office, "resident.edit") == 1
        # Round 2: both reload version 2 and press save at the same moment: one wins.
        for desk in desks.values():
            desk.send("LOAD")
        assert [d.expect("LOADED")[1] for d in desks.values()] == ["2", "2"]
        for desk in desks.values():
            desk.send("SAVE")
        answers = {tag: desk.next() for tag, desk in desks.items()}
        winners = [tag for tag, words in answers.items() if words and words[0] == "SAVED"]
        losers = [tag for tag, words in answers.items() if words and words[0] == "REFUSED"]
        assert len(winners) == 1 and len(losers) == 1, answers
        assert answers[winners[0]] == ["SAVED", "3"]
        assert answers[losers[0]] == ["REFUSED", "UserError", STALE]
        with office.transaction() as session:
            kept = session.get(Resident, resident_id)
            assert kept is not None
            assert (kept.employer, kept.version) == (f"{winners[0]} 的第2次修改", 3)
        assert _audit_count(office, "resident.edit") == 2
        for desk in desks.values():
            desk.send("QUIT")
            assert desk.finish() == 0
    finally:
        for desk in desks.values():
            desk.kill()
        office.close()


def test_two_handles_in_one_process_a_stale_repair_step_is_refused(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    other = open_office_file(staffed_estate.path, staffed_estate.data_key)
    try:
        slip = opened(staffed_estate, who)
        shown_here = get_repair(staffed_estate, who["engineer"], slip.id, now=at(2))
        shown_there = get_repair(other, who["engineer"], slip.id, now=at(2))
        assert shown_here.version == shown_there.version
        r.receive_repair(
            staffed_estate, who["engineer"], slip.id,
            version=shown_here.version, signature_png=PNG, now=at(2),
        )  # fmt: skip
        with pytest.raises(UserError) as refused:
            r.receive_repair(
                other, who["engineer"], slip.id,
                version=shown_there.version, signature_png=PNG, now=at(3),
            )  # fmt: skip
        assert refused.value.message == STALE
        after = get_repair(other, who["engineer"], slip.id, now=at(4))
        assert (after.state, after.version) == ("received", shown_here.version + 1)
        with other.transaction() as session:
            signatures = session.scalar(select(func.count()).select_from(Signature))
        assert signatures == 1  # the refused step left no second signature behind
        assert _audit_count(other, "repair.receive") == 1
    finally:
        other.close()


# --- numbering under concurrent saves ----------------------------------------------------------


@pytest.mark.slow
def test_numbers_stay_gapless_when_three_processes_save_at_once(
    template: Template, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three writer processes, forked by the crash harness's server, start on the same tick."""
    started = time.monotonic()
    path = template.copy_to(tmp_path / "office")
    per_writer, tags = 40, ("w1", "w2", "w3")
    reported: dict[str, list[tuple[str, str]]] = {tag: [] for tag in tags}
    busy: Counter[str] = Counter()
    warm: list[str] = []
    server = Child(path, template.key, template.staff_id, "serve")
    try:
        for kind, number, _ in server.serving().saved:  # one of each kind, before the writers
            if kind == "contact":
                warm.append(number)
        start_at = time.monotonic() + 1.0  # CLOCK_MONOTONIC is shared by every process
        for tag in tags:
            server.send(f"BURST {tag} {per_writer} {start_at}")
        pids = []
        ended = 0
        while ended < len(tags):
            words = server.next()
            assert words is not None, server.stderr()
            head, *rest = words
            if head == "BUSY":
                assert rest[1] == BUSY, words
                busy[rest[0].split("-")[0]] += 1
            elif head == "SAVED":
                number, marker = rest[1], rest[2]
                reported[marker.split("-")[0]].append((number, marker))
            elif head == "END":
                ended += 1
            elif head == "PID":
                pids.append(rest[0])
            else:
                assert head == "READY", words
        assert len(pids) == len(tags)
        for pid in pids:
            server.send(f"WAIT {pid}")
            assert server.expect("DONE")[1:] == [pid, "0"]
        server.send("QUIT")
        assert server.finish() == 0
    finally:
        server.kill()
    found = survey(path, template.key)
    check_complete_and_gapless(found)  # DJ 1..N each once, counter N, audit line per record
    total = sum(len(saves) for saves in reported.values())
    assert total == len(tags) * per_writer
    assert len(found.records) == total + WARM_SAVES
    numbers = [number for saves in reported.values() for number, _ in saves]
    assert len(set(numbers)) == total
    for saves in reported.values():
        for number, marker in saves:
            assert found.records[marker].number == number
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in warm + numbers)
    assert serials == list(range(1, total + len(warm) + 1))
    # How much the writers interleaved: changes of writer along the numbers 1..N.
    owner = {number: tag for tag, saves in reported.items() for number, _ in saves}
    ordered = [owner[n] for n in sorted(numbers)]
    switches = sum(1 for a, b in itertools.pairwise(ordered) if a != b)
    with capsys.disabled():
        print(
            f"\n[three writers] saves={total}, numbers 1..{total} each once, "
            f"writer changes along the numbers={switches}, busy refusals retried="
            f"{sum(busy.values())}; {time.monotonic() - started:.1f} s"
        )


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    """Wait 0.5 s for another program's lock, not the program's 5 s (same code path)."""
    pragmas = tuple(
        "PRAGMA busy_timeout = 500" if p.startswith("PRAGMA busy_timeout") else p
        for p in engine.CONNECTION_PRAGMAS
    )
    monkeypatch.setattr(engine, "CONNECTION_PRAGMAS", pragmas)
    return 0.5


def test_a_save_refused_as_busy_says_so_and_loses_nothing(
    template: Template, tmp_path: Path, short_busy_timeout: float
) -> None:
    path = template.copy_to(tmp_path / "office")
    office = open_office_file(path, template.key)
    actor = _assistant(template)
    holder = None
    try:
        first = record_contact(office, actor, _complaint("锁前已保存的投诉"))
        holder = Child(path, template.key, template.staff_id, "lock")
        # Another program holds the write lock in a transaction that has bumped the DJ counter.
        holder.expect("LOCKED")
        waited = time.monotonic()
        with pytest.raises(OfficeFileError) as refused:
            record_contact(office, actor, _complaint("被拒绝的投诉"))
        assert refused.value.message == BUSY
        assert time.monotonic() - waited >= 0.9 * short_busy_timeout  # it waited first
        # The other program dies holding the lock: its bump is gone, and the refused save
        # is simply made again, with the next number.
        holder.proc.send_signal(signal.SIGKILL)
        assert holder.proc.wait(timeout=10) == -signal.SIGKILL
        second = record_contact(office, actor, _complaint("重试后保存的投诉"))
        year = first.number.split("-")[1]
        assert (first.number, second.number) == (f"DJ-{year}-000001", f"DJ-{year}-000002")
        with office.transaction() as session:
            contents = session.scalars(select(Contact.content).order_by(Contact.id)).all()
            counter = session.scalar(select(NumberCounter.last).where(NumberCounter.prefix == "DJ"))
        assert contents == ["锁前已保存的投诉", "重试后保存的投诉"]
        assert counter == 2
        assert _audit_count(office, "contact.record") == 2
    finally:
        if holder is not None:
            holder.kill()
        office.close()


def test_a_file_locked_by_another_program_opens_as_busy_never_as_a_wrong_key(
    template: Template, tmp_path: Path, short_busy_timeout: float
) -> None:
    """A file kept locked (readers too) is "in use", not "not this office's file"."""
    path = template.copy_to(tmp_path / "office")
    office = open_office_file(path, template.key)
    first = record_contact(office, _assistant(template), _complaint("锁前已保存的投诉"))
    office.close()
    holder = Child(path, template.key, template.staff_id, "lock", "exclusive")
    try:
        holder.expect("LOCKED")
        with pytest.raises(OfficeFileError) as refused:
            open_office_file(path, template.key)
        assert "正被另一个程序" in refused.value.message, refused.value.message
        assert "密钥" not in refused.value.message
        holder.proc.send_signal(signal.SIGKILL)
        assert holder.proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        holder.kill()
    office = open_office_file(path, template.key)
    try:
        with office.transaction() as session:
            numbers = session.scalars(select(Contact.number)).all()
            counter = session.scalar(select(NumberCounter.last).where(NumberCounter.prefix == "DJ"))
        assert (numbers, counter) == ([first.number], 1)  # the holder's bump died with it
    finally:
        office.close()
