"""`wuyedesk staff`: list, add, pin, leave — exit codes, one Chinese line on stderr, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import DIRECTOR_PIN, FAST_N, PASSPHRASE
from wuyedesk.cli import main
from wuyedesk.services import office as office_service
from wuyedesk.services.staff import list_staff, login
from wuyedesk.store import keys
from wuyedesk.store.models import AuditEntry


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    db = tmp_path / "office.wuye"
    monkeypatch.setenv("WUYEDESK_DB", str(db))
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("WUYEDESK_DIRECTOR_PIN", DIRECTOR_PIN)
    monkeypatch.setenv("WUYEDESK_STAFF_PIN", "2468")
    monkeypatch.setattr(keys, "PASSPHRASE_N", FAST_N)
    assert main(["init", "--director", "王建国"]) == 0
    capsys.readouterr()
    return db


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("wuyedesk: "), err
    return err


def test_add_then_list_then_log_in(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["staff", "add", "--name", "李秀英", "--role", "文员", "--department", "engineering"]
    assert main([*args, "--phone", "13812345678"]) == 0
    assert "已新增 李秀英（文员）" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["姓名", "岗位", "部门"]
    row = next(line.split("\t") for line in lines if line.startswith("李秀英"))
    assert row[1:5] == ["文员", "工程部", "138****5678", "在职"]
    assert "13812345678" not in "\n".join(lines)
    office = office_service.unlock(env, passphrase=PASSPHRASE)
    try:
        person = next(s for s in list_staff(office) if s.name == "李秀英")
        assert login(office, person.id, "2468").name == "李秀英"
        with office.transaction() as session:
            added = select(AuditEntry).where(AuditEntry.action == "staff.add")
            line = session.scalars(added.order_by(AuditEntry.id.desc())).first()
            assert line is not None and "李秀英" in line.detail
            assert line.actor == "命令行（系统）" and "2468" not in line.detail
    finally:
        office.close()


def test_pin_and_leave(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["staff", "add", "--name", "赵工", "--role", "engineer"]) == 0
    monkeypatch.setenv("WUYEDESK_STAFF_PIN", "9753")
    assert main(["staff", "pin", "--name", "赵工"]) == 0
    assert "已重设 赵工 的 PIN" in capsys.readouterr().out
    assert main(["staff", "leave", "--name", "赵工"]) == 0
    assert "赵工 已离职" in capsys.readouterr().out
    office = office_service.unlock(env, passphrase=PASSPHRASE)
    try:
        assert "赵工" not in {s.name for s in list_staff(office)}
        with office.transaction() as session:
            actions = list(session.scalars(select(AuditEntry.action)))
        assert {"staff.pin_reset", "staff.deactivate"} <= set(actions)
    finally:
        office.close()
    assert main(["staff", "list"]) == 0
    assert "赵工\t工程人员\t\t\t已离职" in capsys.readouterr().out
    assert main(["staff", "return", "--name", "赵工"]) == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["staff", "add", "--name", "赵工", "--role", "cook"], "请用 --role 指定岗位，可选："),
        (["staff", "add", "--name", "赵工"], "请用 --role 指定岗位"),
        (["staff", "add", "--role", "clerk"], "请用 --name 指定员工姓名"),
        (["staff", "add", "--name", "赵工2", "--role", "clerk"], "姓名中不能有数字"),
        (["staff", "add", "--name", "赵工", "--role", "clerk", "--department", "后勤"], "后勤"),
        (["staff", "add", "--name", "赵工", "--role", "clerk", "--phone", "123"], "电话号码格式"),
        (["staff", "add", "--name", "王建国", "--role", "clerk"], "已有名为「王建国」的员工"),
        (["staff", "pin", "--name", "无此人"], "没有名为「无此人」的员工"),
        (["staff", "leave", "--name", "王建国"], "至少保留一位在职的管理处主任"),
        (["staff", "leave", "--name", "王建国", "--role", "clerk"], "只用于 wuyedesk staff add"),
    ],
)
def test_bad_input_is_one_chinese_line_and_exit_1(
    env: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert main(args) == 1
    assert said in one_error(capsys)


def test_a_bad_pin_is_refused_before_the_office_opens(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WUYEDESK_STAFF_PIN", "1111")
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", "wrong horse 12")  # never reached
    assert main(["staff", "add", "--name", "赵工", "--role", "clerk"]) == 1
    assert "PIN 不能全部是相同的数字" in one_error(capsys)
    monkeypatch.delenv("WUYEDESK_STAFF_PIN")
    assert main(["staff", "pin", "--name", "赵工"]) == 1  # no terminal to ask in
    assert "WUYEDESK_STAFF_PIN" in one_error(capsys)


def test_a_mistyped_action_exits_2(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["staff", "fire", "--name", "王建国"])
    assert done.value.code == 2
