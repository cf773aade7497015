"""The resident search index: FTS5 trigram over name, phone, unit code and pinyin initials."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr
from wuyedesk.store.sealing import MIN_TAIL, Sealer, sealer_of, seals

MIN_TRIGRAM = 3


def initials(name: str) -> str:
    """Return the pinyin initials of a Chinese name: 张伟 → zw."""
    # Imported on first use: its phrase tables cost ~0.4 s, which the unlock window must not pay.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(part[:1] for part in letters if part).lower()


def index_row(
    name: str,
    phone: str | None,
    landline: str | None,
    unit_code: str,
    sealer: Sealer | None = None,
) -> dict[str, str]:
    """Return the index columns for one resident; with a sealer (a server database) the
    phone column holds keyed hashes of the phones' tails instead of the numbers."""
    if sealer is not None:
        phones = sealer.phone_tokens(phone, landline)
    else:
        phones = " ".join(p for p in (phone, landline) if p)
    return {"name": name, "phone": phones, "unit_code": unit_code, "initials": initials(name)}


def _sealer(session: Session) -> Sealer | None:
    dialect = session.get_bind().dialect
    if not seals(dialect):
        return None
    sealer = sealer_of(dialect)
    if sealer is None:
        raise OfficeFileError(tr("办公室尚未解锁，无法更新住户索引"))
    return sealer


def index_resident(
    session: Session,
    resident_id: int,
    name: str,
    phone: str | None,
    landline: str | None,
    unit_code: str,
) -> None:
    """Insert or replace one resident's line in the index."""
    session.execute(text("DELETE FROM resident_fts WHERE rowid = :id"), {"id": resident_id})
    session.execute(
        text(
            "INSERT INTO resident_fts(rowid, name, phone, unit_code, initials) "
            "VALUES (:id, :name, :phone, :unit_code, :initials)"
        ),
        {"id": resident_id, **index_row(name, phone, landline, unit_code, _sealer(session))},
    )


def index_residents(session: Session, rows: list[dict[str, object]]) -> None:
    """Index many new residents at once: each row holds id, name, phone, landline, unit_code."""
    if not rows:
        return
    sealer = _sealer(session)
    session.execute(
        text(
            "INSERT INTO resident_fts(rowid, name, phone, unit_code, initials) "
            "VALUES (:id, :name, :phone, :unit_code, :initials)"
        ),
        [
            {
                "id": row["id"],
                **index_row(
                    str(row["name"]),
                    row.get("phone") and str(row["phone"]),  # type: ignore[arg-type]
                    row.get("landline") and str(row["landline"]),  # type: ignore[arg-type]
                    str(row["unit_code"]),
                    sealer,
                ),
            }
            for row in rows
        ],
    )


def unindex_resident(session: Session, resident_id: int) -> None:
    """Remove one resident from the index."""
    session.execute(text("DELETE FROM resident_fts WHERE rowid = :id"), {"id": resident_id})


def search_resident_ids(session: Session, query: str, limit: int = 50) -> list[int]:
    """Return ids of residents matching `query` by name, phone tail, unit code or initials."""
    query = query.strip()
    if not query:
        return []
    sealer = _sealer(session)
    if sealer is not None:
        return _server_search(session, sealer, query, limit)
    if len(query) >= MIN_TRIGRAM:
        # A quoted phrase: trigram FTS5 then matches the text anywhere inside a column.
        phrase = '"' + query.replace('"', '""') + '"'
        rows = session.execute(
            text("SELECT rowid FROM resident_fts WHERE resident_fts MATCH :q LIMIT :n"),
            {"q": phrase, "n": limit},
        )
    else:
        # Trigrams need three characters: two-character names (张伟) fall back to LIKE.
        like = _like(query)
        rows = session.execute(
            text(
                "SELECT rowid FROM resident_fts WHERE name LIKE :q ESCAPE '\\' "
                "OR initials LIKE :q ESCAPE '\\' OR unit_code LIKE :q ESCAPE '\\' LIMIT :n"
            ),
            {"q": like, "n": limit},
        )
    return [row[0] for row in rows]


def _like(query: str) -> str:
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _server_search(session: Session, sealer: Sealer, query: str, limit: int) -> list[int]:
    """Search a server's index: names, initials and unit codes by LIKE; a phone (4+ digits
    typed) by the keyed hash of that tail or whole number, never by its digits."""
    params: dict[str, object] = {"q": _like(query), "n": limit}
    where = ["name ILIKE :q", "initials ILIKE :q", "unit_code ILIKE :q"]
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= MIN_TAIL and len(digits) == len(query.replace("-", "").replace(" ", "")):
        params["tel"] = _like(sealer.digest("tel", digits))
        where.append("phone ILIKE :tel")
    rows = session.execute(
        text(
            "SELECT rowid FROM resident_fts WHERE "
            + " OR ".join(f"{w} ESCAPE '\\'" for w in where)
            + " ORDER BY rowid LIMIT :n"
        ),
        params,
    )
    return [row[0] for row in rows]
