"""Create and open the encrypted office file: key file, engine, schema, in one place."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.i18n import tr
from wuyedesk.store import keys, schema, sealing, server_keys
from wuyedesk.store.backup import make_backup
from wuyedesk.store.engine import make_engine, make_server_engine, server_message
from wuyedesk.store.location import Location, ServerDb
from wuyedesk.store.models import Base, Office

KEY_SLOT_PASSPHRASE = "passphrase"
KEY_SLOT_RECOVERY = "recovery"


FILE_ONLY = tr("此功能只适用于本机的办公文件；服务器上的办公数据库由数据库管理员备份和检查")


@dataclass
class OfficeFile:
    """An open office (a file, or a server database): its engine and the data key."""

    location: Location
    engine: Engine
    office_uid: str
    data_key: bytes = field(repr=False)
    migrated_from: str | None = None
    sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_server(self) -> bool:
        """Tell whether the records live on a database server."""
        return isinstance(self.location, ServerDb)

    @property
    def path(self) -> Path:
        """Return the office file's path; refuse for a server database (file-only features)."""
        if isinstance(self.location, ServerDb):
            raise OfficeFileError(FILE_ONLY)
        return self.location

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction: committed on success, rolled back on error."""
        with translate_errors(), self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Close every connection and forget the data key."""
        self.engine.dispose()
        sealing.detach(self.engine)
        self.data_key = b""


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn the database's own errors a person can cause into clear Chinese messages."""
    try:
        yield
    except DBAPIError as exc:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate is not None or exc.connection_invalidated:
            _refuse_server_error(exc, sqlstate)
        if not isinstance(exc, OperationalError):
            raise
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text:
            raise OfficeFileError(
                tr("办公文件正被另一个程序或另一台电脑使用，请稍后再试；本次未保存任何内容")
            ) from None
        if "disk is full" in text or "disk i/o" in text:
            raise OfficeFileError(
                tr("磁盘已满或无法写入，本次未保存任何内容；请清理磁盘后重试")
            ) from None
        if "readonly" in text or "read-only" in text:
            raise OfficeFileError(tr("办公文件所在的文件夹是只读的，本次未保存任何内容")) from None
        if "unable to open" in text:
            raise OfficeFileError(tr("无法打开办公文件（文件夹不存在或没有权限）")) from None
        raise


# PostgreSQL's SQLSTATE classes a person can cause: another desk holding a row, the server
# gone or refusing, a full disk. Anything else is a bug and stays as it is.
_SERVER_BUSY = {"55P03", "40P01", "40001", "57014"}


def _refuse_server_error(exc: DBAPIError, sqlstate: str | None) -> None:
    if sqlstate in _SERVER_BUSY:
        raise OfficeFileError(
            tr("办公数据库中的这条记录正被另一张桌子保存，等待超时；请稍后再试，本次未保存任何内容")
        ) from None
    if exc.connection_invalidated or (sqlstate or "").startswith(("08", "57P", "28")):
        raise OfficeFileError(server_message(exc) + tr("；本次未保存任何内容")) from None
    if sqlstate == "53100":
        raise OfficeFileError(
            tr("数据库服务器的磁盘已满，本次未保存任何内容；请通知数据库管理员")
        ) from None
    if sqlstate == "42501":
        raise OfficeFileError(
            tr("数据库账号没有这项操作的权限，本次未保存任何内容；请通知数据库管理员")
        ) from None


def create_office_file(
    path: Location,
    passphrase: str,
    *,
    office_name: str,
    estate_name: str,
    passphrase_n: int = keys.PASSPHRASE_N,
) -> tuple[OfficeFile, str]:
    """Create a new office file and its key file; return it open and the recovery key."""
    if not office_name.strip() or not estate_name.strip():
        raise UserError(tr("请填写管理处名称和小区名称"))
    if isinstance(path, ServerDb):
        return _create_server_office(path, passphrase, office_name, estate_name, passphrase_n)
    path = Path(path)
    if path.exists() or keys.key_path(path).exists():
        raise OfficeFileError(tr("{path} 已存在，不会覆盖现有的办公文件").format(path=path))
    if not path.parent.exists():
        path.parent.mkdir(parents=True)
    keyfile, data_key, recovery = keys.create_key_file(path, passphrase, passphrase_n=passphrase_n)
    try:
        with translate_errors():
            engine = make_engine(path, data_key, create=True)
            schema.upgrade(engine)
            office = OfficeFile(path, engine, keyfile.office_id, data_key)
            with office.transaction() as session:
                session.add(
                    Office(
                        office_uid=keyfile.office_id,
                        name=office_name.strip(),
                        estate_name=estate_name.strip(),
                    )
                )
    except BaseException:
        remove_office_files(path)
        raise
    return office, recovery


def _create_server_office(
    db: ServerDb, passphrase: str, office_name: str, estate_name: str, passphrase_n: int
) -> tuple[OfficeFile, str]:
    """Create the office in an empty server database: schema, key slots and office row in
    one transaction, so a failure leaves the database as empty as it was."""
    keyfile, data_key, recovery = keys.create_key_file(
        db, passphrase, passphrase_n=passphrase_n, write=False
    )
    engine = make_server_engine(db.sqlalchemy_url)
    try:
        if inspect(engine).get_table_names():
            raise OfficeFileError(
                tr("数据库 {0} 不是空的，不会在其中创建办公室；请使用新建的空数据库").format(
                    db.database
                )
            )
        sealing.attach(engine, data_key)

        def first_rows(conn: Connection) -> None:
            server_keys.write_in(conn, keyfile.to_bytes())
            conn.execute(
                insert(Office).values(
                    office_uid=keyfile.office_id,
                    name=office_name.strip(),
                    estate_name=estate_name.strip(),
                )
            )

        with translate_errors():
            schema.upgrade(engine, then=first_rows)
    except BaseException:
        engine.dispose()
        raise
    return OfficeFile(db, engine, keyfile.office_id, data_key), recovery


def remove_server_office(db: ServerDb) -> None:
    """Drop what a failed set-up put into a server database that was empty before."""
    engine = make_server_engine(db.sqlalchemy_url)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            for table in ("resident_fts", "office_key", "alembic_version"):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_log_append_only()")
    finally:
        engine.dispose()


def remove_office_files(path: Location) -> None:
    """Delete a half-created office file and its companions (set-up failed part way)."""
    if isinstance(path, ServerDb):
        remove_server_office(path)
        return
    for leftover in (path, keys.key_path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def unlock_key(
    path: Location, *, passphrase: str | None = None, recovery: str | None = None
) -> bytes:
    """Return the data key from the passphrase or the recovery key."""
    if not isinstance(path, ServerDb) and not path.exists():
        raise OfficeFileError(
            tr("找不到办公文件 {path}，请先运行 wuyedesk init 创建").format(path=path)
        )
    keyfile = keys.read_key_file(path)
    if recovery is not None:
        return keyfile.unwrap(KEY_SLOT_RECOVERY, recovery)
    if passphrase is None:
        raise UserError(tr("请输入办公室密码"))
    return keyfile.unwrap(KEY_SLOT_PASSPHRASE, passphrase)


def open_office_file(path: Location, data_key: bytes, *, migrate: bool = True) -> OfficeFile:
    """Open an existing office file with its data key; migrate an older schema after a backup."""
    if isinstance(path, ServerDb):
        return _open_server_office(path, data_key, migrate=migrate)
    path = Path(path)
    with translate_errors():
        engine = make_engine(path, data_key)
        try:
            schema.check_is_office_file(engine)
            migrated_from = None
            if schema.needs_upgrade(engine):
                if not migrate:
                    raise OfficeFileError(tr("办公文件的结构版本较旧，需要先升级"))
                migrated_from = schema.current_revision(engine)
                make_backup(path, data_key, path.with_name(f"{path.name}.pre-{migrated_from}"))
                schema.upgrade(engine)
            with engine.connect() as conn:
                uid = conn.execute(select(Office.office_uid)).scalar_one()
        except BaseException:
            engine.dispose()
            raise
    return OfficeFile(path, engine, uid, data_key, migrated_from)


def _open_server_office(db: ServerDb, data_key: bytes, *, migrate: bool) -> OfficeFile:
    """Open an office in a server database; an older schema is migrated in one transaction
    (PostgreSQL's DDL is transactional: a failed upgrade leaves it as it was)."""
    engine = make_server_engine(db.sqlalchemy_url)
    try:
        sealing.attach(engine, data_key)
        with translate_errors():
            schema.check_is_office_file(engine)
            migrated_from = None
            if schema.needs_upgrade(engine):
                if not migrate:
                    raise OfficeFileError(tr("办公数据库的结构版本较旧，需要先升级"))
                migrated_from = schema.current_revision(engine)
                schema.upgrade(engine)
            with engine.connect() as conn:
                uid = conn.execute(select(Office.office_uid)).scalar_one()
    except BaseException:
        engine.dispose()
        raise
    return OfficeFile(db, engine, uid, data_key, migrated_from)
