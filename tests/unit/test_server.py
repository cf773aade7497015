"""The PostgreSQL back end: sealed columns, keyed-hash search, key slots, several desks.

The sealer's own tests run on every pass; the rest run on the PostgreSQL pass of the suite
(`WUYEDESK_TEST_DB=postgresql`, CI's second run), where the `office` fixture is a real
database on the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import DIRECTOR_PIN, PASSPHRASE, location, make_office
from wuyedesk.cli import main
from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.services import office as office_service
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.records import STALE
from wuyedesk.services.residents import (
    add_resident,
    resident_form_data,
    search_residents,
    update_resident,
)
from wuyedesk.store.location import ServerDb, parse_location
from wuyedesk.store.models import Contact, NumberCounter, Resident
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.store.sealing import Sealer

PHONE, LANDLINE, ID_NUMBER = "13912345678", "021-64881234", "110101199003071233"


# --- the sealer (every pass) -------------------------------------------------------------------


def test_a_sealed_value_opens_only_in_its_own_column_and_only_unaltered() -> None:
    sealer = Sealer(b"k" * 32)
    first, second = sealer.seal("resident.phone", PHONE), sealer.seal("resident.phone", PHONE)
    assert first != second and PHONE not in first  # a fresh nonce every time
    assert sealer.open("resident.phone", first) == PHONE
    with pytest.raises(OfficeFileError, match="无法用本办公室的密钥解密"):
        sealer.open("resident.id_number", first)  # moved to another column
    flipped = first[:-2] + ("A" if first[-2] != "A" else "B") + first[-1]
    with pytest.raises(OfficeFileError, match="无法用本办公室的密钥解密"):
        sealer.open("resident.phone", flipped)
    with pytest.raises(OfficeFileError, match="无法用本办公室的密钥解密"):
        Sealer(b"o" * 32).open("resident.phone", first)  # another office's key
    with pytest.raises(OfficeFileError, match="不是本程序加密的内容"):
        sealer.open("resident.phone", PHONE)


def test_phone_tokens_are_keyed_hashes_of_every_tail_of_four_or_more_digits() -> None:
    sealer = Sealer(b"k" * 32)
    tokens = sealer.phone_tokens(PHONE, None).split()
    assert len(tokens) == len(PHONE) - 3  # tails of 4 … 11 digits
    assert sealer.digest("tel", "5678") in tokens and sealer.digest("tel", PHONE) in tokens
    assert sealer.digest("tel", "678") not in tokens
    assert not any(part in " ".join(tokens) for part in ("5678", "1391234"))
    assert Sealer(b"o" * 32).digest("tel", "5678") != sealer.digest("tel", "5678")
    # A landline is indexed by its digits, whatever its dashes.
    assert sealer.digest("tel", "64881234") in sealer.phone_tokens(None, LANDLINE).split()


def test_a_server_url_is_read_and_shown_without_its_password() -> None:
    db = parse_location("postgresql://desk:s3cret@10.0.0.5:5433/office_a")
    assert isinstance(db, ServerDb)
    assert str(db) == "postgresql+psycopg://desk:***@10.0.0.5:5433/office_a"
    assert db.database == "office_a" and "s3cret" not in db.local_name
    assert parse_location("office.wuye") == Path("office.wuye")
    with pytest.raises(UserError, match="缺少数据库名"):
        parse_location("postgresql+psycopg://desk@host")


# --- on the server --------------------------------------------------------------------------------

server = pytest.mark.server_only


def _estate(office: OfficeFile) -> int:
    add_building(office, Actor.command_line(), "3", entrances=1, floors=16, units_per_floor=2)
    data = {
        "name": "欧阳建华",
        "role": "owner",
        "phone": PHONE,
        "landline": LANDLINE,
        "id_type": "居民身份证",
        "id_number": ID_NUMBER,
        "emergency_name": "欧阳丽",
        "emergency_phone": "13700001111",
    }
    return add_resident(office, Actor.command_line(), "3-1-1502", data).id


@server
def test_the_administrator_sees_no_id_number_or_phone_in_any_table(office: OfficeFile) -> None:
    _estate(office)
    record_contact(
        office,
        Actor.command_line(),
        {"method": "call", "unit": "3-1-1502", "caller_name": "欧阳先生", "phone": PHONE,
         "kind": "complaint", "complained_department": "cleaning", "content": "楼道灯不亮"},
    )  # fmt: skip
    with office.engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).scalars()
        dump = []
        for table in tables:
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                dump.append(" ".join(str(value) for value in row))
        raw = conn.exec_driver_sql("SELECT phone, id_number FROM resident").one()
    text = "\n".join(dump)
    for secret in (PHONE, "12345678", "64881234", ID_NUMBER, "19900307", "13700001111", "5678"):
        assert secret not in text, secret
    assert raw[0].startswith("s1:") and raw[1].startswith("s1:")
    assert "欧阳建华" in text  # names are not sealed (docs/server.md says so)


@server
def test_residents_are_found_by_name_unit_and_phone_tail_through_keyed_hashes(
    office: OfficeFile,
) -> None:
    resident_id = _estate(office)
    actor = Actor.command_line()

    def found(query: str) -> list[int]:
        return [hit.id for hit in search_residents(office, actor, query)]

    for query in ("欧阳建华", "欧阳", "oy", "3栋1单元1502", "1502", "5678", PHONE, "64881234"):
        assert found(query) == [resident_id], query
    assert found("678") == [] and found("1234567") == [] and found("9999") == []
    shown = search_residents(office, actor, "5678")[0]
    assert PHONE not in str(shown)  # masked as on a file


@server
def test_a_sealed_value_moved_or_altered_by_the_administrator_is_reported(
    office: OfficeFile,
) -> None:
    _estate(office)
    assert office_service.check(office).ok
    with office.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE resident SET phone = id_number")
    report = office_service.check(office)
    assert not report.ok
    assert (
        "resident.phone" in report.problems[0] and "无法用本办公室的密钥解密" in report.problems[0]
    )


@server
def test_the_key_slots_live_in_the_database_and_the_passphrase_can_change(
    office: OfficeFile,
) -> None:
    db = office.location
    office.close()
    with pytest.raises(UserError):
        office_service.unlock(db, passphrase="wrong passphrase 9")
    office_service.change_passphrase(db, PASSPHRASE, "new passphrase 42")
    with pytest.raises(UserError):
        office_service.unlock(db, passphrase=PASSPHRASE)
    reopened = office_service.unlock(db, passphrase="new passphrase 42")
    try:
        assert office_service.check(reopened).ok
    finally:
        reopened.close()


@server
def test_a_database_that_is_not_empty_is_not_used_for_a_new_office(office: OfficeFile) -> None:
    with pytest.raises(OfficeFileError, match="不是空的"):
        make_office_again(office.location)


def make_office_again(db: object) -> None:
    office_service.init_office(
        db,  # type: ignore[arg-type]
        PASSPHRASE,
        office_name="另一个管理处",
        estate_name="小区",
        director_name="王主任",
        director_pin=DIRECTOR_PIN,
        passphrase_n=2**12,
    )


@server
def test_an_unreachable_server_gets_one_clear_line() -> None:
    nowhere = ServerDb("postgresql+psycopg://wuyedesk:wuyedesk@127.0.0.1:1/none")
    with pytest.raises(OfficeFileError, match="无法连接数据库服务器"):
        office_service.unlock(nowhere, passphrase=PASSPHRASE)
    db = location(Path("/nowhere/office.wuye"))
    assert isinstance(db, ServerDb)
    wrong = ServerDb(db.url.replace(":wuyedesk@", ":not-the-password@"))
    with pytest.raises(OfficeFileError, match="拒绝了用户名或密码"):
        office_service.unlock(wrong, passphrase=PASSPHRASE)


@server
def test_a_stale_edit_from_a_second_desk_is_refused_and_the_first_kept(
    office: OfficeFile,
) -> None:
    resident_id = _estate(office)
    other = office_service.unlock(office.location, passphrase=PASSPHRASE)
    actor = Actor.command_line()
    try:
        form = resident_form_data(office, actor, resident_id)
        data = {k: v for k, v in form.items() if k not in ("unit", "version")}
        update_resident(office, actor, resident_id, {**data, "employer": "第一张桌子"}, 1)
        with pytest.raises(UserError) as refused:
            update_resident(other, actor, resident_id, {**data, "employer": "第二张桌子"}, 1)
        assert refused.value.message == STALE
        with other.transaction() as session:
            kept = session.get(Resident, resident_id)
            assert kept is not None and (kept.employer, kept.version) == ("第一张桌子", 2)
    finally:
        other.close()


WRITER = textwrap.dedent(
    """
    import sys, time
    from wuyedesk.services.contacts import record_contact
    from wuyedesk.services.context import Actor
    from wuyedesk.store.location import ServerDb
    from wuyedesk.store.office_file import open_office_file

    url, key, tag, count, start_at = sys.argv[1:6]
    office = open_office_file(ServerDb(url), bytes.fromhex(key))
    data = {"method": "call", "unit": "3-1-1502", "caller_name": "刘先生",
            "phone": "13800138000", "kind": "enquiry", "content": ""}
    while time.monotonic() < float(start_at):
        time.sleep(0.001)
    for n in range(int(count)):
        view = record_contact(office, Actor.command_line(), {**data, "content": f"{tag}-{n}"})
        print(view.number, f"{tag}-{n}", flush=True)
    office.close()
    """
)


@server
def test_eight_desks_saving_at_once_get_gapless_unique_numbers(office: OfficeFile) -> None:
    _estate(office)
    assert isinstance(office.location, ServerDb)
    writers, each = 8, 25
    start_at = time.monotonic() + 3.0  # every process waits for the same moment
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                office.location.url,
                office.data_key.hex(),
                f"w{i}",
                str(each),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(writers)
    ]
    reported: dict[str, str] = {}
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        for line in out.splitlines():
            number, marker = line.split()
            assert number not in reported, f"{number} given twice"
            reported[number] = marker
    total = writers * each
    year = int(next(iter(reported)).split("-")[1])
    assert sorted(reported) == [f"DJ-{year}-{serial:06d}" for serial in range(1, total + 1)]
    with office.transaction() as session:
        stored = {n: c for n, c in session.execute(select(Contact.number, Contact.content))}
        counter = session.scalar(select(NumberCounter.last).where(NumberCounter.prefix == "DJ"))
        count = session.scalar(select(func.count()).select_from(Contact))
    assert stored == reported and counter == count == total


@server
def test_the_command_line_creates_and_uses_an_office_on_the_server(
    empty_server_db: ServerDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("WUYEDESK_DIRECTOR_PIN", DIRECTOR_PIN)
    url = empty_server_db.url
    code = main(["--db", url, "init", "--office-name", "管理处", "--estate", "小区",
                 "--director", "王主任"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "***" in out and "wuyedesk:wuyedesk@" not in out  # the password is never printed
    assert main(["--db", url, "check"]) == 0
    for command in (["backup", "/tmp/never.wuye"], ["backup", "--daily"]):
        assert main(["--db", url, *command]) == 1
        assert "数据库管理员" in capsys.readouterr().err


def test_make_office_makes_an_office_on_the_run_s_back_end(tmp_path: Path) -> None:
    office, _ = make_office(tmp_path / "office.wuye")
    try:
        assert office.is_server == isinstance(location(tmp_path / "office.wuye"), ServerDb)
    finally:
        office.close()


@server
def test_a_draft_of_a_resident_form_reaches_the_server_sealed(office: OfficeFile) -> None:
    from wuyedesk.domain.roles import Role
    from wuyedesk.services.drafts import draft_of, save_draft
    from wuyedesk.store.models import Staff

    with office.transaction() as session:
        director = session.scalars(select(Staff)).one()
    actor = Actor(director.id, director.name, Role.director)
    save_draft(office, actor, "resident", "new", {"name": "欧阳建华", "id_number": ID_NUMBER})
    with office.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT payload FROM draft").scalar_one()
    assert raw.startswith("s1:") and ID_NUMBER not in raw and "欧阳" not in raw
    draft = draft_of(office, actor, "resident", "new")
    assert draft is not None and draft.data["id_number"] == ID_NUMBER


@server
def test_after_a_demo_on_the_server_new_records_get_fresh_ids(office: OfficeFile) -> None:
    from wuyedesk.services.demo import generate_demo

    generate_demo(office, Actor.command_line(), households=30, seed=2)
    with office.transaction() as session:
        highest = session.scalar(select(func.max(Contact.id))) or 0
    view = record_contact(
        office,
        Actor.command_line(),
        {"method": "call", "unit": None, "caller_name": "刘先生", "phone": PHONE,
         "kind": "enquiry", "content": "物业费怎么交"},
    )  # fmt: skip
    assert view.id > highest


@server
def test_a_row_held_by_another_desk_past_the_wait_is_a_clear_refusal(office: OfficeFile) -> None:
    resident_id = _estate(office)
    actor = Actor.command_line()
    form = resident_form_data(office, actor, resident_id)
    data = {k: v for k, v in form.items() if k not in ("unit", "version")}
    holder = office.engine.connect()
    try:
        holder.begin()
        holder.exec_driver_sql(f"SELECT * FROM resident WHERE id = {resident_id} FOR UPDATE")
        started = time.monotonic()
        with pytest.raises(OfficeFileError) as refused:
            update_resident(office, actor, resident_id, {**data, "employer": "等不到"}, 1)
        assert 4 <= time.monotonic() - started < 30  # the server's 5 s lock wait
        assert "正被另一张桌子保存" in refused.value.message
    finally:
        holder.rollback()
        holder.close()
    saved = update_resident(office, actor, resident_id, {**data, "employer": "再试一次"}, 1)
    assert saved.version == 2
