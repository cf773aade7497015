"""Wrong passphrases and recovery keys are rate-limited across program runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, make_office
from wuyedesk.services import office as office_service
from wuyedesk.store import keys
from wuyedesk.store.attempts import TooManyAttempts, attempts_path, wait_after

# the attempts file beside the office file.
pytestmark = pytest.mark.file_only

WRONG = "wrong horse 12"
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: float = 1_772_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def closed_office(office_path: Path) -> tuple[Path, str]:
    office, recovery = make_office(office_path)
    office.close()
    return office_path, recovery


def _wrong(path: Path, clock: Clock, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(keys.WrongPassphrase, match=r"^办公室密码不正确$"):
            office_service.unlock(path, passphrase=WRONG, clock=clock)


def _refused(path: Path, clock: Clock, passphrase: str = PASSPHRASE) -> TooManyAttempts:
    with pytest.raises(TooManyAttempts) as caught:
        office_service.unlock(path, passphrase=passphrase, clock=clock)
    return caught.value


def test_three_misses_then_a_wait_even_for_the_right_passphrase(
    closed_office: tuple[Path, str],
) -> None:
    path, _ = closed_office
    clock = Clock()
    _wrong(path, clock, 3)
    refused = _refused(path, clock)
    assert refused.message == "密码连续输错 3 次，请 30 秒后再试"
    clock.advance(29)
    assert _refused(path, clock).message == "密码连续输错 3 次，请 1 秒后再试"
    clock.advance(1)
    office_service.unlock(path, passphrase=PASSPHRASE, clock=clock).close()
    # Success clears the count: three fresh misses are needed before the next wait.
    assert not attempts_path(path).exists()
    _wrong(path, clock, 2)
    office_service.unlock(path, passphrase=PASSPHRASE, clock=clock).close()
    _wrong(path, clock, 2)
    with pytest.raises(keys.WrongPassphrase):
        office_service.unlock(path, passphrase=WRONG, clock=clock)


def test_no_scrypt_is_tried_during_the_wait(closed_office: tuple[Path, str]) -> None:
    path, _ = closed_office
    clock = Clock()
    _wrong(path, clock, 3)
    key_file = keys.key_path(path)
    kept = key_file.read_bytes()
    key_file.write_bytes(b"not a key file")  # reading it would fail loudly
    try:
        _refused(path, clock)
    finally:
        key_file.write_bytes(kept)


def test_the_wait_grows_and_is_capped(closed_office: tuple[Path, str]) -> None:
    path, _ = closed_office
    clock = Clock()
    _wrong(path, clock, 3)
    expected = [30, 60, 120, 300, 600, 900, 900]
    for failures, wait in enumerate(expected, start=3):
        assert wait_after(failures) == wait
        assert _refused(path, clock).message == f"密码连续输错 {failures} 次，请 {wait} 秒后再试"
        clock.advance(wait - 1)
        assert _refused(path, clock).seconds == 1
        clock.advance(1)
        _wrong(path, clock)  # allowed again, and wrong again: the next wait is longer
    assert _refused(path, clock).failures == 10
    clock.advance(900)
    office_service.unlock(path, passphrase=PASSPHRASE, clock=clock).close()


def test_recovery_keys_and_passphrase_changes_share_the_count(
    closed_office: tuple[Path, str],
) -> None:
    path, recovery = closed_office
    clock = Clock()
    with pytest.raises(keys.WrongPassphrase, match="恢复密钥不正确"):
        office_service.unlock(path, recovery="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", clock=clock)
    with pytest.raises(keys.WrongPassphrase, match="恢复密钥不正确"):
        office_service.reset_passphrase(
            path, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "a new passphrase 9", clock=clock
        )
    with pytest.raises(keys.WrongPassphrase, match="办公室密码不正确"):
        office_service.change_passphrase(path, WRONG, "a new passphrase 9", clock=clock)
    for attempt in (
        lambda: office_service.unlock(path, recovery=recovery, clock=clock),
        lambda: office_service.reset_passphrase(path, recovery, "a new passphrase 9", clock=clock),
        lambda: office_service.change_passphrase(
            path, PASSPHRASE, "a new passphrase 9", clock=clock
        ),
    ):
        with pytest.raises(TooManyAttempts, match="密码连续输错 3 次"):
            attempt()
    clock.advance(30)
    office_service.unlock(path, recovery=recovery, clock=clock).close()
    assert not attempts_path(path).exists()


def test_the_state_file_holds_no_secret_and_a_damaged_one_blocks_nothing(
    closed_office: tuple[Path, str],
) -> None:
    path, _ = closed_office
    clock = Clock()
    _wrong(path, clock, 2)
    state = json.loads(attempts_path(path).read_text(encoding="utf-8"))
    assert state == {"failures": 2, "last_failure": clock.now}
    assert WRONG not in attempts_path(path).read_text(encoding="utf-8")
    assert not attempts_path(path).with_name(attempts_path(path).name + ".tmp").exists()
    attempts_path(path).write_text("{not json", encoding="utf-8")
    office_service.unlock(path, passphrase=PASSPHRASE, clock=clock).close()


def test_a_clock_set_back_does_not_stretch_the_wait(closed_office: tuple[Path, str]) -> None:
    path, _ = closed_office
    clock = Clock()
    _wrong(path, clock, 3)
    clock.advance(-86_400)  # someone set the PC's date back a day
    assert _refused(path, clock).seconds == 30


def _cli(db: Path, passphrase: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WUYEDESK_DB": str(db),
        "WUYEDESK_PASSPHRASE": passphrase,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "wuyedesk", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_count_survives_separate_runs_of_the_command_line(
    closed_office: tuple[Path, str],
) -> None:
    path, _ = closed_office
    for _ in range(3):
        run = _cli(path, WRONG)
        assert run.returncode == 1
        assert run.stderr == "wuyedesk: 办公室密码不正确\n"
    run = _cli(path, PASSPHRASE)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("wuyedesk: 密码连续输错 3 次，请 ")
    assert run.stderr.endswith(" 秒后再试\n")
    # Once the wait has passed (the last failure moved back in time), the right one opens.
    state = json.loads(attempts_path(path).read_text(encoding="utf-8"))
    state["last_failure"] -= 31
    attempts_path(path).write_text(json.dumps(state), encoding="utf-8")
    run = _cli(path, PASSPHRASE)
    assert run.returncode == 0, run.stderr
    assert not attempts_path(path).exists()
