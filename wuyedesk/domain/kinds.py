"""The office's lists of kinds (matters, categories, satisfaction...) with Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class ContactMethod(StrEnum):
    """How a household reached the office."""

    visit = "visit"
    call = "call"
    letter = "letter"


class ContactKind(StrEnum):
    """What a register entry is about."""

    complaint = "complaint"
    enquiry = "enquiry"
    repair = "repair"
    help = "help"
    praise = "praise"
    suggestion = "suggestion"
    other = "other"


class RepairKind(StrEnum):
    """Free repair slip or paid-service slip."""

    free = "free"
    paid = "paid"


class RepairCategory(StrEnum):
    """The repair category printed on the slip."""

    plumbing_electrical = "plumbing_electrical"
    building = "building"
    doors_windows = "doors_windows"
    facilities = "facilities"
    lift = "lift"
    other = "other"


class ReportChannel(StrEnum):
    """How a repair was reported."""

    phone = "phone"
    visit = "visit"
    patrol = "patrol"


class Satisfaction(StrEnum):
    """The satisfaction scale."""

    satisfied = "satisfied"
    fairly = "fairly"
    dissatisfied = "dissatisfied"


class VisitKind(StrEnum):
    """Why a return visit is made."""

    routine = "routine"
    complaint = "complaint"
    repair = "repair"
    facility = "facility"


class VisitMethod(StrEnum):
    """How a return visit is made."""

    talk = "talk"
    on_site = "on_site"
    inspection = "inspection"
    phone = "phone"


class ResidentRole(StrEnum):
    """A resident's standing in the unit."""

    owner = "owner"
    tenant = "tenant"
    family = "family"


class Department(StrEnum):
    """The office's departments (relayed to, complained about, responsible)."""

    property = "property"
    engineering = "engineering"
    security = "security"
    cleaning = "cleaning"
    greening = "greening"
    finance = "finance"
    service_desk = "service_desk"
    other = "other"


class HelpType(StrEnum):
    """The eight types of help request (篇5 §4.0)."""

    medical = "medical"
    crime = "crime"
    flood_fire = "flood_fire"
    enquiry = "enquiry"
    paid_service = "paid_service"
    repair = "repair"
    complaint = "complaint"
    other = "other"


LABELS: dict[StrEnum, str] = {
    ContactMethod.visit: "来访",
    ContactMethod.call: "来电",
    ContactMethod.letter: "书面",
    ContactKind.complaint: "投诉",
    ContactKind.enquiry: "咨询",
    ContactKind.repair: "报修",
    ContactKind.help: "求助",
    ContactKind.praise: "表扬",
    ContactKind.suggestion: "建议",
    ContactKind.other: "其他",
    RepairKind.free: "工程维修单",
    RepairKind.paid: "有偿服务单",
    RepairCategory.plumbing_electrical: "水电",
    RepairCategory.building: "土建",
    RepairCategory.doors_windows: "门窗",
    RepairCategory.facilities: "公共设施",
    RepairCategory.lift: "电梯",
    RepairCategory.other: "其他",
    ReportChannel.phone: "电话",
    ReportChannel.visit: "来访",
    ReportChannel.patrol: "巡查",
    Satisfaction.satisfied: "满意",
    Satisfaction.fairly: "基本满意",
    Satisfaction.dissatisfied: "不满意",
    VisitKind.routine: "日常",
    VisitKind.complaint: "投诉",
    VisitKind.repair: "维修",
    VisitKind.facility: "公共设施",
    VisitMethod.talk: "交谈",
    VisitMethod.on_site: "现场查看",
    VisitMethod.inspection: "检查",
    VisitMethod.phone: "电话",
    ResidentRole.owner: "业主",
    ResidentRole.tenant: "租户",
    ResidentRole.family: "家庭成员",
    Department.property: "物业部",
    Department.engineering: "工程部",
    Department.security: "保安部",
    Department.cleaning: "保洁部",
    Department.greening: "绿化部",
    Department.finance: "财务部",
    Department.service_desk: "客服中心",
    Department.other: "其他",
    HelpType.medical: "急救病人",
    HelpType.crime: "盗窃/打架/斗殴/抢劫/凶杀",
    HelpType.flood_fire: "水浸/火灾",
    HelpType.enquiry: "咨询",
    HelpType.paid_service: "有偿服务",
    HelpType.repair: "报修",
    HelpType.complaint: "投诉",
    HelpType.other: "其他",
}

SPECIAL_HELP = frozenset({HelpType.medical, HelpType.crime, HelpType.flood_fire})


def label(value: StrEnum) -> str:
    """Return the Chinese label of a kind."""
    return LABELS[value]


def labels(enum: type[StrEnum]) -> dict[str, str]:
    """Return value → Chinese label for every member of an enum, in order."""
    return {member.value: LABELS[member] for member in enum}


def is_special(help_type: str) -> bool:
    """Tell whether a help type is special help (life, property, public order)."""
    return help_type in SPECIAL_HELP
