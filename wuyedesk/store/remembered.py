"""'Remember on this PC': the data key in the OS keyring, where one is usable."""

from __future__ import annotations

import base64
import contextlib

from wuyedesk.i18n import tr

SERVICE = "wuyedesk"


def _backend_usable() -> tuple[bool, str]:
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # an import error in the OS layer must not stop the program
        return False, tr("无法加载系统密码库：{exc}").format(exc=exc)
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return False, tr("本电脑没有可用的系统密码库（如 Windows 凭据管理器），无法记住密码")
    return True, ""


def availability() -> tuple[bool, str]:
    """Tell whether 'remember on this PC' can work here, and if not, why (Chinese)."""
    return _backend_usable()


def remember(office_uid: str, data_key: bytes) -> None:
    """Keep the data key in the OS keyring for this office."""
    import keyring

    keyring.set_password(SERVICE, office_uid, base64.b64encode(data_key).decode())


def recall(office_uid: str) -> bytes | None:
    """Return the remembered data key, or None (also when no keyring is usable)."""
    usable, _ = _backend_usable()
    if not usable:
        return None
    import keyring

    try:
        value = keyring.get_password(SERVICE, office_uid)
    except Exception:
        return None
    return base64.b64decode(value) if value else None


def forget(office_uid: str) -> None:
    """Remove the remembered key, if any."""
    usable, _ = _backend_usable()
    if not usable:
        return
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, office_uid)
