"""Column sealing on a database server: ID numbers and phones never reach it in plain text.

An office file is encrypted whole by SQLCipher, so its columns hold plain values. On a
PostgreSQL server the database administrator can read every table, so the columns typed
`Sealed` are encrypted by the program before they are sent (AES-256-GCM under a key derived
from the office's data key, the column's name as associated data, a fresh nonce each time)
and opened after they are read. Equal values give different ciphertexts; to find a
resident by phone the search index holds keyed hashes (HMAC-SHA-256 under a second derived
key) of each phone's tails (4+ digits), never the numbers themselves. ID numbers are
sealed but not searchable on a server. The associated data binds a value to its column, not
to its row: an administrator could swap two residents' values in one column unnoticed.

The sealer is attached to an engine's dialect when the office is unlocked; the column type
finds it there. An engine of an office file has no sealer and the type stores text as is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, String, Text, TypeDecorator

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr

PREFIX = "s1:"
NONCE_BYTES = 12
# Phone tails from this many digits up are searchable on a server (the clerk's "尾号").
MIN_TAIL = 4
_ATTR = "wuyedesk_sealer"


def _derive(data_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key)


class Sealer:
    """Seal and open column values, and hash values for exact search, with one office's key."""

    def __init__(self, data_key: bytes) -> None:
        self._aead = AESGCM(_derive(data_key, b"wuyedesk column seal v1"))
        self._mac_key = _derive(data_key, b"wuyedesk search hash v1")

    def seal(self, column: str, value: str) -> str:
        """Return the sealed text of a value for one column."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), column.encode("ascii"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, column: str, stored: str) -> str:
        """Return the plain value of a sealed text, refusing one that was altered."""
        if not stored.startswith(PREFIX):
            raise OfficeFileError(
                tr("数据库中的 {column} 不是本程序加密的内容，已拒绝读取").format(column=column)
            )
        try:
            raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode())
        except (ValueError, InvalidTag):
            raise OfficeFileError(
                tr(
                    "数据库中的 {column} 无法用本办公室的密钥解密（已被改动或来自其他办公室）"
                ).format(column=column)
            ) from None
        return plain.decode("utf-8")

    def digest(self, kind: str, value: str) -> str:
        """Return the keyed hash of a value, as 20 hex characters (exact search only)."""
        mac = hmac.new(self._mac_key, f"{kind}:{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:20]

    def phone_tokens(self, *phones: str | None) -> str:
        """Return the index text for phones: hashes of every tail of 4+ digits."""
        tokens: list[str] = []
        for phone in phones:
            digits = "".join(ch for ch in phone or "" if ch.isdigit())
            for size in range(MIN_TAIL, len(digits) + 1):
                tokens.append(self.digest("tel", digits[-size:]))
        return " ".join(tokens)


def attach(engine: Engine, data_key: bytes) -> None:
    """Give an engine's columns the office's sealer (server databases only)."""
    setattr(engine.dialect, _ATTR, Sealer(data_key))


def detach(engine: Engine) -> None:
    """Forget the sealer (the office is closing)."""
    if hasattr(engine.dialect, _ATTR):
        delattr(engine.dialect, _ATTR)


def sealer_of(dialect: Any) -> Sealer | None:
    """Return the sealer of an engine's dialect, if its columns are sealed."""
    return getattr(dialect, _ATTR, None)


def seals(dialect: Any) -> bool:
    """Tell whether this dialect's database must get sealed columns (a server database)."""
    return bool(dialect.name != "sqlite")


class Sealed(TypeDecorator[str]):
    """Text sealed on a server database, plain in the (whole-file encrypted) office file."""

    impl = Text
    cache_ok = True

    def __init__(self, column: str, length: int | None = None) -> None:
        super().__init__()
        self.column = column
        self.length = length

    def load_dialect_impl(self, dialect: Any) -> Any:
        """Keep the file's column as it was; a server's holds the longer sealed text."""
        if seals(dialect) or self.length is None:
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(String(self.length))

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        """Seal a value on its way to a server."""
        if value is None or not seals(dialect):
            return value
        return _required(dialect, self.column).seal(self.column, value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        """Open a value read from a server."""
        if value is None or not seals(dialect):
            return value
        return _required(dialect, self.column).open(self.column, value)


def _required(dialect: Any, column: str) -> Sealer:
    sealer = sealer_of(dialect)
    if sealer is None:
        raise OfficeFileError(tr("办公室尚未解锁，无法读写加密字段 {column}").format(column=column))
    return sealer
