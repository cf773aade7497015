"""The encrypted engine: SQLCipher 4 under SQLAlchemy, opened with the raw data key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr

# Set on every new connection, outside any transaction (inside one, journal_mode
# silently stays "delete").
CONNECTION_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",
    "PRAGMA busy_timeout = 5000",
)


def _raw_connect(path: Path, data_key: bytes) -> Any:
    conn = sqlcipher3.dbapi2.connect(str(path), isolation_level=None, check_same_thread=False)
    # SQLCipher writes its own errors (a wrong key's HMAC failure) to stderr: silence it.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    # Wait for another program's lock from the first read on, as every later statement
    # does: a file that is only locked must never be reported as one the key cannot open.
    for pragma in CONNECTION_PRAGMAS:
        if pragma.startswith("PRAGMA busy_timeout"):
            conn.execute(pragma)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.dbapi2.DatabaseError as exc:
        conn.close()
        text = str(exc).lower()
        if isinstance(exc, sqlcipher3.dbapi2.OperationalError) and (
            "locked" in text or "busy" in text
        ):
            raise OfficeFileError(
                tr("办公文件正被另一个程序或另一台电脑使用，暂时无法打开，请稍后再试；文件未被改动")
            ) from None
        raise OfficeFileError(
            tr("{0} 不是本办公室的办公文件（无法用此密钥解密），文件未被改动").format(path.name)
        ) from None
    for pragma in CONNECTION_PRAGMAS:
        conn.execute(pragma)
    return conn


def check_key(path: Path, data_key: bytes) -> None:
    """Open and close one connection, raising OfficeFileError if the key does not fit."""
    _raw_connect(path, data_key).close()


def make_engine(path: Path, data_key: bytes, *, create: bool = False) -> Engine:
    """Return an engine on the encrypted office file; refuse a missing file unless creating."""
    path = Path(path)
    if not create and not path.exists():
        raise OfficeFileError(
            tr("找不到办公文件 {path}，请先运行 wuyedesk init 创建").format(path=path)
        )
    if create and path.exists():
        raise OfficeFileError(tr("{path} 已存在，不会覆盖现有的办公文件").format(path=path))
    check_key(path, data_key)
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3.dbapi2,
        creator=lambda: _raw_connect(path, data_key),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )
    _use_explicit_transactions(engine)
    return engine


def _use_explicit_transactions(engine: Engine) -> None:
    # The driver runs in autocommit (isolation_level=None); SQLAlchemy's BEGIN is
    # then real and immediate, so a writer takes the lock before it reads counters.
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_server_engine(url: Any) -> Engine:
    """Return an engine on a PostgreSQL database (psycopg 3), refusing one it cannot reach."""
    from sqlalchemy.exc import OperationalError

    engine = create_engine(
        url,
        pool_size=2,
        max_overflow=4,
        pool_pre_ping=True,
        # A lock held by another desk is waited for, as the file's busy timeout does.
        connect_args={
            "connect_timeout": 10,
            "application_name": "wuyedesk",
            "options": "-c lock_timeout=5000 -c timezone=UTC",
        },
    )
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        engine.dispose()
        raise OfficeFileError(server_message(exc)) from None
    return engine


def server_message(exc: BaseException) -> str:
    """Turn a connection failure into one line a clerk can pass to the administrator."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return tr("数据库服务器拒绝了用户名或密码，请向管理员确认数据库地址中的账号")
    if "does not exist" in text and "database" in text:
        return tr("数据库服务器上没有这个数据库，请先由管理员创建")
    if "timeout" in text or "connection refused" in text or "could not" in text:
        return tr("无法连接数据库服务器（地址或端口不对，或服务器未运行），请检查网络后重试")
    return (
        tr("无法连接数据库服务器：") + str(getattr(exc, "orig", exc)).strip().splitlines()[0][:80]
    )
