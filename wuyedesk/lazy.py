"""A module imported on first use, so the first window does not wait for the database layer.

`office_service = lazy_module("wuyedesk.services.office")` reads like an import; the module
(and SQLAlchemy beneath it, ~1 s on an office PC) loads when an attribute is first read,
usually while the clerk types the passphrase (see `warm_up`).
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for a module until one of its names is used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            # Introspection (Qt's, doctest's…) asking for dunders must not load the module.
            raise AttributeError(attr)
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attr)


def lazy_module(name: str) -> Any:
    """Return a stand-in for module `name` that imports it on first use."""
    return LazyModule(name)


def warm_up(*names: str) -> threading.Thread:
    """Import these modules on a background thread (imports are safe across threads)."""

    def load() -> None:
        for name in names:
            importlib.import_module(name)

    thread = threading.Thread(target=load, name="wuyedesk-warm-up", daemon=True)
    thread.start()
    return thread
