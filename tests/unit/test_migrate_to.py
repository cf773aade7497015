"""Moving an office file to a PostgreSQL server: same passphrase, same records, file untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, update

from tests.conftest import FAST_N, PASSPHRASE, make_office
from wuyedesk.cli import main
from wuyedesk.domain.errors import OfficeFileError, PermissionDenied
from wuyedesk.domain.roles import Role
from wuyedesk.services import contacts, migrate
from wuyedesk.services.context import Actor
from wuyedesk.services.demo import generate_demo
from wuyedesk.services.office import init_office, unlock
from wuyedesk.services.residents import search_residents
from wuyedesk.store import audit, keys
from wuyedesk.store.engine import make_server_engine
from wuyedesk.store.location import ServerDb
from wuyedesk.store.models import AuditEntry, Base, Contact, NumberCounter, Resident, Unit
from wuyedesk.store.office_file import OfficeFile

# The source is always an office file; the target is the test server in either pass.
pytestmark = pytest.mark.file_only

DIRECTOR = Actor.command_line()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A closed demo office file (60 households, a year of records) and its recovery key."""
    path = tmp_path_factory.mktemp("demo") / "demo.wuye"
    office, recovery = make_office(path)
    generate_demo(office, DIRECTOR, households=60, seed=1)
    office.close()
    return path, recovery


@pytest.fixture
def demo_path(demo_template: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the demo office file (with its key file)."""
    source, _ = demo_template
    path = tmp_path / "src.wuye"
    shutil.copy(source, path)
    shutil.copy(keys.key_path(source), keys.key_path(path))
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[OfficeFile]:
    """The demo office file, unlocked."""
    office = unlock(demo_path, passphrase=PASSPHRASE)
    yield office
    office.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(db: ServerDb) -> list[str]:
    engine = make_server_engine(db.sqlalchemy_url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def all_rows(office: OfficeFile, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    with office.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns))
        return [dict(r._mapping) for r in rows]


def test_migrated_office_opens_with_the_same_secrets_and_holds_the_same_records(
    demo_path: Path, demo_template: tuple[Path, str], empty_server_db: ServerDb
) -> None:
    hashes = (sha256(demo_path), sha256(keys.key_path(demo_path)))
    source = unlock(demo_path, passphrase=PASSPHRASE)
    steps: list[str] = []
    try:
        report = migrate.migrate_to(
            source, DIRECTOR, empty_server_db, progress=lambda d, t, what: steps.append(what)
        )
        expected = {m: all_rows(source, m) for m in (Resident, Contact, Unit, NumberCounter)}
        file_audit = all_rows(source, AuditEntry)
        with source.engine.connect() as conn:
            counts = {
                t.name: conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            }
    finally:
        source.close()
    assert (sha256(demo_path), sha256(keys.key_path(demo_path))) == hashes
    assert steps[-1] == "完成"
    assert "wuyedesk" in report.target and "***" in report.target  # no password shown
    assert {t.name: t.rows for t in report.tables} == counts
    assert report.total_rows > 1000

    target = unlock(empty_server_db, passphrase=PASSPHRASE)
    try:
        for model, rows in expected.items():
            assert all_rows(target, model) == rows, model.__tablename__
        server_audit = all_rows(target, AuditEntry)
        assert server_audit[: len(file_audit)] == file_audit
        (line,) = server_audit[len(file_audit) :]
        assert line["action"] == "office.migrate" and "逐表核对一致" in line["detail"]
        assert line["prev_hash"] == file_audit[-1]["hash"]  # the chain continues
        with target.transaction() as session:
            assert audit.verify(session).ok
    finally:
        target.close()
    unlock(empty_server_db, recovery=demo_template[1]).close()


def test_search_and_numbering_continue_on_the_server(
    demo: OfficeFile, empty_server_db: ServerDb
) -> None:
    migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    with demo.transaction() as session:
        person = session.scalars(
            select(Resident).where(Resident.phone.is_not(None)).order_by(Resident.id.desc())
        ).first()
        assert person is not None and person.phone
        code = session.scalar(select(Unit.code).where(Unit.id == person.unit_id))
        last_id = session.scalar(select(func.max(Contact.id)))
    target = unlock(empty_server_db, passphrase=PASSPHRASE)
    try:
        by_name = search_residents(target, DIRECTOR, person.name)
        assert person.id in {r.id for r in by_name}
        by_tail = search_residents(target, DIRECTOR, person.phone[-4:])
        assert person.id in {r.id for r in by_tail}
        view = contacts.record_contact(
            target,
            DIRECTOR,
            {
                "method": "call",
                "unit": code,
                "caller_name": person.name,
                "phone": person.phone,
                "kind": "enquiry",
                "content": "迁移后的第一条登记",
            },
        )
        with target.transaction() as session:
            new = session.scalars(select(Contact).where(Contact.number == view.number)).one()
            year = new.at.year
            before = session.scalars(
                select(Contact.number)
                .where(Contact.number.like(f"DJ-{year}-%"), Contact.id != new.id)
                .order_by(Contact.number.desc())
            ).first()
        assert new.id == (last_id or 0) + 1  # the sequence was moved past the copied rows
        serial = int(before.rsplit("-", 1)[1]) if before else 0
        assert view.number == f"DJ-{year}-{serial + 1:06d}"
    finally:
        target.close()


def test_the_administrator_sees_no_phone_or_id_number(
    demo: OfficeFile, empty_server_db: ServerDb
) -> None:
    migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    with demo.transaction() as session:
        secrets = {
            value
            for row in session.execute(
                select(Resident.phone, Resident.landline, Resident.id_number)
            )
            for value in row
            if value
        }
    assert len(secrets) > 50
    engine = make_server_engine(empty_server_db.sqlalchemy_url)  # no sealer: raw text
    try:
        with engine.connect() as conn:
            residents = "\n".join(
                "\t".join(str(v) for v in row)
                for row in conn.exec_driver_sql("SELECT * FROM resident")
            )
            index = "\n".join(
                "\t".join(row) for row in conn.exec_driver_sql("SELECT phone FROM resident_fts")
            )
    finally:
        engine.dispose()
    assert residents.count("s1:") >= len(secrets)
    assert not [s for s in secrets if s in residents or s in index]
    # The index's phone column holds only keyed hashes (20 hex characters each).
    assert re.fullmatch(r"([0-9a-f]{20}[ \n]?)+", index)


def test_a_database_that_is_not_empty_is_refused(
    demo: OfficeFile, empty_server_db: ServerDb
) -> None:
    migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    tables = table_names(empty_server_db)
    with pytest.raises(OfficeFileError, match="不是空的"):
        migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    assert table_names(empty_server_db) == tables


def test_a_server_source_and_a_non_director_are_refused(
    demo: OfficeFile, empty_server_db: ServerDb
) -> None:
    with pytest.raises(PermissionDenied, match="迁移到服务器"):
        migrate.migrate_to(demo, Actor(None, "赵主管", Role.supervisor), empty_server_db)
    assert table_names(empty_server_db) == []
    server, _ = init_office(
        empty_server_db,
        PASSPHRASE,
        office_name="测试物业管理处",
        estate_name="幸福小区",
        director_name="王主任",
        director_pin="1357",
        passphrase_n=FAST_N,
    )
    try:
        with pytest.raises(OfficeFileError, match="只能把本机的办公文件"):
            migrate.migrate_to(server, DIRECTOR, empty_server_db)
    finally:
        server.close()


def test_an_unreachable_server_gives_the_connection_message(demo: OfficeFile) -> None:
    nowhere = ServerDb("postgresql+psycopg://wuyedesk:wuyedesk@127.0.0.1:1/nowhere")
    with pytest.raises(OfficeFileError, match="无法连接数据库服务器"):
        migrate.migrate_to(demo, DIRECTOR, nowhere)


def test_a_failure_during_the_copy_leaves_the_database_empty(
    demo: OfficeFile, empty_server_db: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise OfficeFileError("索引失败")

    monkeypatch.setattr(migrate.search, "index_residents", broken)
    with pytest.raises(OfficeFileError, match="索引失败"):
        migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    assert table_names(empty_server_db) == []


def test_a_value_the_server_refuses_names_the_table_and_leaves_it_empty(
    demo: OfficeFile, empty_server_db: ServerDb
) -> None:
    # SQLite does not enforce VARCHAR lengths; PostgreSQL does.
    with demo.transaction() as session:
        session.execute(update(Resident).where(Resident.id == 1).values(name="长" * 50))
    with pytest.raises(OfficeFileError, match="服务器拒绝了表 resident 中的数据"):
        migrate.migrate_to(demo, DIRECTOR, empty_server_db)
    assert table_names(empty_server_db) == []


def test_a_checksum_mismatch_empties_the_target_and_names_the_table(
    demo_path: Path, empty_server_db: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrate.table_checksum

    def tampered(conn: Any, table: Any) -> migrate.TableReport:
        got = real(conn, table)
        if table.name == "resident":
            return migrate.TableReport(got.name, got.rows, "0" * 64)
        return got

    monkeypatch.setattr(migrate, "table_checksum", tampered)
    before = sha256(demo_path)
    source = unlock(demo_path, passphrase=PASSPHRASE)
    try:
        with pytest.raises(OfficeFileError, match="表 resident 的内容与办公文件不同") as caught:
            migrate.migrate_to(source, DIRECTOR, empty_server_db)
    finally:
        source.close()
    assert "已清空目标数据库" in caught.value.message
    assert table_names(empty_server_db) == []
    assert sha256(demo_path) == before


def test_the_command_line_migrates_and_says_how_to_open_it(
    demo_path: Path,
    empty_server_db: ServerDb,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    url = empty_server_db.url
    assert main(["--db", str(demo_path), "migrate-to", url]) == 0
    out = capsys.readouterr().out
    assert "校验一致" in out and "resident " in out
    assert f"wuyedesk --db {empty_server_db}" in out
    assert ":wuyedesk@" not in out  # the database password is never printed

    assert main(["--db", str(demo_path), "migrate-to", url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "不是空的" in err[0]
    assert main(["--db", url, "migrate-to", url]) == 1
    assert "只能把本机的办公文件" in capsys.readouterr().err
    assert main(["--db", str(demo_path), "migrate-to", "mysql://x/y"]) == 1
    assert "迁移目标应是服务器数据库地址" in capsys.readouterr().err
