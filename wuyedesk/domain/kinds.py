"""The office's lists of kinds (matters, categories, satisfaction...) with Chinese labels.

Labels are kept per enum class, never in one flat dict: a StrEnum member hashes
and compares as its string value, so `VisitKind.repair` and `HelpType.repair`
would be the same key there and one label would silently overwrite the other.
"""

from __future__ import annotations

from enum import StrEnum

from wuyedesk.i18n import tr


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
    ContactMethod: {"visit": tr("来访"), "call": tr("来电"), "letter": tr("书面")},
    ContactKind: {
        "complaint": tr("投诉"),
        "enquiry": tr("咨询"),
        "repair": tr("报修"),
        "help": tr("求助"),
        "praise": tr("表扬"),
        "suggestion": tr("建议"),
        "other": tr("其他"),
    },
    RepairKind: {"free": tr("工程维修单"), "paid": tr("有偿服务单")},
    RepairCategory: {
        "plumbing_electrical": tr("水电"),
        "building": tr("土建"),
        "doors_windows": tr("门窗"),
        "facilities": tr("公共设施"),
        "lift": tr("电梯"),
        "other": tr("其他"),
    },
    ReportChannel: {"phone": tr("电话"), "visit": tr("来访"), "patrol": tr("巡查")},
    Satisfaction: {"satisfied": tr("满意"), "fairly": tr("基本满意"), "dissatisfied": tr("不满意")},
    VisitKind: {
        "routine": tr("日常"),
        "complaint": tr("投诉"),
        "repair": tr("维修"),
        "facility": tr("公共设施"),
    },
    VisitMethod: {
        "talk": tr("交谈"),
        "on_site": tr("现场查看"),
        "inspection": tr("检查"),
        "phone": tr("电话"),
    },
    ResidentRole: {"owner": tr("业主"), "tenant": tr("租户"), "family": tr("家庭成员")},
    Department: {
        "property": tr("物业部"),
        "engineering": tr("工程部"),
        "security": tr("保安部"),
        "cleaning": tr("保洁部"),
        "greening": tr("绿化部"),
        "finance": tr("财务部"),
        "service_desk": tr("客服中心"),
        "other": tr("其他"),
    },
    HelpType: {
        "medical": tr("急救病人"),
        "crime": tr("盗窃/打架/斗殴/抢劫/凶杀"),
        "flood_fire": tr("水浸/火灾"),
        "enquiry": tr("咨询"),
        "paid_service": tr("有偿服务"),
        "repair": tr("报修"),
        "complaint": tr("投诉"),
        "other": tr("其他"),
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
    "sent": tr("通知最近人员"),
    "arrived": tr("到场"),
    "confirmed": tr("现场情况确认"),
    "director_told": tr("报告主任"),
    "called_120": tr("拨打120"),
    "called_110": tr("拨打110"),
    "called_119": tr("拨打119"),
    "security_told": tr("通知保安接应"),
    "relatives_told": tr("通知亲属"),
    "escorted": tr("陪同就医"),
}
