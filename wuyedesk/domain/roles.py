"""The office's roles (GLOSSARY.md) and their Chinese names."""

from __future__ import annotations

from enum import StrEnum

from wuyedesk.i18n import tr


class Role(StrEnum):
    """A member of staff's job; what they may see and do follows from it."""

    clerk = "clerk"
    assistant = "assistant"
    supervisor = "supervisor"
    director = "director"
    eng_supervisor = "eng_supervisor"
    engineer = "engineer"
    finance = "finance"
    storekeeper = "storekeeper"
    security = "security"
    service_desk = "service_desk"


ROLE_LABELS: dict[Role, str] = {
    Role.clerk: tr("文员"),
    Role.assistant: tr("物业助理"),
    Role.supervisor: tr("物业部主管"),
    Role.director: tr("管理处主任"),
    Role.eng_supervisor: tr("工程部主管"),
    Role.engineer: tr("工程人员"),
    Role.finance: tr("财务"),
    Role.storekeeper: tr("仓管员"),
    Role.security: tr("保安"),
    Role.service_desk: tr("客服"),
}

MANAGERS = frozenset({Role.supervisor, Role.director})
