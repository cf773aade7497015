"""'Remember on this PC': works through a real keyring backend, says so when there is none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.conftest import PASSPHRASE
from wuyedesk.domain.errors import UserError
from wuyedesk.services import office as office_service
from wuyedesk.store import remembered
from wuyedesk.store.office_file import OfficeFile

# the remembered key of an office file (the server's uses the same code).
pytestmark = pytest.mark.file_only


class MemoryKeyring(KeyringBackend):
    """An in-process keyring standing in for the OS credential store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_it_says_so_and_carries_on(
    office: OfficeFile, office_path: Path, no_keyring: None
) -> None:
    usable, reason = remembered.availability()
    assert not usable and "无法记住密码" in reason
    with pytest.raises(UserError, match="无法记住密码"):
        office_service.remember_on_this_pc(office)
    office.close()
    # Asking for the remembered key falls back to the passphrase.
    reopened = office_service.unlock(office_path, passphrase=PASSPHRASE, use_remembered=True)
    reopened.close()


def test_remembered_key_opens_without_passphrase(
    office: OfficeFile, office_path: Path, memory_keyring: MemoryKeyring
) -> None:
    office_service.remember_on_this_pc(office)
    stored = next(iter(memory_keyring.items.values()))
    assert office.data_key.hex() not in stored  # base64, and only in the OS store
    office.close()
    reopened = office_service.unlock(office_path, use_remembered=True)
    assert reopened.office_uid == office.office_uid
    reopened.close()
    remembered.forget(office.office_uid)
    assert memory_keyring.items == {}
    with pytest.raises(UserError, match="请输入办公室密码"):
        office_service.unlock(office_path, use_remembered=True)
