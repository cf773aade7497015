"""Backups are encrypted, verified before use, and restore only the same office's copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE, make_office
from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.services import office as office_service
from wuyedesk.services.places import add_building
from wuyedesk.store import keys
from wuyedesk.store.office_file import OfficeFile

# encrypted file backups (a server is backed up by its administrator).
pytestmark = pytest.mark.file_only


def _units(office: OfficeFile) -> int:
    with office.transaction() as session:
        return session.execute(text("SELECT count(*) FROM unit")).scalar_one()


def test_backup_then_restore_brings_back_the_records(
    office: OfficeFile, cli_actor, tmp_path: Path
) -> None:
    add_building(office, cli_actor, "1", entrances=1, floors=2, units_per_floor=2)
    target = tmp_path / "usb" / "copy.wuye"
    target.parent.mkdir()
    office_service.backup(office, cli_actor, target)
    assert target.exists() and keys.key_path(target).exists()
    assert b"SQLite format 3" not in target.read_bytes()[:16]
    add_building(office, cli_actor, "2", entrances=1, floors=2, units_per_floor=2)
    assert _units(office) == 8
    restored, kept = office_service.restore(office, cli_actor, target)
    try:
        assert _units(restored) == 4
        assert kept.exists()
        report = office_service.check(restored)
        assert report.ok, report.problems
    finally:
        restored.close()


def test_restore_refuses_another_offices_backup(
    office: OfficeFile, cli_actor, tmp_path: Path
) -> None:
    other, _ = make_office(tmp_path / "other.wuye")
    office_service.backup(other, cli_actor, tmp_path / "other-copy.wuye")
    other.close()
    add_building(office, cli_actor, "1", entrances=1, floors=2, units_per_floor=2)
    with pytest.raises(OfficeFileError, match=r"无法用本办公室的密钥解密|另一个办公室"):
        office_service.restore(office, cli_actor, tmp_path / "other-copy.wuye")
    # Refused before anything was closed or replaced: the open file still works as it was.
    assert _units(office) == 4
    assert not list(tmp_path.glob("office.wuye.before-restore-*"))


def test_restore_refuses_a_damaged_backup(office: OfficeFile, cli_actor, tmp_path: Path) -> None:
    add_building(office, cli_actor, "1", entrances=1, floors=3, units_per_floor=4)
    target = tmp_path / "copy.wuye"
    office_service.backup(office, cli_actor, target)
    raw = bytearray(target.read_bytes())
    raw[5000:5100] = bytes(100)  # a scratched USB stick
    target.write_bytes(bytes(raw))
    with pytest.raises(OfficeFileError, match="不能恢复此备份"):
        office_service.restore(office, cli_actor, target)
    reopened = office_service.unlock(office.path, passphrase=PASSPHRASE)
    assert _units(reopened) == 12
    reopened.close()


def test_backup_to_an_unwritable_place_is_a_clear_error(
    office: OfficeFile, cli_actor, tmp_path: Path
) -> None:
    with pytest.raises(OfficeFileError, match="无法写入备份"):
        office_service.backup(office, cli_actor, tmp_path / "no-such-folder" / "x.wuye")
    assert not list(tmp_path.glob("**/*.part"))


def test_check_reports_ok_on_a_new_file(office: OfficeFile) -> None:
    report = office_service.check(office)
    assert report.ok
    assert report.integrity == "ok"
    assert report.schema_revision == report.schema_head
    assert report.audit_lines >= 2
