"""Errors a person can cause; each carries a Chinese message for the screen or stderr."""

from __future__ import annotations

from wuyedesk.i18n import tr


class UserError(Exception):
    """An error caused by input or circumstances a user can fix; `message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """A field's value is not acceptable; `field` names the model field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TransitionRefused(UserError):
    """A workflow step is not allowed from the record's current state or for this role."""


class PermissionDenied(UserError):
    """The logged-in staff member's role may not do this."""


class NotFound(UserError):
    """The asked-for record does not exist."""


class OfficeFileError(UserError):
    """The office file cannot be opened or used (wrong key, missing, locked, too new...)."""


class FormErrors(UserError):
    """Several fields of one form are wrong; `errors` maps field name to Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()))
        more = tr("（另有 {0} 处需要修改）").format(len(errors) - 1) if len(errors) > 1 else ""
        super().__init__(first + more)
        self.errors = errors
