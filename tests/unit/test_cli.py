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
    assert main(["export", "monthly", "--month", "2026-10", "-o", str(target), "--full"]) == 0
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
