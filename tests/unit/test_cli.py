"""The command line contract: exit codes, one clear line on stderr, tab-separated lists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DIRECTOR_PIN, FAST_N, PASSPHRASE
from wuyedesk import __version__
from wuyedesk.cli import main
from wuyedesk.store import keys


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    db = tmp_path / "office.wuye"
    monkeypatch.setenv("WUYEDESK_DB", str(db))
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("WUYEDESK_DIRECTOR_PIN", DIRECTOR_PIN)
    monkeypatch.setattr(keys, "PASSPHRASE_N", FAST_N)
    return db


def _init(capsys: pytest.CaptureFixture[str]) -> str:
    assert (
        main(["init", "--office-name", "某管理处", "--estate", "锦绣花园", "--director", "王建国"])
        == 0
    )
    return capsys.readouterr().out


def test_init_prints_the_recovery_key_once(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _init(capsys)
    assert "恢复密钥" in out
    recovery = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    assert keys.read_key_file(env).unwrap("recovery", recovery)
    assert main(["init"]) == 1
    assert "已存在" in capsys.readouterr().err


def test_errors_are_one_line_on_stderr_with_nonzero_exit(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "找不到办公文件" in err
    _init(capsys)
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", "wrong horse 12")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "密码不正确" in err


def test_check_backup_restore_and_audit_verify(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    assert main(["check"]) == 0
    assert "检查通过" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "b.wuye")]) == 0
    assert main(["restore", str(tmp_path / "b.wuye")]) == 0
    assert main(["audit", "verify"]) == 0
    assert "审计日志完整" in capsys.readouterr().out


def test_passphrase_change_through_the_cli(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _init(capsys)
    monkeypatch.setenv("WUYEDESK_NEW_PASSPHRASE", "second passphrase 2")
    assert main(["passphrase"]) == 0
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", "second passphrase 2")
    assert main(["check"]) == 0


def test_list_bad_month_and_unknown_unit(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys)
    assert main(["list", "contacts", "--month", "2026-13"]) == 1
    assert "月份格式" in capsys.readouterr().err
    assert main(["list", "repairs", "--unit", "99栋101"]) == 1
    assert "没有房号" in capsys.readouterr().err
    assert main(["list", "repairs"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["number\tdate\tunit\tstate\tkind\tcategory\treporter\tphone\tpaid\tlate"]


def test_no_passphrase_and_no_terminal_is_a_clear_error(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _init(capsys)
    monkeypatch.delenv("WUYEDESK_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["check"]) == 1
    assert "WUYEDESK_PASSPHRASE" in capsys.readouterr().err


def test_console_script_prints_version(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wuyedesk", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"wuyedesk {__version__}"


def test_import_residents_dry_run_then_for_real(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    _init(capsys)
    book = Workbook()
    sheet = book.active
    sheet.append(["锦绣花园业主名单"])
    sheet.append(["房号", "姓名", "手机", "身份证号"])
    sheet.append(["3-2-1502", "张伟", "13800138000", "110101199003074514"])
    sheet.append(["3栋2单元1501", "李娜", "1380013", ""])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    # A dry run with a bad row exits non-zero with one line on stderr and the rows on stdout.
    assert main(["import", "residents", str(path), "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert "第 4 行" in captured.out and "手机" in captured.out
    assert captured.err.count("\n") == 1 and "未导入" in captured.err
    assert main(["list", "residents"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # header only: dry run wrote nothing
    assert main(["import", "residents", str(path)]) == 0
    capsys.readouterr()
    assert main(["list", "residents"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unit\tname\trole\tphone")
    assert lines[1].split("\t")[:4] == ["3栋2单元1502", "张伟", "owner", "138****8000"]
    assert len(lines) == 2


def test_print_commands(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys)
    out = tmp_path / "reg.pdf"
    assert (
        main(["print", "register", "--from", "2026-11-01", "--to", "2026-11-02", "--out", str(out)])
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["print", "register", "--from", "11/01", "--out", str(out)]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["print", "QZ-2026-000001", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "没有单号" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_export_monthly(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    _init(capsys)
    target = tmp_path / "十月.xlsx"
    assert main(["export", "monthly", "--month", "2026-10", "--out", str(target)]) == 0
    out = capsys.readouterr().out
    assert "2026-10" in out and str(target) in out
    assert load_workbook(target).sheetnames[0] == "汇总"
    before = target.read_bytes()
    assert main(["export", "monthly", "--month", "2026-10", "-o", str(target), "--full"]) == 1
    assert "已存在" in capsys.readouterr().err and target.read_bytes() == before
    argv = ["export", "monthly", "--month", "2026-10", "-o", str(target), "--full", "--force"]
    assert main(argv) == 0
    capsys.readouterr()
    for argv, message in (
        (["export", "monthly", "-o", str(target)], "--month"),
        (["export", "monthly", "--month", "2026/10", "-o", str(target)], "月份格式"),
        (["export", "monthly", "--month", "2026-10", "-o", str(tmp_path / "x.csv")], ".xlsx"),
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, argv
    assert main(["audit", "verify"]) == 0


# Part 7 — trust: a backup is checked before it is restored; the daily backup.


def _damaged_copies(good: Path) -> dict[str, Path]:
    """Write a backup with bytes flipped in the middle and one cut short, each with its keys."""
    import shutil

    raw = good.read_bytes()
    middle = len(raw) // 2
    flipped = raw[:middle] + bytes(b ^ 0xFF for b in raw[middle : middle + 64])
    flipped += raw[middle + 64 :]
    copies = {"flipped": flipped, "truncated": raw[: middle + 1000]}
    paths = {}
    for name, data in copies.items():
        path = good.with_name(f"{name}.wuye")
        path.write_bytes(data)
        shutil.copyfile(keys.key_path(good), keys.key_path(path))
        paths[name] = path
    return paths


def test_check_backup_then_restore_refuse_damaged_backups(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    good = tmp_path / "good.wuye"
    assert main(["backup", str(good)]) == 0
    capsys.readouterr()
    assert main(["check", "--backup", str(good)]) == 0
    out = capsys.readouterr().out
    assert "与本办公文件相同" in out and "链条完整" in out and "备份检查通过" in out
    before = env.read_bytes()
    for name, path in _damaged_copies(good).items():
        assert main(["check", "--backup", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "不能用于恢复" in err and "已损坏" in err, err
        assert main(["restore", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith("wuyedesk: 不能恢复此备份：文件已损坏"), err
        assert err.endswith("办公文件未被改动\n"), err
    assert env.read_bytes() == before
    assert not list(tmp_path.glob("office.wuye.before-restore-*"))
    assert main(["restore", str(good)]) == 0
    assert main(["check"]) == 0


@pytest.mark.file_only
def test_check_backup_then_restore_refuse_another_offices_backup(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import make_office
    from wuyedesk.services import office as office_service
    from wuyedesk.services.context import Actor

    _init(capsys)
    other, _ = make_office(tmp_path / "other" / "office.wuye")
    theirs = tmp_path / "other-copy.wuye"
    office_service.backup(other, Actor.command_line(), theirs)
    other.close()
    before = env.read_bytes()
    assert main(["check", "--backup", str(theirs)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "另一个办公室" in err, err
    assert main(["restore", str(theirs)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("wuyedesk: 不能恢复此备份：此备份属于另一个办公室"), err
    assert env.read_bytes() == before
    assert not list(tmp_path.glob("office.wuye.before-restore-*"))
    # Without its key file beside it, the reason is still given plainly.
    keys.key_path(theirs).unlink()
    assert main(["restore", str(theirs)]) == 1
    assert "无法用本办公室的密钥解密" in capsys.readouterr().err


def test_daily_backup_on_the_command_line(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    _init(capsys)
    made = env.with_name("office.wuye.backups") / f"office-{date.today().isoformat()}.wuye"
    assert main(["backup", "--daily"]) == 0
    assert f"已完成今天的自动备份：{made}" in capsys.readouterr().out
    assert made.is_file() and keys.key_path(made).is_file()
    assert main(["backup", "--daily"]) == 0
    assert "今天已经自动备份过" in capsys.readouterr().out
    assert main(["check", "--backup", str(made)]) == 0
    assert "备份检查通过" in capsys.readouterr().out
    usb = tmp_path / "usb"
    assert main(["backup", "--daily", "--folder", str(usb)]) == 0
    assert (usb / made.name).is_file()
    capsys.readouterr()
    for argv, message in (
        (["backup"], "请给出备份文件"),
        (["backup", str(tmp_path / "x.wuye"), "--daily"], "--folder"),
        (["backup", str(tmp_path / "x.wuye"), "--folder", str(usb)], "--daily"),
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, argv
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    assert main(["backup", "--daily", "--folder", str(blocked)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "今天的自动备份没有完成" in err, err


def test_check_backup_then_restore_refuse_a_tampered_or_newer_backup(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    import sqlcipher3

    from tests.conftest import PASSPHRASE as OFFICE_PASSPHRASE

    _init(capsys)
    good = tmp_path / "good.wuye"
    assert main(["backup", str(good)]) == 0
    data_key = keys.read_key_file(env).unwrap("passphrase", OFFICE_PASSPHRASE)
    edits = {
        "tampered": ("UPDATE audit_log SET detail = '另一个名字' WHERE id = 1", "审计日志被改动"),
        "newer": ("UPDATE alembic_version SET version_num = '9999'", "更新版本"),
    }
    for name, (sql, message) in edits.items():
        path = tmp_path / f"{name}.wuye"
        shutil.copyfile(good, path)
        shutil.copyfile(keys.key_path(good), keys.key_path(path))
        conn = sqlcipher3.dbapi2.connect(str(path), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        # Someone with the key drops the append-only guards and edits the file.
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for (trigger,) in triggers:
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute(sql)
        conn.close()
        capsys.readouterr()
        assert main(["check", "--backup", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
        assert main(["restore", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert err.startswith("wuyedesk: 不能恢复此备份：") and message in err, err
    assert not list(tmp_path.glob("office.wuye.before-restore-*"))


def test_an_existing_file_is_never_replaced_without_force(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys)
    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"someone's file")
    for argv in (
        ["backup", str(kept)],
        ["print", "register", "--from", "2026-11-01", "-o", str(kept)],
        ["export", "monthly", "--month", "2026-10", "-o", str(kept.with_suffix(".xlsx"))],
    ):
        if argv[0] == "export":
            kept.with_suffix(".xlsx").write_bytes(b"someone's workbook")
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "已存在" in err and "--force" in err, argv
    assert kept.read_bytes() == b"someone's file"
    assert kept.with_suffix(".xlsx").read_bytes() == b"someone's workbook"
    assert main(["backup", str(kept), "--force"]) == 0
    assert kept.read_bytes() != b"someone's file"
