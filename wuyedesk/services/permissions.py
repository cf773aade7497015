"""Who may do what: one table, checked by every service function."""

from __future__ import annotations

from wuyedesk.domain.errors import PermissionDenied
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor

_ALL = frozenset(Role)
_OFFICE = frozenset({Role.clerk, Role.assistant, Role.supervisor, Role.director, Role.service_desk})
_MANAGERS = frozenset({Role.supervisor, Role.director})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "residents.view": _OFFICE | {Role.eng_supervisor, Role.security},
    "residents.edit": frozenset({Role.clerk, Role.assistant, Role.supervisor, Role.director}),
    "residents.reveal": frozenset({Role.clerk, Role.supervisor, Role.director}),
    "residents.export_full": _MANAGERS,
    "places.edit": frozenset({Role.clerk, Role.supervisor, Role.director}),
    "staff.manage": _MANAGERS,
    "office.backup": _MANAGERS | {Role.clerk},
    "office.restore": frozenset({Role.director}),
    "office.demo": frozenset({Role.director}),
    "records.list": _ALL,
    "audit.verify": _MANAGERS,
    # Registers and help slips are printed by the desk, engineering and security.
    "records.print": _OFFICE | {Role.eng_supervisor, Role.security},
    "contacts.view": _OFFICE | {Role.eng_supervisor, Role.engineer, Role.security},
    "contacts.record": _OFFICE,
    "contacts.handle": _OFFICE | {Role.eng_supervisor, Role.engineer, Role.security},
    "help.view": _ALL,
    "help.record": _ALL,
    "help.handle": _OFFICE | {Role.eng_supervisor, Role.engineer, Role.security},
    # Repair slips: the workflow says which role takes which step; these gate the screens.
    "repairs.view": _ALL - {Role.security},
    "repairs.open": frozenset({Role.assistant, Role.clerk, Role.service_desk, Role.supervisor}),
    "repairs.work": _ALL - {Role.security},
    "repairs.reconcile": frozenset({Role.eng_supervisor, Role.storekeeper}) | _MANAGERS,
    # A slip's full phone: those who may reveal a resident's, and engineering's head. An
    # engineer sees it only on his own slips (services/repair_views.may_reveal_phone).
    "repairs.reveal": frozenset({Role.clerk, Role.supervisor, Role.director, Role.eng_supervisor}),
    # Each department prints its own copy of a slip (工程部联, 财务联).
    "repairs.print": _ALL - {Role.security},
    # Return visits: who visits which kind is the service's rule (篇4 §4(1)–(4)); engineers
    # see and close the nonconformities found on a visit.
    "visits.view": _OFFICE | {Role.eng_supervisor, Role.engineer, Role.security},
    "visits.record": _OFFICE | {Role.eng_supervisor, Role.engineer, Role.security},
    "visits.plan": _OFFICE | {Role.eng_supervisor, Role.security},
    # The monthly workbook is the supervisor's (篇1: the supervisor reports the month).
    "reports.monthly": _MANAGERS,
}

_ACTION_LABELS = {
    "residents.view": tr("查看住户档案"),
    "residents.edit": tr("修改住户档案"),
    "residents.reveal": tr("查看完整电话和证件号码"),
    "residents.export_full": tr("导出未遮挡的住户资料"),
    "places.edit": tr("修改楼栋和房号"),
    "staff.manage": tr("管理员工账号"),
    "office.backup": tr("备份办公文件"),
    "office.restore": tr("恢复备份"),
    "office.demo": tr("生成演示数据"),
    "records.list": tr("查看登记记录"),
    "audit.verify": tr("核验审计日志"),
    "records.print": tr("打印单据"),
    "contacts.view": tr("查看来访/来电登记"),
    "contacts.record": tr("登记和转达来访/来电"),
    "contacts.handle": tr("处理来访/来电和投诉"),
    "help.view": tr("查看求助登记"),
    "help.record": tr("登记求助"),
    "help.handle": tr("处理求助"),
    "repairs.view": tr("查看维修单"),
    "repairs.open": tr("开维修单"),
    "repairs.work": tr("处理维修单"),
    "repairs.reconcile": tr("每日核对维修单"),
    "repairs.reveal": tr("查看维修单上的完整电话"),
    "repairs.print": tr("打印维修单"),
    "reports.monthly": tr("导出月度报表"),
    "visits.view": tr("查看回访记录"),
    "visits.record": tr("登记回访"),
    "visits.plan": tr("安排回访"),
}


def allowed(actor: Actor, action: str) -> bool:
    """Tell whether the actor's role may do this action."""
    return actor.role in PERMISSIONS[action]


def require(actor: Actor, action: str) -> None:
    """Refuse with a Chinese message when the actor's role may not do this action."""
    if not allowed(actor, action):
        role = ROLE_LABELS.get(actor.role, str(actor.role))
        raise PermissionDenied(
            tr("您的岗位（{role}）不能{0}").format(_ACTION_LABELS[action], role=role)
        )
