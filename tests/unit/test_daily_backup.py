"""The automatic daily backup: once a day, beside the office file, 7 daily and 12 monthly kept."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSPHRASE
from wuyedesk.services import office as office_service
from wuyedesk.services.places import add_building
from wuyedesk.store import keys
from wuyedesk.store.backup import days_to_keep, inspect_backup
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile

# the daily file backups.
pytestmark = pytest.mark.file_only


def _folder(office: OfficeFile) -> Path:
    return office.path.with_name(office.path.name + ".backups")


def _left(folder: Path) -> set[str]:
    """Return the days of the backups left, checking each has its key file and nothing else."""
    names = {p.name for p in folder.iterdir()}
    backups = {n for n in names if n.endswith(".wuye")}
    assert names == backups | {n + ".keys" for n in backups}, names
    return {n.removeprefix("office-").removesuffix(".wuye") for n in backups}


def _daily_lines(office: OfficeFile) -> list[AuditEntry]:
    with office.transaction() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "office.backup",
                    AuditEntry.detail == "每日自动备份",
                )
            )
        )


def test_first_start_of_the_day_makes_a_verified_encrypted_backup(
    office: OfficeFile, cli_actor
) -> None:
    add_building(office, cli_actor, "1", entrances=1, floors=2, units_per_floor=2)
    made = office_service.daily_backup(office, today=date(2026, 3, 5))
    assert made == _folder(office) / "office-2026-03-05.wuye"
    assert made.is_file() and keys.key_path(made).is_file()
    assert b"SQLite format 3" not in made.read_bytes()[:16]
    report = inspect_backup(office.path, office.data_key, made)
    assert report.ok and report.same_office, report.problems
    lines = _daily_lines(office)
    assert len(lines) == 1 and lines[0].target == str(made)
    assert lines[0].staff_id is None and "系统" in lines[0].actor
    # The copy opens on its own with the office passphrase and holds the records.
    copy = office_service.unlock(made, passphrase=PASSPHRASE)
    try:
        assert office_service.check(copy).ok
    finally:
        copy.close()


def test_a_second_start_on_the_same_day_does_nothing(office: OfficeFile) -> None:
    made = office_service.daily_backup(office)
    assert made is not None and made.name == f"office-{date.today().isoformat()}.wuye"
    before = made.stat().st_mtime_ns
    assert office_service.daily_backup(office) is None
    assert office_service.daily_backup(office, today=date.today()) is None
    assert made.stat().st_mtime_ns == before
    assert len(_daily_lines(office)) == 1


def test_a_backup_left_without_its_key_file_is_made_again(office: OfficeFile) -> None:
    day = date(2026, 3, 5)
    made = office_service.daily_backup(office, today=day)
    assert made is not None
    keys.key_path(made).unlink()  # the program stopped between the copy and the key file
    assert office_service.daily_backup(office, today=day) == made
    assert keys.key_path(made).is_file()


def test_forty_days_across_a_month_boundary(office: OfficeFile) -> None:
    folder = _folder(office)
    first = date(2026, 1, 20)
    for offset in range(40):  # 20 January … 28 February, one start a day
        today = first + timedelta(days=offset)
        assert office_service.daily_backup(office, today=today) is not None
        assert office_service.daily_backup(office, today=today) is None
        if today == date(2026, 1, 26):
            assert _left(folder) == {f"2026-01-{d}" for d in range(20, 27)}
        if today == date(2026, 1, 27):  # the 20th is January's monthly: still there
            assert _left(folder) == {f"2026-01-{d}" for d in range(20, 28)}
        if today == date(2026, 2, 1):
            assert _left(folder) == {"2026-01-20"} | {f"2026-01-{d}" for d in range(26, 32)} | {
                "2026-02-01"
            }
        if today == date(2026, 2, 9):  # February's first is now both a daily and the monthly
            assert _left(folder) == {"2026-01-20", "2026-02-01"} | {
                f"2026-02-0{d}" for d in range(3, 10)
            }
    assert _left(folder) == {"2026-01-20", "2026-02-01"} | {f"2026-02-{d}" for d in range(22, 29)}
    assert len(_daily_lines(office)) == 40


def test_fourteen_months_keep_seven_daily_and_twelve_monthly(office: OfficeFile) -> None:
    folder = _folder(office)
    starts = [date(2025, 1, 16), date(2025, 1, 23)]
    for month in range(2, 15):  # February 2025 … February 2026: four starts a month
        year, mon = 2025 + (month - 1) // 12, (month - 1) % 12 + 1
        starts += [date(year, mon, day) for day in (2, 9, 16, 23)]
    for today in starts:
        assert office_service.daily_backup(office, today=today) is not None
        assert len(_left(folder)) <= 7 + 12
    monthly = {f"2025-{m:02d}-02" for m in range(3, 13)} | {"2026-01-02", "2026-02-02"}
    daily = {"2026-01-09", "2026-01-16", "2026-01-23"} | {
        f"2026-02-{d:02d}" for d in (2, 9, 16, 23)
    }
    assert _left(folder) == monthly | daily
    assert len(monthly | daily) == 18
    # The oldest months are gone with their key files; the kept ones still verify.
    assert not (folder / "office-2025-01-16.wuye").exists()
    assert not (folder / "office-2025-02-02.wuye.keys").exists()
    kept = folder / "office-2025-03-02.wuye"
    assert inspect_backup(office.path, office.data_key, kept).ok


def test_every_day_for_fourteen_months_by_the_rule() -> None:
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(425)]  # to 1 March 2026
    assert days[-1] == date(2026, 3, 1)
    kept = days_to_keep(days)
    daily = {date(2026, 2, 23) + timedelta(days=n) for n in range(7)}
    monthly = {date(2025, m, 1) for m in range(4, 13)} | {
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    }
    assert kept == daily | monthly


def test_other_files_in_the_backup_folder_are_left_alone(office: OfficeFile) -> None:
    folder = _folder(office)
    folder.mkdir()
    mine = folder / "office-2020-01-01.wuye.note"
    theirs = folder / "其他.wuye"
    mine.write_text("keep")
    theirs.write_text("keep")
    for offset in range(10):
        office_service.daily_backup(office, today=date(2026, 1, 1) + timedelta(days=offset))
    assert mine.read_text() == "keep" and theirs.read_text() == "keep"


def test_a_chosen_folder_is_used(office: OfficeFile, tmp_path: Path) -> None:
    made = office_service.daily_backup(office, today=date(2026, 3, 5), folder=tmp_path / "u盘")
    assert made == tmp_path / "u盘" / "office-2026-03-05.wuye"
    assert not _folder(office).exists()


def test_a_failed_backup_is_a_warning_and_the_office_stays_usable(
    office: OfficeFile, cli_actor
) -> None:
    folder = _folder(office)
    office_service.daily_backup(office, today=date(2026, 3, 4))
    # Something else took the backup's place: a folder where the file should go.
    (folder / "office-2026-03-05.wuye").mkdir()
    with pytest.raises(office_service.DailyBackupFailed) as caught:
        office_service.daily_backup(office, today=date(2026, 3, 5))
    message = caught.value.message
    assert "今天的自动备份没有完成" in message and "照常使用" in message
    assert "同名的文件或文件夹" in message
    assert "\n" not in message
    assert (folder / "office-2026-03-04.wuye").is_file()  # nothing older was removed
    assert not list(folder.glob("*.part"))
    add_building(office, cli_actor, "1", entrances=1, floors=2, units_per_floor=2)
    assert office_service.check(office).ok


def test_a_backup_folder_that_cannot_be_made_is_a_warning(office: OfficeFile) -> None:
    blocker = office.path.with_name(office.path.name + ".backups")
    blocker.write_text("a file where the folder should be")
    with pytest.raises(office_service.DailyBackupFailed, match="今天的自动备份没有完成"):
        office_service.daily_backup(office, today=date(2026, 3, 5))
    assert blocker.read_text() == "a file where the folder should be"
