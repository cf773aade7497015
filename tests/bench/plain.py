"""Plain (unencrypted) SQLite for the side-by-side figures: the same workflow without SQLCipher.

`use_plain_sqlite()` swaps the store's connection makers for stdlib `sqlite3` ones with the
same pragmas, so `init_office`, the demo, `unlock`, the desk and the daily backup all work
unchanged on a plain file (the key file is still made and unwrapped: scrypt is paid as in
production, only the page encryption is gone). Given paths, only those files are plain and
every other file stays SQLCipher, so one process can time both kinds call by call. A
benchmark child process applies it itself when given `--plain` (see CHILD_PRELUDE). The
stdlib SQLite (3.40 here) is older than the one bundled in sqlcipher3, so the ratio also
holds the two versions' query planners.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

PLAIN_FLAG = "--plain"
# First lines of a child process's code: make tests/bench importable, go plain if asked.
CHILD_PRELUDE = (
    "import sys\n"
    f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
    f"if {PLAIN_FLAG!r} in sys.argv:\n"
    f"    sys.argv.remove({PLAIN_FLAG!r})\n"
    "    import plain\n"
    "    plain.use_plain_sqlite()\n"
)


_PLAIN: set[Path] = set()  # the files opened plain; empty: every file
_CIPHER: dict[str, Any] = {}  # the store's own openers, for the other files


def _is_plain(path: Path) -> bool:
    return not _PLAIN or Path(path).resolve() in _PLAIN


def _plain_connect(path: Path, data_key: bytes) -> Any:
    """Open the file with stdlib sqlite3 and the store's connection pragmas; ignore the key."""
    from wuyedesk.store.engine import CONNECTION_PRAGMAS

    if not _is_plain(path):
        return _CIPHER["connect"](path, data_key)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in CONNECTION_PRAGMAS:
        conn.execute(pragma)
    return conn


def _plain_keyed(path: Path, data_key: bytes, *, readonly: bool = False) -> Any:
    """The backup module's own opener (backups, integrity checks), plain."""
    from wuyedesk.store import backup

    if not _is_plain(path):
        return _CIPHER["keyed"](path, data_key, readonly=readonly)
    if readonly:
        uri = backup._read_only_uri(Path(path))
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    return sqlite3.connect(str(path), isolation_level=None)


def use_plain_sqlite(*paths: Path) -> None:
    """Make these office files (without paths: every one) plain SQLite in this process."""
    from wuyedesk.store import backup, engine

    _PLAIN.update(Path(path).resolve() for path in paths)
    _CIPHER.setdefault("connect", engine._raw_connect)
    _CIPHER.setdefault("keyed", backup._keyed)
    engine._raw_connect = _plain_connect  # type: ignore[assignment]
    backup._raw_connect = _plain_connect  # type: ignore[assignment]
    backup._keyed = _plain_keyed  # type: ignore[assignment]


def is_plain_file(path: Path) -> bool:
    """Tell whether a file starts with SQLite's plain header (an encrypted one does not)."""
    with open(path, "rb") as stream:
        return stream.read(16) == b"SQLite format 3\x00"
