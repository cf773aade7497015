"""The office's lists of kinds (matters, categories, satisfaction...) with Chinese labels.

Labels are kept per enum class, never in one flat dict: a StrEnum member hashes
and compares as its string value, so `VisitKind.repair` and `HelpType.repair`
would be the same key there and one label would silently overwrite the other.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Base of the office's enums: the value is stored, `.label` is shown."""

    @property
    def label(self) -> str:
        """Return the Chinese label shown on screens and slips."""
        return LABELS[type(self)][self.value]


class ContactMethod(Kind):
    """How a household reached the office."""

    visit = "visit"
    call = "call"
    letter = "letter"


class ContactKind(Kind):
    """What a register entry is about."""

    complaint = "complaint"
    enquiry = "enquiry"
    repair = "repair"
    help = "help"
    praise = "praise"
    suggestion = "suggestion"
    other = "other"


class RepairKind(Kind):
    """Free repair slip or paid-service slip."""

    free = "free"
    paid = "paid"


class RepairCategory(Kind):
    """The repair category printed on the slip."""

    plumbing_electrical = "plumbing_electrical"
    building = "building"
    doors_windows = "doors_windows"
    facilities = "facilities"
    lift = "lift"
    other = "other"


class ReportChannel(Kind):
    """How a repair was reported."""

    phone = "phone"
    visit = "visit"
    patrol = "patrol"


class Satisfaction(Kind):
    """The satisfaction scale."""

    satisfied = "satisfied"
    fairly = "fairly"
    dissatisfied = "dissatisfied"


class VisitKind(Kind):
    """Why a return visit is made."""

    routine = "routine"
    complaint = "complaint"
    repair = "repair"
    facility = "facility"


class VisitMethod(Kind):
    """How a return visit is made."""

    talk = "talk"
    on_site = "on_site"
    inspection = "inspection"
    phone = "phone"


class ResidentRole(Kind):
    """A resident's standing in the unit."""

    owner = "owner"
    tenant = "tenant"
    family = "family"


class Department(Kind):
    """The office's departments (relayed to, complained about, responsible)."""

    property = "property"
    engineering = "engineering"
    security = "security"
    cleaning = "cleaning"
    greening = "greening"
    finance = "finance"
    service_desk = "service_desk"
    other = "other"


class HelpType(Kind):
    """The eight types of help request (篇5 §4.0)."""

    medical = "medical"
    crime = "crime"
    flood_fire = "flood_fire"
    enquiry = "enquiry"
    paid_service = "paid_service"
    repair = "repair"
    complaint = "complaint"
    other = "other"


LABELS: dict[type[Kind], dict[str, str]] = {
    ContactMethod: {"visit": "来访", "call": "来电", "letter": "书面"},
    ContactKind: {
        "complaint": "投诉",
        "enquiry": "咨询",
        "repair": "报修",
        "help": "求助",
        "praise": "表扬",
        "suggestion": "建议",
        "other": "其他",
    },
    RepairKind: {"free": "工程维修单", "paid": "有偿服务单"},
    RepairCategory: {
        "plumbing_electrical": "水电",
        "building": "土建",
        "doors_windows": "门窗",
        "facilities": "公共设施",
        "lift": "电梯",
        "other": "其他",
    },
    ReportChannel: {"phone": "电话", "visit": "来访", "patrol": "巡查"},
    Satisfaction: {"satisfied": "满意", "fairly": "基本满意", "dissatisfied": "不满意"},
    VisitKind: {"routine": "日常", "complaint": "投诉", "repair": "维修", "facility": "公共设施"},
    VisitMethod: {"talk": "交谈", "on_site": "现场查看", "inspection": "检查", "phone": "电话"},
    ResidentRole: {"owner": "业主", "tenant": "租户", "family": "家庭成员"},
    Department: {
        "property": "物业部",
        "engineering": "工程部",
        "security": "保安部",
        "cleaning": "保洁部",
        "greening": "绿化部",
        "finance": "财务部",
        "service_desk": "客服中心",
        "other": "其他",
    },
    HelpType: {
        "medical": "急救病人",
        "crime": "盗窃/打架/斗殴/抢劫/凶杀",
        "flood_fire": "水浸/火灾",
        "enquiry": "咨询",
        "paid_service": "有偿服务",
        "repair": "报修",
        "complaint": "投诉",
        "other": "其他",
    },
}

# The first three types endanger life, property or public order (篇5 §4.1.1).
SPECIAL_HELP = frozenset({HelpType.medical, HelpType.crime, HelpType.flood_fire})


def label(value: Kind) -> str:
    """Return the Chinese label of a kind."""
    return value.label


def labels(enum: type[Kind]) -> dict[str, str]:
    """Return value → Chinese label for every member of an enum, in declaration order."""
    table = LABELS[enum]
    return {member.value: table[member.value] for member in enum}


def is_special(help_type: str) -> bool:
    """Tell whether a help type is special help (life, property, public order)."""
    return help_type in SPECIAL_HELP


# The step log of a special help request (篇5 §5.1), in the order they usually happen.
SPECIAL_STEPS: dict[str, str] = {
    "sent": "通知最近人员",
    "arrived": "到场",
    "confirmed": "现场情况确认",
    "director_told": "报告主任",
    "called_120": "拨打120",
    "called_110": "拨打110",
    "called_119": "拨打119",
    "security_told": "通知保安接应",
    "relatives_told": "通知亲属",
    "escorted": "陪同就医",
}
