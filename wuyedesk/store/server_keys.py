"""The key slots of a server database, kept in its `office_key` table (one row).

The same wrapped slots as an office file's key file (wuyedesk.store.keys): the data key
only ever leaves this PC wrapped under the passphrase or the recovery key, so the database
administrator, who can read the row, cannot unwrap it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import insert

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr
from wuyedesk.store.location import ServerDb

# Not part of the models' metadata: an office file has no such table.
office_key = Table(
    "office_key",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)


def read(db: ServerDb) -> bytes:
    """Return the key slots stored in the server database."""
    from wuyedesk.store.engine import make_server_engine

    engine = make_server_engine(db.sqlalchemy_url)
    try:
        return read_from(engine)
    finally:
        engine.dispose()


def read_from(engine: Engine) -> bytes:
    """Return the key slots through an open engine."""
    if "office_key" not in inspect(engine).get_table_names():
        raise OfficeFileError(tr("此数据库不是 wuyedesk 办公数据库（没有密钥表），数据库未被改动"))
    with engine.connect() as conn:
        content = conn.execute(select(office_key.c.content)).scalar_one_or_none()
    if content is None:
        raise OfficeFileError(tr("数据库中没有办公室密钥，可能尚未初始化完成"))
    return bytes(content)


def write(db: ServerDb, content: bytes) -> None:
    """Store the key slots in the server database (replacing the row)."""
    from wuyedesk.store.engine import make_server_engine

    engine = make_server_engine(db.sqlalchemy_url)
    try:
        with engine.begin() as conn:
            write_in(conn, content)
    finally:
        engine.dispose()


def write_in(conn: object, content: bytes) -> None:
    """Store the key slots inside the caller's transaction."""
    now = datetime.now(UTC).replace(tzinfo=None)
    statement = insert(office_key).values(id=1, content=content, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[office_key.c.id], set_={"content": content, "updated_at": now}
    )
    conn.execute(statement)  # type: ignore[attr-defined]
