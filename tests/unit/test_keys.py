"""The key file: slots, wrong secrets, passphrase change by rewrapping, damage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.store import keys


def _make(tmp_path: Path) -> tuple[Path, bytes, str]:
    db = tmp_path / "o.wuye"
    _, data_key, recovery = keys.create_key_file(
        db, "correct horse 12", passphrase_n=2**10, recovery_n=2**10
    )
    return db, data_key, recovery


def test_passphrase_and_recovery_both_open_the_same_key(tmp_path: Path) -> None:
    db, data_key, recovery = _make(tmp_path)
    keyfile = keys.read_key_file(db)
    assert len(data_key) == 32
    assert keyfile.unwrap("passphrase", "correct horse 12") == data_key
    assert keyfile.unwrap("recovery", recovery) == data_key
    # Typed back by hand: lower case and no dashes still work.
    assert keyfile.unwrap("recovery", recovery.lower().replace("-", " ")) == data_key


def test_wrong_passphrase_and_wrong_recovery_are_refused(tmp_path: Path) -> None:
    db, _, recovery = _make(tmp_path)
    keyfile = keys.read_key_file(db)
    with pytest.raises(keys.WrongPassphrase, match="密码不正确"):
        keyfile.unwrap("passphrase", "correct horse 13")
    wrong = ("B" if recovery[0] != "B" else "C") + recovery[1:]
    with pytest.raises(keys.WrongPassphrase, match="恢复密钥不正确"):
        keyfile.unwrap("recovery", wrong)


def test_key_file_holds_no_key_in_clear(tmp_path: Path) -> None:
    db, data_key, recovery = _make(tmp_path)
    raw = keys.key_path(db).read_bytes()
    assert data_key.hex().encode() not in raw
    assert data_key not in raw
    assert b"correct horse" not in raw
    assert recovery.encode() not in raw
    slot = json.loads(raw)["slots"][0]
    assert slot["kdf"] == "scrypt" and slot["n"] == 2**10


def test_change_passphrase_rewraps_only_the_passphrase_slot(tmp_path: Path) -> None:
    db, data_key, recovery = _make(tmp_path)
    before = json.loads(keys.key_path(db).read_bytes())
    keys.change_passphrase(db, "correct horse 12", "new stable 9876")
    after = json.loads(keys.key_path(db).read_bytes())
    keyfile = keys.read_key_file(db)
    assert keyfile.unwrap("passphrase", "new stable 9876") == data_key
    with pytest.raises(keys.WrongPassphrase):
        keyfile.unwrap("passphrase", "correct horse 12")
    recovery_before = [s for s in before["slots"] if s["kind"] == "recovery"]
    recovery_after = [s for s in after["slots"] if s["kind"] == "recovery"]
    assert recovery_before == recovery_after
    assert keyfile.unwrap("recovery", recovery) == data_key


def test_change_passphrase_with_wrong_old_one_changes_nothing(tmp_path: Path) -> None:
    db, _, _ = _make(tmp_path)
    before = keys.key_path(db).read_bytes()
    with pytest.raises(keys.WrongPassphrase):
        keys.change_passphrase(db, "not the one 11", "new stable 9876")
    assert keys.key_path(db).read_bytes() == before


def test_recovery_key_sets_a_new_passphrase(tmp_path: Path) -> None:
    db, data_key, recovery = _make(tmp_path)
    keys.reset_passphrase_with_recovery(db, recovery, "after forgetting 1")
    assert keys.read_key_file(db).unwrap("passphrase", "after forgetting 1") == data_key


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaa", ""])
def test_weak_passphrases_are_refused(tmp_path: Path, weak: str) -> None:
    with pytest.raises(UserError):
        keys.create_key_file(tmp_path / "o.wuye", weak, passphrase_n=2**10)
    assert not keys.key_path(tmp_path / "o.wuye").exists()


def test_missing_and_damaged_key_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(OfficeFileError, match="找不到密钥文件"):
        keys.read_key_file(tmp_path / "none.wuye")
    db, _, _ = _make(tmp_path)
    keys.key_path(db).write_text("{not json")
    with pytest.raises(OfficeFileError, match="密钥文件"):
        keys.read_key_file(db)
    keys.key_path(db).write_text(json.dumps({"format": "other"}))
    with pytest.raises(OfficeFileError, match="不是 wuyedesk 密钥文件"):
        keys.read_key_file(db)


def test_recovery_keys_are_print_friendly_and_random() -> None:
    seen = {keys.new_recovery_key() for _ in range(50)}
    assert len(seen) == 50
    for key in seen:
        groups = key.split("-")
        assert len(groups) == 8 and all(len(g) == 4 for g in groups)
        assert not set(key) & set("01OI")
