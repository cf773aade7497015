"""Where an office's records live: an encrypted file on this PC, or a PostgreSQL database.

A file is a `Path`. A server database is a `ServerDb`, written as SQLAlchemy writes a URL:
`postgresql+psycopg://user:password@host:5432/dbname`. Shown to people without its password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# SQLAlchemy is imported inside the functions: the unlock window names the office before
# the database layer has loaded.

SERVER_SCHEMES = ("postgresql+psycopg", "postgresql")


@dataclass(frozen=True)
class ServerDb:
    """An office kept in a PostgreSQL database on a server."""

    url: str

    @property
    def sqlalchemy_url(self) -> URL:
        """Return the URL with the psycopg 3 driver."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(drivername="postgresql+psycopg")

    @property
    def database(self) -> str:
        """Return the database's name."""
        return self.sqlalchemy_url.database or ""

    def __str__(self) -> str:
        """Show the URL without its password."""
        return self.sqlalchemy_url.render_as_string(hide_password=True)

    @property
    def local_name(self) -> str:
        """Return a file name for this PC's own state about this database (no password)."""
        shown = str(self)
        digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
        return f"server-{self.database or 'db'}-{digest}"


Location = Path | ServerDb


def is_server_text(text: str) -> bool:
    """Tell whether typed text names a server database rather than a file."""
    head = text.strip().split("://", 1)[0].lower()
    return "://" in text and head in SERVER_SCHEMES


def parse_location(text: str | Path | ServerDb) -> Location:
    """Read a --db value: a PostgreSQL URL, or else a file path."""
    if isinstance(text, ServerDb):
        return text
    if isinstance(text, Path):
        return text.expanduser()
    if not is_server_text(text):
        return Path(text).expanduser()
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise UserError(tr("数据库地址格式不正确：{0}").format(text[:40])) from None
    if not url.database:
        raise UserError(
            tr("数据库地址中缺少数据库名，例如 postgresql+psycopg://用户@主机/数据库名")
        )
    return ServerDb(url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
