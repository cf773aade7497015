"""The encrypted office file: no plaintext, wrong keys, foreign files, newer schema, locks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import text

from tests.conftest import PASSPHRASE, make_office
from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.services import office as office_service
from wuyedesk.services.places import add_building
from wuyedesk.services.residents import add_resident
from wuyedesk.store import keys
from wuyedesk.store.office_file import OfficeFile, open_office_file, unlock_key

# the encrypted file, its key file and SQLite's own behaviour.
pytestmark = pytest.mark.file_only

SEEDED = [
    ("1栋1单元101", "欧阳娜娜", "13912345678", "110101199003074514"),
    ("1栋1单元102", "司马相如", "15800001111", "440304198512120015"),
    ("1栋2单元201", "诸葛明亮", "18698765432", "31010119700101118X"),
]


def _seed(office: OfficeFile, actor) -> None:
    add_building(office, actor, "1", entrances=2, floors=3, units_per_floor=2)
    for unit, name, phone, id_number in SEEDED:
        add_resident(
            office,
            actor,
            unit,
            {"name": name, "role": "owner", "phone": phone, "id_number": id_number},
        )


def test_office_file_holds_no_plaintext(office: OfficeFile, cli_actor, office_path: Path) -> None:
    _seed(office, cli_actor)
    # Read the raw bytes while the WAL still holds recent pages, then after a checkpoint.
    files = [office_path, Path(f"{office_path}-wal"), keys.key_path(office_path)]
    assert Path(f"{office_path}-wal").exists()
    blobs = [p.read_bytes() for p in files if p.exists()]
    office.close()
    blobs += [p.read_bytes() for p in files if p.exists()]
    for _, name, phone, id_number in SEEDED:
        for needle in (
            name.encode(),
            phone.encode(),
            id_number.encode(),
            phone[-4:].encode() + b"\x00",
        ):
            for blob in blobs:
                assert needle not in blob
    assert all(b"SQLite format 3" not in blob[:16] for blob in blobs)


def test_plain_sqlite_cannot_open_the_file(office: OfficeFile, office_path: Path) -> None:
    office.close()
    conn = sqlite3.connect(office_path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()


def test_pragmas_are_set_on_every_connection(office: OfficeFile) -> None:
    with office.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
        assert conn.execute(text("PRAGMA cipher_version")).scalar().startswith("4.")


def test_wrong_passphrase_is_refused_and_file_untouched(
    office: OfficeFile, office_path: Path
) -> None:
    office.close()
    before = office_path.read_bytes()
    with pytest.raises(keys.WrongPassphrase, match="密码不正确"):
        office_service.unlock(office_path, passphrase="wrong horse 12")
    assert office_path.read_bytes() == before


def test_recovery_key_opens_the_file(office_path: Path) -> None:
    office, recovery = make_office(office_path)
    office.close()
    reopened = office_service.unlock(office_path, recovery=recovery)
    assert reopened.office_uid == office.office_uid
    reopened.close()


def test_passphrase_change_keeps_records_and_does_not_rewrite_them(
    office: OfficeFile, cli_actor, office_path: Path
) -> None:
    _seed(office, cli_actor)
    office.close()
    before = office_path.read_bytes()
    office_service.change_passphrase(office_path, PASSPHRASE, "a brand new one 7")
    assert office_path.read_bytes() == before
    with pytest.raises(keys.WrongPassphrase):
        office_service.unlock(office_path, passphrase=PASSPHRASE)
    reopened = office_service.unlock(office_path, passphrase="a brand new one 7")
    with reopened.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM resident")).scalar() == 3
    reopened.close()


def test_missing_key_file_is_a_clear_error(office: OfficeFile, office_path: Path) -> None:
    office.close()
    keys.key_path(office_path).rename(office_path.with_name("elsewhere.keys"))
    with pytest.raises(OfficeFileError, match="找不到密钥文件"):
        office_service.unlock(office_path, passphrase=PASSPHRASE)


def test_another_offices_key_does_not_open_this_file(tmp_path: Path) -> None:
    first, _ = make_office(tmp_path / "a.wuye")
    second, _ = make_office(tmp_path / "b.wuye")
    first.close()
    second.close()
    key_b = unlock_key(tmp_path / "b.wuye", passphrase=PASSPHRASE)
    with pytest.raises(OfficeFileError, match="不是本办公室的办公文件"):
        open_office_file(tmp_path / "a.wuye", key_b)


def test_a_plain_sqlite_file_is_not_an_office_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.wuye"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    keys.create_key_file(path, PASSPHRASE, passphrase_n=2**10)
    with pytest.raises(OfficeFileError, match="不是本办公室的办公文件"):
        office_service.unlock(path, passphrase=PASSPHRASE)


def test_an_encrypted_database_without_office_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.wuye"
    _, data_key, _ = keys.create_key_file(path, PASSPHRASE, passphrase_n=2**10)
    conn = sqlcipher3.dbapi2.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    conn.execute("CREATE TABLE something(x)")
    conn.commit()
    conn.close()
    with pytest.raises(OfficeFileError, match="不是 wuyedesk 办公文件"):
        office_service.unlock(path, passphrase=PASSPHRASE)


def test_a_newer_schema_is_refused_and_untouched(office: OfficeFile, office_path: Path) -> None:
    with office.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    office.close()
    before = office_path.read_bytes()
    with pytest.raises(OfficeFileError, match="更新版本"):
        office_service.unlock(office_path, passphrase=PASSPHRASE)
    assert office_path.read_bytes() == before


def test_a_locked_file_gives_a_clear_message(office: OfficeFile, cli_actor) -> None:
    other = sqlcipher3.dbapi2.connect(str(office.path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{office.data_key.hex()}'\"")
    other.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(OfficeFileError, match="正被另一个程序"),
            office.transaction() as session,
        ):
            session.execute(text("UPDATE office SET phone = '1'"))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_init_refuses_to_overwrite(office: OfficeFile, office_path: Path) -> None:
    with pytest.raises(OfficeFileError, match="已存在"):
        make_office(office_path)
