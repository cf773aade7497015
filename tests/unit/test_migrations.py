"""An older office file is migrated on open, after a backup, with its records intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.residents import search_residents
from wuyedesk.store import keys, schema
from wuyedesk.store.engine import make_engine
from wuyedesk.store.models import Office, utcnow
from wuyedesk.store.office_file import OfficeFile


def _file_at_first_revision(path: Path) -> None:
    """Build an office file as the first released program left it, with one resident."""
    keyfile, data_key, _ = keys.create_key_file(path, PASSPHRASE, passphrase_n=2**10)
    engine = make_engine(path, data_key, create=True)
    schema.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            Office.__table__.insert().values(
                office_uid=keyfile.office_id,
                name="旧管理处",
                estate_name="旧小区",
                created_at=utcnow(),
            )
        )
        conn.execute(
            text(
                "INSERT INTO building(id, label, floors_above, floors_below) VALUES (1, '5', 9, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO floor(id, building_id, storey, label, refuge) VALUES (1, 1, 3, '3', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO unit(id, code, building_id, floor_id, room, sort_key, version) "
                "VALUES (1, '5栋301', 1, 1, '301', 'x', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO resident(unit_id, name, role, phone, data_status, consent_disclose,"
                " created_at, updated_at, version) VALUES (1, '张伟', 'owner', '13800138000',"
                " 'valid', 0, '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1)"
            )
        )
    engine.dispose()


@pytest.mark.file_only
def test_older_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.wuye"
    _file_at_first_revision(path)
    office: OfficeFile = office_service.unlock(path, passphrase=PASSPHRASE)
    try:
        assert office.migrated_from == "0001"
        assert schema.current_revision(office.engine) == schema.head_revision()
        backup = tmp_path / "old.wuye.pre-0001"
        assert backup.exists() and keys.key_path(backup).exists()
        # The new revision's search index was filled from the records already there.
        found = search_residents(office, Actor.command_line(), "张伟")
        assert [r.name for r in found] == ["张伟"]
        assert found[0].phone == "138****8000"
    finally:
        office.close()
    # The backup is the untouched old file: still at the first revision.
    engine = make_engine(backup, keys.read_key_file(backup).unwrap("passphrase", PASSPHRASE))
    assert schema.current_revision(engine) == "0001"
    engine.dispose()


@pytest.mark.file_only
def test_a_current_file_is_not_migrated(office: OfficeFile, office_path: Path) -> None:
    office.close()
    reopened = office_service.unlock(office_path, passphrase=PASSPHRASE)
    assert reopened.migrated_from is None
    assert not list(office_path.parent.glob("*.pre-*"))
    reopened.close()


def test_migrations_build_exactly_the_models(office: OfficeFile) -> None:
    """A column added to a model without a migration (or the reverse) is caught here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from wuyedesk.store.models import Base

    with office.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The trigram index is a virtual table the models do not map; a server's key slots table
    # is not in the models either (an office file has none).
    unmapped = ("resident_fts", "office_key")
    real = [d for d in diffs if not (d[0] == "remove_table" and d[1].name.startswith(unmapped))]
    # On a server a sealed column is TEXT (its own type says so); Alembic sees the decorator.
    real = [d for d in real if not (isinstance(d, list) and _sealed_as_text(d[0]))]
    assert real == []


def _sealed_as_text(diff: tuple[object, ...]) -> bool:
    from sqlalchemy import Text

    from wuyedesk.store.sealing import Sealed

    return diff[0] == "modify_type" and isinstance(diff[-1], Sealed) and isinstance(diff[-2], Text)


def test_the_program_s_list_of_revisions_is_alembic_s() -> None:
    # Opening a file compares with schema.REVISIONS, not Alembic (not imported at start).
    assert list(schema.REVISIONS) == schema.alembic_revisions()
