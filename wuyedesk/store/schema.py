"""Schema versions: a new file starts at the newest revision; an older one is migrated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# Alembic is imported inside the functions: the program's first window must not wait for it.


def _config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


# The revisions this program knows, newest last. Opening a file only needs to compare its
# revision with these; Alembic (~0.25 s to import and scan) is loaded only to migrate.
# tests/unit/test_migrations.py checks this list against Alembic's own.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")


def head_revision() -> str:
    """Return the newest schema revision this program knows."""
    return REVISIONS[-1]


def known_revisions() -> set[str]:
    """Return every revision this program knows."""
    return set(REVISIONS)


def alembic_revisions() -> list[str]:
    """Return the revisions of the migration scripts, oldest first (for the tests)."""
    from alembic.script import ScriptDirectory

    walked = ScriptDirectory.from_config(_config()).walk_revisions()
    return [script.revision for script in reversed(list(walked))]


def current_revision(engine: Engine) -> str | None:
    """Return the file's schema revision, or None for a file with no schema."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(
    engine: Engine, revision: str = "head", *, then: Callable[[Connection], object] | None = None
) -> None:
    """Bring the file's schema to `revision` in one transaction, keys checked afterwards;
    `then` runs inside the same transaction (a new server office's first rows)."""
    from alembic import command

    cfg = _config()
    if engine.dialect.name != "sqlite":
        # A server checks foreign keys as it goes, and its DDL is transactional.
        with engine.connect() as conn, conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if then is not None:
                then(conn)
        return
    with engine.connect() as conn:
        # SQLite batch migrations copy tables: foreign keys must be off meanwhile, and the
        # pragma only takes effect outside a transaction, so it goes to the raw connection.
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise OfficeFileError(
                        tr(
                            "升级后有 {0} 条记录引用了不存在的记录，已撤销升级；文件未被改动"
                        ).format(len(broken))
                    )
                if then is not None:
                    then(conn)
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def check_is_office_file(engine: Engine) -> None:
    """Refuse a database that is not a wuyedesk office file, or one from a newer program."""
    names = set(inspect(engine).get_table_names())
    if "alembic_version" not in names or "office" not in names:
        raise OfficeFileError(tr("此文件不是 wuyedesk 办公文件，文件未被改动"))
    revision = current_revision(engine)
    if revision not in known_revisions():
        raise OfficeFileError(
            tr(
                "此办公文件由更新版本的 wuyedesk 创建（结构版本 {revision}），"
                "请升级本程序后再打开；文件未被改动"
            ).format(revision=revision)
        )


def needs_upgrade(engine: Engine) -> bool:
    """Tell whether the file's schema is older than this program's."""
    return current_revision(engine) != head_revision()
