"""The office's roles (GLOSSARY.md) and their Chinese names."""

from __future__ import annotations

from enum import StrEnum


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
    Role.clerk: "文员",
    Role.assistant: "物业助理",
    Role.supervisor: "物业部主管",
    Role.director: "管理处主任",
    Role.eng_supervisor: "工程部主管",
    Role.engineer: "工程人员",
    Role.finance: "财务",
    Role.storekeeper: "仓管员",
    Role.security: "保安",
    Role.service_desk: "客服",
}

MANAGERS = frozenset({Role.supervisor, Role.director})
