"""Shared fixtures: a real encrypted office file in a temporary folder.

With `WUYEDESK_TEST_DB=postgresql` (and `WUYEDESK_TEST_PG` naming a server account that may
create databases, e.g. `postgresql+psycopg://wuyedesk:wuyedesk@127.0.0.1/postgres`) the same
tests run on a real PostgreSQL server instead: each office path a test uses stands for its
own new database (named after the path), a template is copied with CREATE DATABASE …
TEMPLATE, and every database a test made is dropped after it. Tests of what only an office
file has (the file's bytes, backups, key files, SQLite's locks) carry the `file_only` mark
and are skipped there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The suite speaks the program's source language whatever this machine's locale is; the
# English build is tested in its own processes (tests/gui/test_english.py).
os.environ["WUYEDESK_LANG"] = "zh_CN"

import pytest
from sqlalchemy import text

from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office
from wuyedesk.store import keys
from wuyedesk.store.location import Location, ServerDb
from wuyedesk.store.office_file import OfficeFile, open_office_file

BACKEND = os.environ.get("WUYEDESK_TEST_DB", "sqlite")
ON_SERVER = BACKEND == "postgresql"
PG_ADMIN = os.environ.get(
    "WUYEDESK_TEST_PG", "postgresql+psycopg://wuyedesk:wuyedesk@127.0.0.1/postgres"
)


class _ServerState:
    """What the server runs keep for the whole process. pytest imports this file twice (as
    `conftest` for its fixtures and as `tests.conftest` for the tests' imports): both copies
    must share one pristine office, one list of databases and one admin connection."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.templates: set[str] = set()
        self.admin: Any = None
        self.dropper: Any = None
        self.pristine: tuple[ServerDb, bytes, str] | None = None


_STATE: _ServerState = sys.modules.setdefault(  # type: ignore[assignment]
    "_wuyedesk_test_server_state",
    _ServerState(),  # type: ignore[arg-type]
)
_created = _STATE.created
_templates = _STATE.templates


def _admin_conn() -> Any:
    if _STATE.admin is None:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(PG_ADMIN)
        _STATE.admin = psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
        )
    return _STATE.admin


def server_db(path: Path | ServerDb) -> ServerDb:
    """Return the server database that stands for an office path in this test run."""
    if isinstance(path, ServerDb):
        return path
    from sqlalchemy.engine import make_url

    digest = hashlib.sha1(str(Path(os.path.abspath(path))).encode()).hexdigest()[:20]
    return ServerDb(make_url(PG_ADMIN).set(database=f"wdt_{digest}").render_as_string(False))


def _create_database(db: ServerDb, template: ServerDb | None = None) -> None:
    conn = _admin_conn()
    conn.execute(f'DROP DATABASE IF EXISTS "{db.database}" WITH (FORCE)')
    source = f' TEMPLATE "{template.database}"' if template else ""
    conn.execute(f'CREATE DATABASE "{db.database}"{source}')
    _created.append(db.database)


def _drop_databases(names: list[str], *, wait: bool = False) -> None:
    """Drop databases on a background thread (a DROP waits for a checkpoint, ~0.6 s)."""
    import queue
    import threading

    if _STATE.dropper is None:
        jobs: queue.Queue[str | None] = queue.Queue()

        def work() -> None:
            import psycopg

            conn = psycopg.connect(_admin_conn().info.dsn, password=_password(), autocommit=True)
            while (name := jobs.get()) is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()

        _STATE.dropper = (jobs, threading.Thread(target=work, daemon=True))
        _STATE.dropper[1].start()
    for name in names:
        _STATE.dropper[0].put(name)
    if wait:
        _STATE.dropper[0].put(None)
        _STATE.dropper[1].join()
        _STATE.dropper = None


def _password() -> str | None:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN).password


def _pristine_office() -> tuple[ServerDb, bytes, str]:
    """Build, once per run, a new office on the server to copy for every test's own office."""
    if _STATE.pristine is None:
        db = server_db(Path(f"/pristine/{os.getpid()}/office.wuye"))  # one per test run
        _create_database(db)
        office, recovery = _init(db)
        _STATE.pristine = (db, office.data_key, recovery)
        office.close()
        _templates.add(db.database)
    return _STATE.pristine


def drop_audit_guards(session: Any, *, delete: bool = True) -> None:
    """Drop the audit log's append-only triggers, as someone holding the key could."""
    on = "" if session.get_bind().dialect.name == "sqlite" else " ON audit_log"
    session.execute(text(f"DROP TRIGGER audit_log_no_update{on}"))
    if delete:
        session.execute(text(f"DROP TRIGGER audit_log_no_delete{on}"))


def db_arg(path: Path) -> str:
    """Return what `--db` (or WUYEDESK_DB) takes for a test's office on this back end."""
    where = location(path)
    return where.url if isinstance(where, ServerDb) else str(where)


def location(path: Path | ServerDb) -> Location:
    """Return where a test's office at `path` lives on this run's back end."""
    return server_db(path) if ON_SERVER else path


PASSPHRASE = "correct horse 12"
DIRECTOR_PIN = "1357"
# Tests stretch the passphrase less than the program does; the parameter is stored
# in the key file, so the code path is the same one production takes.
FAST_N = 2**12


def make_office(path: Path | ServerDb) -> tuple[OfficeFile, str]:
    """Create a real office file with a director, quickly (on a server: a copy of one new
    office made once per run, as CREATE DATABASE … TEMPLATE copies it in a tenth of the
    time the migrations take)."""
    if ON_SERVER:
        pristine, key, recovery = _pristine_office()
        _create_database(server_db(path), template=pristine)
        return open_office_file(server_db(path), key), recovery
    return _init(path)


def _init(path: Location) -> tuple[OfficeFile, str]:
    return init_office(
        path,
        PASSPHRASE,
        office_name="测试物业管理处",
        estate_name="幸福小区",
        director_name="王主任",
        director_pin=DIRECTOR_PIN,
        passphrase_n=FAST_N,
    )


def build_template(folder: Path, *buildings: tuple[str, int, int, int]) -> tuple[Path, bytes]:
    """Build an office with these buildings (label, entrances, floors, units per floor) once."""
    from wuyedesk.services.places import add_building

    path = folder / "office.wuye"
    office, _ = make_office(path)
    for label, entrances, floors, per_floor in buildings:
        add_building(
            office,
            Actor.command_line(),
            label,
            entrances=entrances,
            floors=floors,
            units_per_floor=per_floor,
        )
    key = office.data_key
    office.close()
    if ON_SERVER:
        _templates.add(server_db(path).database)
    return path, key


def open_copy(template: tuple[Path, bytes], folder: Path) -> OfficeFile:
    """Open a private copy of a template office (much faster than building it again)."""
    source, key = template
    path = folder / "office.wuye"
    if ON_SERVER:
        _create_database(server_db(path), template=server_db(source))
        return open_office_file(server_db(path), key)
    shutil.copy(source, path)
    shutil.copy(keys.key_path(source), keys.key_path(path))
    return open_office_file(path, key)


@pytest.fixture
def office_path(tmp_path: Path) -> Path:
    """Return where a test's office file lives."""
    return tmp_path / "office.wuye"


@pytest.fixture
def office_location(office_path: Path) -> Location:
    """Return where a test's office lives: its file, or its server database."""
    return location(office_path)


def server_reachable() -> bool:
    """Tell whether the test PostgreSQL server answers (CI starts one on loopback)."""
    try:
        _admin_conn().execute("SELECT 1")
    except Exception:
        return False
    return True


@pytest.fixture
def empty_server_db(request: pytest.FixtureRequest) -> ServerDb:
    """Return a new, empty database on the test server (dropped after the test); skip the
    test with a reason where no server is running."""
    if not server_reachable():
        pytest.skip("no PostgreSQL server for tests (set WUYEDESK_TEST_PG)")
    db = server_db(Path(f"/empty/{request.node.nodeid}"))
    _create_database(db)
    return db


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip what only an office file has on a server run, and server-only tests on a file
    run."""
    file_skip = pytest.mark.skip(reason="office-file feature (SQLCipher file); not on a server")
    server_skip = pytest.mark.skip(reason="server back end only (WUYEDESK_TEST_DB=postgresql)")
    for item in items:
        if ON_SERVER and item.get_closest_marker("file_only"):
            item.add_marker(file_skip)
        if not ON_SERVER and item.get_closest_marker("server_only"):
            item.add_marker(server_skip)


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Drop the server databases a test made (templates stay until the run ends)."""
    before = len(_created)
    yield
    made = [n for n in _created[before:] if n not in _templates]
    del _created[before:]
    _created.extend(n for n in made if n in _templates)
    if made:
        _drop_databases(made)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop every database this run left (the templates)."""
    if _created or _STATE.dropper is not None:
        _drop_databases(list(dict.fromkeys(_created)), wait=True)


@pytest.fixture
def office(office_path: Path) -> Iterator[OfficeFile]:
    """Yield an open, empty office file."""
    opened, _ = make_office(office_path)
    yield opened
    opened.close()


@pytest.fixture
def cli_actor() -> Actor:
    """Return the command line's actor (director rights)."""
    return Actor.command_line()


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WUYEDESK_DB", "WUYEDESK_PASSPHRASE", "WUYEDESK_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
