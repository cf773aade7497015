"""Move an office file to a PostgreSQL server: copy, check every table, leave the file alone.

The copy goes into an empty server database in one transaction (schema, key slots, every
table, the search index, the sequences), so a failure leaves the database as empty as it
was. The rows pass through the model tables, so the columns sealed on a server (ID numbers
and phones, wuyedesk.store.sealing) are opened from the file and sealed for the server on
the way. Afterwards every table is read back from the server and compared with what was
read from the file, by row count and by a checksum computed the same way on both sides; a
mismatch empties the database again. The file is only read: its writers wait while the
copy runs, so nothing saved meanwhile can be missed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import OfficeFileError, PermissionDenied, UserError
from wuyedesk.domain.roles import ROLE_LABELS
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import allowed
from wuyedesk.store import audit, keys, schema, sealing, search, server_keys
from wuyedesk.store.engine import make_server_engine
from wuyedesk.store.location import ServerDb
from wuyedesk.store.models import Base, Resident, Unit
from wuyedesk.store.office_file import (
    OfficeFile,
    open_office_file,
    remove_office_files,
    translate_errors,
)
from wuyedesk.store.sequences import reset_sequences, serial_column

Progress = Callable[[int, int, str], object]
BATCH = 2000
# Moving the whole office elsewhere is as weighty as replacing it by a backup: the director's.
PERMISSION = "office.restore"
SERVER_SOURCE = tr("只能把本机的办公文件迁移到服务器；当前打开的已经是服务器上的办公数据库")


@dataclass(frozen=True)
class TableReport:
    """One table as copied and checked: its rows and the checksum both sides agreed on."""

    name: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class MigrationReport:
    """What `migrate_to` copied and checked, and where to (shown without the password)."""

    source: str
    target: str
    tables: list[TableReport]
    seconds: float

    @property
    def total_rows(self) -> int:
        """Return the number of rows copied over all tables."""
        return sum(t.rows for t in self.tables)


def check_target(target: ServerDb) -> None:
    """Refuse a database that cannot be reached or is not empty, before anything is read."""
    engine = make_server_engine(target.sqlalchemy_url)
    try:
        _require_empty(engine, target)
    finally:
        engine.dispose()


def migrate_to(
    office: OfficeFile, actor: Actor, target: ServerDb, *, progress: Progress | None = None
) -> MigrationReport:
    """Copy an office file into an empty server database, check every table, audit it."""
    started = time.perf_counter()
    if office.is_server:
        raise OfficeFileError(SERVER_SOURCE)
    _require_director(actor)
    path = office.path
    if schema.current_revision(office.engine) != schema.head_revision():
        raise OfficeFileError(tr("办公文件的结构版本不是最新的，请先用本程序打开一次再迁移"))
    key_bytes = _key_file_bytes(path, office.office_uid)
    tables = Base.metadata.sorted_tables
    total = 2 * len(tables) + 2
    tell = progress or (lambda done, total, what: None)
    with translate_errors(), office.engine.connect() as source:
        # One read transaction over the whole copy: every table comes from the same moment,
        # and the file's writers wait (it begins IMMEDIATE), so nothing saved meanwhile is
        # lost. It is rolled back: nothing is written to the file.
        reading = source.begin()
        try:
            with Session(bind=source) as session:  # joins the read transaction, leaves it be
                chain = audit.verify(session)
            if not chain.ok:
                raise OfficeFileError(
                    tr("办公文件的审计日志有问题（{0}），不能迁移；请先运行 wuyedesk check").format(
                        chain.reason
                    )
                )
            sums = _copy_into(target, office.data_key, key_bytes, source, tables, tell, total)
        finally:
            reading.rollback()
    tell(len(tables) + 1, total, tr("核对"))
    checked = _verify(office, target, key_bytes, sums, tell, total)
    _record(checked, actor, path, sum(t.rows for t in sums))
    tell(total, total, tr("完成"))
    return MigrationReport(str(path), str(target), sums, time.perf_counter() - started)


def _require_director(actor: Actor) -> None:
    if not allowed(actor, PERMISSION):
        role = ROLE_LABELS.get(actor.role, str(actor.role))
        raise PermissionDenied(
            tr("您的岗位（{role}）不能把办公文件迁移到服务器，请由管理处主任操作").format(role=role)
        )


def _require_empty(engine: Engine, target: ServerDb) -> None:
    with translate_errors():
        names = inspect(engine).get_table_names()
    if names:
        raise OfficeFileError(
            tr(
                "数据库 {0} 不是空的（已有 {1} 张表），不会迁移到其中；请由管理员新建一个空数据库"
            ).format(target.database, len(names))
        )


def _key_file_bytes(path: Path, office_uid: str) -> bytes:
    """Return the key file exactly as it is on disk, after checking it is this office's."""
    try:
        raw = keys.key_path(path).read_bytes()
    except OSError:
        raise OfficeFileError(
            tr("无法读取密钥文件 {0}，不能迁移").format(keys.key_path(path))
        ) from None
    if keys.KeyFile.from_bytes(raw).office_id != office_uid:
        raise OfficeFileError(tr("密钥文件与办公文件不属于同一个办公室，不能迁移"))
    return raw


# --- copy -------------------------------------------------------------------------------


def _copy_into(
    target: ServerDb,
    data_key: bytes,
    key_bytes: bytes,
    source: Connection,
    tables: Sequence[Table],
    tell: Progress,
    total: int,
) -> list[TableReport]:
    """Create the schema and copy everything in one server transaction; return the sums."""
    engine = make_server_engine(target.sqlalchemy_url)
    sums: list[TableReport] = []
    try:
        _require_empty(engine, target)
        sealing.attach(engine, data_key)

        def fill(conn: Connection) -> None:
            server_keys.write_in(conn, key_bytes)
            for done, table in enumerate(tables):
                tell(done, total, tr("复制 {0}").format(table.name))
                sums.append(_copy_table(source, conn, table))
            tell(len(tables), total, tr("住户索引"))
            _index_residents(source, conn)
            reset_sequences(conn, tables)

        with translate_errors():
            schema.upgrade(engine, then=fill)
    finally:
        engine.dispose()
    return sums


def _copy_table(source: Connection, conn: Connection, table: Table) -> TableReport:
    """Copy one table in batches, keeping its keys; return what was read from the file."""
    digest = TableDigest(table)
    for batch in _batches(source, table):
        for row in batch:
            digest.add(row)
        _insert(conn, table, [dict(row._mapping) for row in batch])
    return TableReport(table.name, digest.rows, digest.hexdigest())


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows on the server, naming the table when the server refuses them (a value
    SQLite let through that PostgreSQL does not: too long, a NUL character...)."""
    try:
        conn.execute(table.insert(), rows)
    except DBAPIError as exc:
        if isinstance(exc, OperationalError):
            raise  # a lost connection or a lock: translate_errors says so
        first = str(exc.orig).strip().splitlines()[0][:120] if exc.orig else ""
        raise OfficeFileError(
            tr(
                "服务器拒绝了表 {0} 中的数据（{first}）；"
                "已撤销，目标数据库仍是空的，办公文件未被改动"
            ).format(table.name, first=first)
        ) from None


def _index_residents(source: Connection, conn: Connection) -> None:
    """Build the server's search index (keyed hashes of phone tails) from the file's rows."""
    query = select(Resident.id, Resident.name, Resident.phone, Resident.landline, Unit.code).join(
        Unit, Unit.id == Resident.unit_id
    )
    rows = source.execute(query, execution_options={"yield_per": BATCH})
    # The session joins the open transaction (search.py works on a session) and leaves it be.
    with Session(bind=conn) as session:
        for batch in rows.partitions():
            search.index_residents(
                session,
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "phone": r.phone,
                        "landline": r.landline,
                        "unit_code": r.code,
                    }
                    for r in batch
                ],
            )


# --- checksums --------------------------------------------------------------------------


class TableDigest:
    """Row count and SHA-256 of a table's rows in primary-key order, values normalised so
    the file and the server give the same text for the same row."""

    def __init__(self, table: Table) -> None:
        self._columns = [c.name for c in table.columns]
        key_names = [c.name for c in table.primary_key.columns]
        self._key = [self._columns.index(name) for name in key_names]
        # Integer keys come in order from either database; text keys sort differently under
        # SQLite's and PostgreSQL's collations, so those (small) tables are sorted here.
        self._sorted_here = serial_column(table) is None
        self._held: list[tuple[str, str]] = []
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, row: Any) -> None:
        """Take one row (as read through the model table)."""
        values = [canonical(v) for v in tuple(row)]
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        self.rows += 1
        if self._sorted_here:
            key = json.dumps([values[i] for i in self._key], ensure_ascii=False)
            self._held.append((key, line))
        else:
            self._hash.update(line.encode("utf-8") + b"\n")

    def hexdigest(self) -> str:
        """Return the table's checksum."""
        for _key, line in sorted(self._held):
            self._hash.update(line.encode("utf-8") + b"\n")
        self._held = []
        return self._hash.hexdigest()


def canonical(value: object) -> object:
    """Render one value the same way whichever database it was read from."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ["bool", int(value)]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return ["datetime", moment.strftime("%Y-%m-%dT%H:%M:%S.%f")]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, Decimal):
        return ["decimal", format(value.normalize(), "f")]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, float):
        return ["float", repr(value)]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _batches(conn: Connection, table: Table) -> Iterator[Sequence[Any]]:
    query = select(table).order_by(*table.primary_key.columns)
    yield from conn.execute(query, execution_options={"yield_per": BATCH}).partitions()


def table_checksum(conn: Connection, table: Table) -> TableReport:
    """Return a table's row count and checksum, read through the model table."""
    digest = TableDigest(table)
    for batch in _batches(conn, table):
        for row in batch:
            digest.add(row)
    return TableReport(table.name, digest.rows, digest.hexdigest())


# --- verification -----------------------------------------------------------------------


def _verify(
    office: OfficeFile,
    target: ServerDb,
    key_bytes: bytes,
    sums: list[TableReport],
    tell: Progress,
    total: int,
) -> OfficeFile:
    """Open the new server office and compare it with the file; empty it on any mismatch."""
    checked: OfficeFile | None = None
    try:
        checked = open_office_file(target, office.data_key, migrate=False)
        _compare(checked, office.office_uid, key_bytes, sums, tell, total)
    except BaseException as exc:
        if checked is not None:
            checked.close()
        try:
            remove_office_files(target)
        except Exception:
            raise OfficeFileError(
                tr(
                    "{0}；且未能清空目标数据库 {1}，请由管理员删除并重新创建该数据库后再迁移"
                ).format(_message(exc), target.database)
            ) from None
        if isinstance(exc, UserError):
            raise OfficeFileError(
                tr("{0}；已清空目标数据库，办公文件未被改动").format(exc.message)
            ) from None
        raise
    return checked


def _compare(
    checked: OfficeFile,
    office_uid: str,
    key_bytes: bytes,
    sums: list[TableReport],
    tell: Progress,
    total: int,
) -> None:
    """Raise OfficeFileError naming the first thing on the server that differs from the file."""
    if checked.office_uid != office_uid:
        raise OfficeFileError(tr("迁移后核对不一致：办公室标识不同"))
    if server_keys.read_from(checked.engine) != key_bytes:
        raise OfficeFileError(tr("迁移后核对不一致：服务器上的密钥与密钥文件不同"))
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with translate_errors(), checked.engine.connect() as conn, conn.begin():
        for done, expected in enumerate(sums):
            tell(len(sums) + 1 + done, total, tr("核对 {0}").format(expected.name))
            got = table_checksum(conn, tables[expected.name])
            if got.rows != expected.rows:
                raise OfficeFileError(
                    tr("迁移后核对不一致：表 {0} 在办公文件中有 {1} 行，服务器上有 {2} 行").format(
                        expected.name, expected.rows, got.rows
                    )
                )
            if got.checksum != expected.checksum:
                raise OfficeFileError(
                    tr("迁移后核对不一致：表 {0} 的内容与办公文件不同").format(expected.name)
                )
        with Session(bind=conn) as session:
            chain = audit.verify(session)
    if not chain.ok:
        raise OfficeFileError(tr("迁移后核对不一致：服务器上的审计日志{0}").format(chain.reason))


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, UserError) else tr("迁移后的核对未能完成")


def _record(checked: OfficeFile, actor: Actor, path: Path, rows: int) -> None:
    """Write the migration's line on the server; its chain continues the file's."""
    try:
        with checked.transaction() as session:
            audit.append(
                session,
                staff_id=actor.staff_id,
                actor=actor.label,
                action="office.migrate",
                target=f"office:{checked.office_uid}",
                detail=tr("从办公文件 {0} 迁移 {rows} 行，逐表核对一致").format(
                    path.name, rows=rows
                ),
            )
    finally:
        checked.close()
