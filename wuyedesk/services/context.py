"""Who is acting: the logged-in member of staff, passed to every use-case."""

from __future__ import annotations

from dataclasses import dataclass

from wuyedesk.domain.roles import Role
from wuyedesk.i18n import tr


@dataclass(frozen=True)
class Actor:
    """The person doing a use-case; the command line acts as the office itself."""

    staff_id: int | None
    name: str
    role: Role

    @classmethod
    def command_line(cls) -> Actor:
        """Return the actor for scripts run with the office passphrase."""
        return cls(None, tr("命令行"), Role.director)

    @property
    def label(self) -> str:
        """Return the name shown in the audit log."""
        return self.name if self.staff_id is not None else tr("{0}（系统）").format(self.name)
