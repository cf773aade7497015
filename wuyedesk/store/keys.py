"""The key file beside the office database: the data key, wrapped once per way in.

The database itself is opened with a random 256-bit data key (raw-key mode,
no stretching on open). That key is stored only wrapped with AES-256-GCM,
once per slot: the office passphrase and a printed recovery key, each
stretched with scrypt (parameters kept in the slot). Changing the
passphrase rewraps one slot; the database is never rewritten.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.i18n import tr
from wuyedesk.store.location import Location, ServerDb

FORMAT = "wuyedesk-keys"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32
# scrypt cost for the passphrase: 2**16 * 8 * 128 B = 64 MiB, ~0.2 s on an office PC.
PASSPHRASE_N = 2**16
# The recovery key already carries 160 random bits; stretching only slows guessing further.
RECOVERY_N = 2**14
RECOVERY_GROUPS = 8
MIN_PASSPHRASE_CHARS = 8
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed back


class WrongPassphrase(UserError):
    """The passphrase or recovery key does not open this office file."""


@dataclass
class Slot:
    """One wrapped copy of the data key."""

    kind: str  # "passphrase" or "recovery"
    n: int
    r: int
    p: int
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, object]:
        """Return the slot as JSON-ready data."""
        return {
            "kind": self.kind,
            "kdf": "scrypt",
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Slot:
        """Read a slot from its JSON form."""
        if data.get("kdf") != "scrypt":
            raise OfficeFileError(tr("密钥文件使用了本程序不认识的加密方式"))
        return cls(
            kind=str(data["kind"]),
            n=int(data["n"]),  # type: ignore[call-overload]
            r=int(data["r"]),  # type: ignore[call-overload]
            p=int(data["p"]),  # type: ignore[call-overload]
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]),
        )


@dataclass
class KeyFile:
    """The parsed key file: the office's identity and its slots."""

    office_id: str
    slots: list[Slot] = field(default_factory=list)

    def slot(self, kind: str) -> Slot:
        """Return the slot of this kind."""
        for slot in self.slots:
            if slot.kind == kind:
                return slot
        raise OfficeFileError(tr("密钥文件缺少「{kind}」解锁方式").format(kind=kind))

    def unwrap(self, kind: str, secret: str) -> bytes:
        """Return the data key opened with this slot's secret, or raise WrongPassphrase."""
        slot = self.slot(kind)
        kek = _stretch(_secret_bytes(kind, secret), slot.salt, slot.n, slot.r, slot.p)
        try:
            return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad(kind))
        except InvalidTag:
            if kind == "recovery":
                raise WrongPassphrase(tr("恢复密钥不正确，请核对打印的恢复密钥")) from None
            raise WrongPassphrase(tr("办公室密码不正确")) from None

    def wrap(self, kind: str, secret: str, data_key: bytes, n: int) -> None:
        """Add or replace the slot of this kind with the data key wrapped by `secret`."""
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kek = _stretch(_secret_bytes(kind, secret), salt, n, 8, 1)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad(kind))
        self.slots = [s for s in self.slots if s.kind != kind]
        self.slots.append(Slot(kind, n, 8, 1, salt, nonce, wrapped))

    def _aad(self, kind: str) -> bytes:
        return f"{FORMAT}:{self.office_id}:{kind}".encode()

    def to_bytes(self) -> bytes:
        """Serialise the key file."""
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "office_id": self.office_id,
            "slots": [s.to_json() for s in self.slots],
        }
        return json.dumps(data, indent=2).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        """Parse a key file, refusing anything that is not one."""
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise OfficeFileError(tr("密钥文件已损坏或不是 wuyedesk 密钥文件")) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise OfficeFileError(tr("密钥文件已损坏或不是 wuyedesk 密钥文件"))
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise OfficeFileError(tr("密钥文件由更新版本的 wuyedesk 创建，请升级程序"))
        return cls(str(data["office_id"]), [Slot.from_json(s) for s in data["slots"]])


def key_path(db_path: Path) -> Path:
    """Return the key file's path for an office database."""
    return db_path.with_name(db_path.name + ".keys")


def new_data_key() -> bytes:
    """Return a fresh random 256-bit data key."""
    return secrets.token_bytes(DATA_KEY_BYTES)


def new_recovery_key() -> str:
    """Return a print-friendly recovery key: eight groups of four letters and digits."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(RECOVERY_GROUPS * 4))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def check_passphrase_strength(passphrase: str) -> None:
    """Refuse a passphrase too weak to guard residents' data."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise UserError(
            tr("办公室密码至少需要 {MIN_PASSPHRASE_CHARS} 个字符").format(
                MIN_PASSPHRASE_CHARS=MIN_PASSPHRASE_CHARS
            )
        )
    if len(set(passphrase)) < 4:
        raise UserError(tr("办公室密码过于简单，请混合使用不同的字母、数字或汉字"))


def create_key_file(
    db_path: Location,
    passphrase: str,
    *,
    passphrase_n: int = PASSPHRASE_N,
    recovery_n: int = RECOVERY_N,
    write: bool = True,
) -> tuple[KeyFile, bytes, str]:
    """Create (and write, unless told not to) a key file; return it, the data key and the
    recovery key."""
    check_passphrase_strength(passphrase)
    keyfile = KeyFile(office_id=str(uuid.uuid4()))
    data_key = new_data_key()
    recovery = new_recovery_key()
    keyfile.wrap("passphrase", passphrase, data_key, passphrase_n)
    keyfile.wrap("recovery", recovery, data_key, recovery_n)
    if write:
        write_key_file(db_path, keyfile)
    return keyfile, data_key, recovery


def read_key_file(db_path: Location) -> KeyFile:
    """Read the key file beside the database, with a clear message when it is missing."""
    if isinstance(db_path, ServerDb):
        from wuyedesk.store import server_keys

        return KeyFile.from_bytes(server_keys.read(db_path))
    path = key_path(db_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise OfficeFileError(
            tr("找不到密钥文件 {path}：办公文件和它的密钥文件必须放在同一个文件夹").format(
                path=path
            )
        ) from None
    except PermissionError:
        raise OfficeFileError(tr("没有权限读取密钥文件 {path}").format(path=path)) from None
    return KeyFile.from_bytes(raw)


def write_key_file(db_path: Location, keyfile: KeyFile) -> None:
    """Write the key file atomically: a crash leaves the old or the new file, never half."""
    if isinstance(db_path, ServerDb):
        from wuyedesk.store import server_keys

        server_keys.write(db_path, keyfile.to_bytes())
        return
    path = key_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(keyfile.to_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def change_passphrase(db_path: Location, old: str, new: str, *, n: int | None = None) -> None:
    """Rewrap the passphrase slot; the database and the recovery slot stay as they are."""
    check_passphrase_strength(new)
    keyfile = read_key_file(db_path)
    data_key = keyfile.unwrap("passphrase", old)
    slot_n = n if n is not None else keyfile.slot("passphrase").n
    keyfile.wrap("passphrase", new, data_key, slot_n)
    write_key_file(db_path, keyfile)


def reset_passphrase_with_recovery(db_path: Location, recovery: str, new: str) -> None:
    """Set a new passphrase using the printed recovery key."""
    check_passphrase_strength(new)
    keyfile = read_key_file(db_path)
    data_key = keyfile.unwrap("recovery", recovery)
    keyfile.wrap("passphrase", new, data_key, keyfile.slot("passphrase").n)
    write_key_file(db_path, keyfile)


def _secret_bytes(kind: str, secret: str) -> bytes:
    if kind == "recovery":
        # Typed back by hand: ignore case, spaces and dashes.
        secret = "".join(ch for ch in secret.upper() if ch.isalnum())
    return secret.encode("utf-8")


def _stretch(secret: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(value: object) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except ValueError:
        raise OfficeFileError(tr("密钥文件已损坏")) from None


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
