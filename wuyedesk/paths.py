"""Where the program's data folders and the user's office file live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `forms`, `reports` or `resources`, installed or from a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def user_data_dir() -> Path:
    """Return the per-user folder that holds the office file by default."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "wuyedesk"


def default_office_path() -> Path:
    """Return the office file path: WUYEDESK_DB if set, else the user data folder."""
    env = os.environ.get("WUYEDESK_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "office.wuye"
