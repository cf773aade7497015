"""The command line: the same use-cases as the screens, for scripts and the office's IT person.

Exit 0 on success; on a problem a person can fix, one clear Chinese line on
stderr and exit 1 (2 for a mistyped command line).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from wuyedesk import __version__
from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.paths import default_office_path
from wuyedesk.services import listing
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.store.location import Location, parse_location
from wuyedesk.store.office_file import OfficeFile

PASSPHRASE_ENV = "WUYEDESK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "WUYEDESK_NEW_PASSPHRASE"
PIN_ENV = "WUYEDESK_DIRECTOR_PIN"
STAFF_PIN_ENV = "WUYEDESK_STAFF_PIN"


def _say(text: str) -> None:
    print(text, flush=True)


def _secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(tr("请设置环境变量 {env}，或在终端中运行以便输入").format(env=env))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(tr("再输入一次：")) != first:
        raise UserError(tr("两次输入的密码不一致"))
    return first


def _new_file(path: Path, force: bool) -> None:
    """Refuse to replace an existing file unless asked to (--force); say so before any work."""
    if path.exists() and not force:
        raise UserError(tr("文件 {path} 已存在；如要替换，请加 --force").format(path=path))
    if path.is_dir():
        raise UserError(tr("{path} 是文件夹，请给出文件名").format(path=path))


def _open(args: argparse.Namespace) -> OfficeFile:
    passphrase = _secret(PASSPHRASE_ENV, tr("办公室密码："))
    office = office_service.unlock(args.db, passphrase=passphrase)
    if office.migrated_from:
        _say(
            tr("办公文件已从结构版本 {0} 升级；升级前的备份在同一文件夹").format(
                office.migrated_from
            )
        )
    return office


def cmd_init(args: argparse.Namespace) -> int:
    """Create an office file and print its recovery key once."""
    passphrase = _secret(PASSPHRASE_ENV, tr("设置办公室密码："), confirm=True)
    pin = _secret(
        PIN_ENV, tr("为 {0} 设置 PIN（4–8 位数字）：").format(args.director), confirm=True
    )
    office, recovery = office_service.init_office(
        args.db,
        passphrase,
        office_name=args.office_name,
        estate_name=args.estate,
        director_name=args.director,
        director_pin=pin,
    )
    office.close()
    _print_recovery(args.db, recovery)
    return 0


def _print_recovery(path: Location, recovery: str) -> None:
    line = "=" * 60
    _say(tr("已创建办公文件：{path}").format(path=path))
    _say(line)
    _say(tr("恢复密钥（只显示这一次，请打印或抄写后锁进保险柜）："))
    _say("")
    _say(f"    {recovery}")
    _say("")
    _say(tr("忘记办公室密码时，用它设置新密码：wuyedesk passphrase --recovery"))
    _say(line)


def cmd_demo(args: argparse.Namespace) -> int:
    """Fill an office with a believable estate and years of records (created if missing)."""
    from wuyedesk.services import demo

    # Said before a new office file is made, so a mistyped number leaves nothing behind.
    if args.households < 1 or args.households > demo.MAX_HOUSEHOLDS:
        raise UserError(tr("--households 应在 1 到 {0} 之间").format(demo.MAX_HOUSEHOLDS))
    scale: dict[str, Any] = {}
    if args.years is not None:
        if not 1 <= args.years <= demo.MAX_YEARS:
            raise UserError(tr("--years 应在 1 到 {0} 之间").format(demo.MAX_YEARS))
        scale["years"] = args.years
    if args.volume is not None:
        if not 0 < args.volume <= demo.MAX_VOLUME:
            raise UserError(tr("--volume 应大于 0、不超过 {0:g}").format(demo.MAX_VOLUME))
        scale["volume"] = args.volume
    started = time.perf_counter()
    if office_service.office_exists(args.db):
        office = _open(args)
    else:
        passphrase = _secret(PASSPHRASE_ENV, tr("设置办公室密码："), confirm=True)
        office, recovery = office_service.init_office(
            args.db,
            passphrase,
            office_name=demo.DEMO_OFFICE,
            estate_name=demo.DEMO_ESTATE,
            director_name=demo.DEMO_DIRECTOR,
            director_pin=demo.DEMO_PIN,
        )
        _print_recovery(args.db, recovery)
    try:
        summary = demo.generate_demo(
            office,
            Actor.command_line(),
            households=args.households,
            seed=args.seed,
            progress=_progress,
            **scale,
        )
    finally:
        office.close()
    sys.stderr.write("\n")
    _say(summary.describe())
    _say(
        tr("用时 {0:.1f} 秒；演示员工的 PIN 均为 {1}").format(
            time.perf_counter() - started, demo.DEMO_PIN
        )
    )
    return 0


def _progress(done: int, total: int, what: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{what} {done}/{total}   ")
        sys.stderr.flush()


def cmd_check(args: argparse.Namespace) -> int:
    """Check integrity, schema version and the audit chain (of the office file or a backup)."""
    if args.backup is not None:
        return _check_backup(args)
    office = _open(args)
    try:
        report = office_service.check(office)
    finally:
        office.close()
    _say(tr("完整性检查：{0}").format(report.integrity))
    _say(tr("结构版本：{0}（本程序最新 {1}）").format(report.schema_revision, report.schema_head))
    chain = report.audit_problem or tr("链条完整")
    _say(tr("审计日志：{0} 行，{chain}").format(report.audit_lines, chain=chain))
    if not report.ok:
        raise UserError(tr("检查发现问题：") + tr("；").join(report.problems))
    _say(tr("检查通过"))
    return 0


def _check_backup(args: argparse.Namespace) -> int:
    """Check a backup file with this office's key before it is restored."""
    office = _open(args)
    try:
        report = office_service.check_backup_file(office, args.backup)
    finally:
        office.close()
    _say(tr("备份文件：{0}").format(args.backup))
    _say(tr("完整性检查：{0}").format(report.integrity))
    if report.integrity == "ok":
        _say(
            tr("办公室：") + (tr("与本办公文件相同") if report.same_office else tr("不是本办公室"))
        )
    if report.schema_revision is not None:
        _say(tr("结构版本：{0}（本程序最新 {1}）").format(report.schema_revision, _schema_head()))
    if report.audit_lines or report.audit_problem:
        _say(
            tr("审计日志：{0} 行，{1}").format(
                report.audit_lines, report.audit_problem or tr("链条完整")
            )
        )
    if not report.ok:
        raise UserError(tr("此备份不能用于恢复：") + tr("；").join(report.problems))
    _say(tr("备份检查通过，可以用 wuyedesk restore 恢复"))
    return 0


def _schema_head() -> str:
    """Return the newest schema revision this program knows."""
    from wuyedesk.store import schema

    return schema.head_revision()


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a verified encrypted backup, or today's automatic one with --daily.

    The command line makes no automatic backup on its own: most commands only
    read. A scheduled task (or the office's IT person) runs `wuyedesk backup
    --daily`; the program's window makes it on the first start of each day.
    """
    if args.daily:
        return _daily_backup(args)
    if args.folder is not None:
        raise UserError(tr("--folder 只与 --daily 一起使用"))
    if args.file is None:
        raise UserError(
            tr("请给出备份文件，例如 wuyedesk backup D:\\备份\\office.wuye，或用 --daily")
        )
    _new_file(args.file, args.force)
    office = _open(args)
    try:
        office_service.backup(office, Actor.command_line(), args.file)
    finally:
        office.close()
    _say(tr("已备份到 {0}（加密，已通过完整性检查）").format(args.file))
    return 0


def _daily_backup(args: argparse.Namespace) -> int:
    if args.file is not None:
        raise UserError(tr("--daily 不需要备份文件名；要换文件夹请用 --folder"))
    office = _open(args)
    try:
        made = office_service.daily_backup(office, folder=args.folder)
    finally:
        office.close()
    if made is None:
        _say(tr("今天已经自动备份过，无需再备份"))
    else:
        _say(tr("已完成今天的自动备份：{made}（加密，已通过完整性检查）").format(made=made))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the office file with a checked backup of the same office."""
    office = _open(args)
    try:
        reopened, kept = office_service.restore(office, Actor.command_line(), args.file)
    except BaseException:
        office.close()  # refused (or failed): the office file stays as it was
        raise
    reopened.close()
    _say(tr("已从 {0} 恢复；恢复前的办公文件保存为 {1}").format(args.file, kept.name))
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    """Change the office passphrase (or set a new one with the recovery key)."""
    if args.recovery:
        recovery = _secret("WUYEDESK_RECOVERY_KEY", tr("恢复密钥："))
        new = _secret(NEW_PASSPHRASE_ENV, tr("新的办公室密码："), confirm=True)
        office_service.reset_passphrase(args.db, recovery, new)
    else:
        old = _secret(PASSPHRASE_ENV, tr("当前办公室密码："))
        new = _secret(NEW_PASSPHRASE_ENV, tr("新的办公室密码："), confirm=True)
        office_service.change_passphrase(args.db, old, new)
    _say(tr("办公室密码已更改（记录数据未重写，恢复密钥不变）"))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Verify the audit chain."""
    office = _open(args)
    try:
        report = office_service.verify_audit(office, Actor.command_line())
    finally:
        office.close()
    if not report.ok:
        raise UserError(
            tr("审计日志被改动：{0}（共读 {1} 行）").format(report.reason, report.lines)
        )
    _say(tr("审计日志完整：{0} 行，哈希链无断裂").format(report.lines))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print one kind of record, tab-separated, with a header line."""
    office = _open(args)
    try:
        header, rows = listing.list_records(
            office, Actor.command_line(), args.kind, month=args.month, unit_code=args.unit
        )
    finally:
        office.close()
    out = sys.stdout
    out.write("\t".join(header) + "\n")
    for row in rows:
        out.write("\t".join(row) + "\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import residents from the office's Excel list; --dry-run only checks and lists problems."""
    from wuyedesk.services import resident_import

    table = resident_import.read_sheet(args.file, args.sheet)
    office = _open(args)
    try:
        report = resident_import.run_import(
            office, Actor.command_line(), table, confirm=not args.dry_run
        )
    finally:
        office.close()
    for line in report.lines():
        _say(line)
    if report.problems and report.imported == 0:
        raise UserError(
            tr("{0} 行有问题，未导入任何内容（详见上方各行）").format(report.problem_rows)
        )
    return 0


def _day(text: str | None, option: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise UserError(
            tr("{option} 的日期格式应为 YYYY-MM-DD，例如 2026-03-05").format(option=option)
        ) from None


# `print repairs --kind` and `--copy`: what the office types, and what the service takes.
BATCH_KINDS = {"free": tr("工程维修单"), "paid": tr("有偿服务单")}
# The copy's name as slips.load_layout gives the layout's "copies" (translated, like this).
BATCH_COPIES: dict[str, str | None] = {"all": None, "stub": tr("存根联")}


def cmd_print(args: argparse.Namespace) -> int:
    """Print a record's slip, an enquiry's answer, the register or a range's repair slips to PDF."""
    from wuyedesk.services import printing

    what = args.number.strip().lower()
    register, batch = what == "register", what == "repairs"
    if register or batch:
        if not args.date_from:
            paper = tr("登记表") if register else tr("维修单")
            raise UserError(
                tr("打印{paper}请给出 --from YYYY-MM-DD（可再加 --to）").format(paper=paper)
            )
        first = _day(args.date_from, "--from")
        last = _day(args.date_to, "--to") if args.date_to else first
        if last < first:
            raise UserError(tr("结束日期不能早于开始日期"))
    elif args.date_from or args.date_to:
        raise UserError(tr("--from/--to 只用于 wuyedesk print register 和 wuyedesk print repairs"))
    kind, copy = _batch_choice(args, batch)
    if args.door_note and (register or batch or args.answer or args.paper is not None):
        raise UserError(tr("--door-note 只用于回访记录（HF-）"))
    if args.answer and (register or batch):
        raise UserError(tr("--answer 只用于咨询（QZ-）"))
    if args.paper is not None:
        from wuyedesk.services import repair_printing

        if register or args.answer or not (batch or repair_printing.is_repair_number(args.number)):
            raise UserError(tr("--paper 只用于工程维修单（WX-）和有偿服务单（YC-）"))
        if args.paper.strip().lower() not in repair_printing.PAPERS:
            raise UserError(repair_printing.BAD_PAPER)
    _new_file(args.out, args.force)
    office = _open(args)
    try:
        actor = Actor.command_line()
        if args.door_note:
            from wuyedesk.services import visit_printing

            visit_id = visit_printing.visit_id_of(office, actor, args.number)
            visit_printing.print_door_note(office, actor, visit_id, args.out)
            _say(tr("已将 {0} 的回访单保存为 {1}").format(args.number.strip().upper(), args.out))
        elif register:
            count = printing.print_register(office, actor, first, last, args.out)
            _say(tr("已将登记表（{count} 条）保存为 {0}").format(args.out, count=count))
        elif batch:
            from wuyedesk.services import batch_printing

            done = batch_printing.print_repairs_reported(
                office, actor, first, last, args.out, kind=kind, paper=args.paper or "a5", copy=copy
            )
            _say(
                tr(
                    "已将 {first} 至 {last} 报修的 {0} 张{1}（{2} 至 {3}，共 {4} 页）保存为 {5}"
                ).format(
                    done.slips,
                    BATCH_KINDS[kind],
                    done.first,
                    done.last,
                    done.pages,
                    done.path,
                    first=first,
                    last=last,
                )
            )
        elif args.answer:
            printing.print_enquiry_answer(office, actor, args.number, args.out)
            _say(tr("已将 {0} 的书面答复保存为 {1}").format(args.number.strip().upper(), args.out))
        elif args.paper is not None:
            repair_printing.print_repair(office, actor, args.number, args.out, paper=args.paper)
            _say(tr("已将 {0} 保存为 {1}").format(args.number.strip().upper(), args.out))
        else:
            printing.print_record(office, actor, args.number, args.out)
            _say(tr("已将 {0} 保存为 {1}").format(args.number.strip().upper(), args.out))
    finally:
        office.close()
    return 0


def _batch_choice(args: argparse.Namespace, batch: bool) -> tuple[str, str | None]:
    """Return the kind and the copy (None: every copy) `print repairs` asks for."""
    if not batch:
        if args.kind is not None or args.copy is not None:
            raise UserError(tr("--kind/--copy 只用于 wuyedesk print repairs"))
        return "free", None
    kind = (args.kind or "free").strip().lower()
    if kind not in BATCH_KINDS:
        raise UserError(tr("--kind 应为 free（工程维修单）或 paid（有偿服务单）"))
    copy = (args.copy or "all").strip().lower()
    if copy not in BATCH_COPIES:
        raise UserError(tr("--copy 应为 all（每一联）或 stub（只打存根联）"))
    return kind, BATCH_COPIES[copy]


def cmd_export(args: argparse.Namespace) -> int:
    """Write the supervisor's monthly workbook."""
    from wuyedesk.services.monthly_export import export_monthly

    if not args.month:
        raise UserError(tr("请用 --month YYYY-MM 指定月份，例如 --month 2026-03"))
    listing.month_bounds(args.month)  # a mistyped month is said before anything else
    _new_file(args.out, args.force)
    office = _open(args)
    try:
        result = export_monthly(
            office,
            Actor.command_line(),
            args.month,
            args.out,
            full=args.full,
            progress=_progress_line,
        )
    finally:
        office.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    _say(
        tr("已将 {0} 的月度报表（{1} 张表，{2} 行记录）保存为 {3}，用时 {4:.1f} 秒").format(
            result.month, len(result.sheets), result.records, result.path, result.seconds
        )
    )
    return 0


def _progress_line(done: int, total: int, what: str) -> bool:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{what}… {done * 100 // total:3d}%   ")
        sys.stderr.flush()
    return True


def cmd_migrate_to(args: argparse.Namespace) -> int:
    """Copy the office file into an empty server database, check every table, keep the file."""
    from wuyedesk.services import migrate
    from wuyedesk.store.location import ServerDb

    if isinstance(args.db, ServerDb):
        raise UserError(migrate.SERVER_SOURCE)
    target = parse_location(args.url)
    if not isinstance(target, ServerDb):
        raise UserError(
            tr("迁移目标应是服务器数据库地址，例如 postgresql+psycopg://用户:密码@主机/数据库名")
        )
    migrate.check_target(target)  # unreachable or not empty: said before the passphrase
    office = _open(args)
    try:
        report = migrate.migrate_to(office, Actor.command_line(), target, progress=_progress)
    finally:
        office.close()
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    width = max(len(t.name) for t in report.tables)
    _say(tr("{0}  {1:>7}  校验和").format(tr("表").ljust(width - 1), tr("行数")))
    for table in report.tables:
        _say(f"{table.name.ljust(width)}  {table.rows:>9}  {table.checksum[:16]}")
    _say(
        tr(
            "共 {0} 张表 {1} 行，用时 {2:.1f} 秒；每张表的行数和校验和都与办公文件相同：校验一致"
        ).format(len(report.tables), report.total_rows, report.seconds)
    )
    _say(tr("已迁移到 {0}；办公室密码和恢复密钥不变。今后这样打开：").format(report.target))
    _say(tr("    wuyedesk --db {0}    （*** 处填数据库密码）").format(report.target))
    _say(
        tr("办公文件 {0} 未被改动，可留作迁移前的备份；请不要再在其中登记。").format(report.source)
    )
    return 0


def _role_value(text: str | None) -> str:
    """Return a role's code from its code or its Chinese name, or say which there are."""
    from wuyedesk.domain.roles import ROLE_LABELS

    value = (text or "").strip()
    for role, label in ROLE_LABELS.items():
        if value in (role.value, label):
            return role.value
    choices = tr("、").join(
        tr("{code}（{label}）").format(code=role.value, label=label)
        for role, label in ROLE_LABELS.items()
    )
    raise UserError(tr("请用 --role 指定岗位，可选：{0}").format(choices))


def cmd_staff(args: argparse.Namespace) -> int:
    """List, add, give a new PIN, mark as left or back; done as the office and audited."""
    from wuyedesk.domain.validators import check_name, check_phone
    from wuyedesk.services import staff as staff_service
    from wuyedesk.services import staff_admin

    name = ""
    if args.action != "list":
        if not (args.name or "").strip():
            raise UserError(tr("请用 --name 指定员工姓名"))
        name = check_name(args.name)
    if args.action != "add" and (args.role or args.department or args.phone):
        raise UserError(tr("--role/--department/--phone 只用于 wuyedesk staff add"))
    pin, role, department = "", "", None
    if args.action == "add":  # what can be checked is said before the passphrase
        role = _role_value(args.role)
        department = staff_service.check_department(args.department)
        if args.phone:
            check_phone(args.phone)
    if args.action in ("add", "pin"):
        prompt = tr("为 {0} 设置 PIN（4–8 位数字）：").format(name)
        pin = staff_service.check_pin(_secret(STAFF_PIN_ENV, prompt, confirm=True))
    office = _open(args)
    try:
        actor = Actor.command_line()
        if args.action == "add":
            info = staff_service.add_staff(
                office, actor, name, role, pin, department, phone=args.phone
            )
            _say(tr("已新增 {0}（{1}），可以用姓名和 PIN 登录").format(info.name, info.role_label))
            return 0
        everyone = staff_admin.list_staff_admin(office, actor)
        if args.action == "list":
            _print_staff(everyone)
            return 0
        person = next((v for v in everyone if v.name == name), None)
        if person is None:
            raise UserError(tr("没有名为「{name}」的员工").format(name=name))
        if args.action == "pin":
            staff_admin.reset_pin(office, actor, person.id, pin)
            _say(tr("已重设 {0} 的 PIN").format(person.name))
        else:
            back = args.action == "return"
            staff_admin.set_active(office, actor, person.id, back)
            done = tr("{0} 已恢复在职") if back else tr("{0} 已离职，不能再登录")
            _say(done.format(person.name))
    finally:
        office.close()
    return 0


def _print_staff(everyone: list[Any]) -> None:
    """Print the staff tab-separated (phones masked), with a header line."""
    header = (tr("姓名"), tr("岗位"), tr("部门"), tr("电话"), tr("状态"), tr("锁定至"))
    sys.stdout.write("\t".join(header) + "\n")
    for view in everyone:
        locked = view.locked_until.astimezone(listing.OFFICE_TZ) if view.locked_until else None
        row = (
            view.name,
            view.role_label,
            view.department_label,
            view.phone,
            tr("在职") if view.active else tr("已离职"),
            locked.strftime("%Y-%m-%d %H:%M") if locked else "",
        )
        sys.stdout.write("\t".join(row) + "\n")


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the program's window."""
    from wuyedesk.ui.app import run

    return run(args.db)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser (the contract in DESIGN.md)."""
    parser = argparse.ArgumentParser(prog="wuyedesk", description=tr("物业管理处桌面程序 wuyedesk"))
    parser.add_argument("--version", action="version", version=f"wuyedesk {__version__}")
    parser.add_argument(
        "--db",
        default=None,
        help=tr(
            "办公文件路径，或服务器数据库地址 postgresql+psycopg://用户:密码@主机/数据库名"
            "（默认 WUYEDESK_DB 或用户数据文件夹）"
        ),
    )
    sub = parser.add_subparsers(dest="command")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, tr("创建办公文件"))
    p.add_argument("--office-name", default=tr("物业管理处"), help=tr("管理处名称"))
    p.add_argument("--estate", default=tr("小区"), help=tr("小区名称"))
    p.add_argument("--director", default=tr("管理处主任"), help=tr("第一位管理处主任的姓名"))
    p = add("demo", cmd_demo, tr("生成演示小区和几年的记录"))
    p.add_argument("--households", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--years", type=int, help=tr("记录覆盖的年数（默认 1，最多 10）"))
    p.add_argument("--volume", type=float, help=tr("每月记录量的倍数（默认 1，最多 20）"))
    p = add("check", cmd_check, tr("完整性检查、结构版本、审计链"))
    p.add_argument(
        "--backup", type=Path, metavar="FILE", help=tr("改为检查一个备份文件（恢复之前先检查）")
    )
    p = add("backup", cmd_backup, tr("加密备份"))
    p.add_argument("file", type=Path, nargs="?", help=tr("备份文件"))
    p.add_argument("--force", action="store_true", help=tr("文件已存在时替换它"))
    p.add_argument(
        "--daily",
        action="store_true",
        help=tr("每日自动备份：今天还没有备份时备份到办公文件旁的 .backups 文件夹，并清理旧备份"),
    )
    p.add_argument("--folder", type=Path, help=tr("每日备份的文件夹（默认办公文件旁的 .backups）"))
    p = add("restore", cmd_restore, tr("从备份恢复"))
    p.add_argument("file", type=Path)
    p = add("passphrase", cmd_passphrase, tr("更改办公室密码"))
    p.add_argument("--recovery", action="store_true", help=tr("用恢复密钥设置新密码"))
    p = add("audit", cmd_audit, tr("审计日志"))
    p.add_argument("action", choices=["verify"])
    p = add("import", cmd_import, tr("从 Excel 导入住户档案"))
    p.add_argument("what", choices=["residents"])
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=tr("只检查并列出问题，不写入"))
    p.add_argument("--sheet", help=tr("工作表名称（默认第一个有内容的工作表）"))
    p = add(
        "print",
        cmd_print,
        tr("把单据打印为 PDF：单号，register 登记表，或 repairs 一段日期的维修单"),
    )
    p.add_argument(
        "number", help=tr("单号（如 QZ-2026-000123），register，或 repairs（按报修日期批量打印）")
    )
    p.add_argument("-o", "--out", type=Path, required=True, help=tr("保存的 PDF 文件"))
    p.add_argument("--force", action="store_true", help=tr("文件已存在时替换它"))
    p.add_argument("--from", dest="date_from", help=tr("登记表或批量维修单的开始日期 YYYY-MM-DD"))
    p.add_argument(
        "--to", dest="date_to", help=tr("登记表或批量维修单的结束日期 YYYY-MM-DD（默认同 --from）")
    )
    p.add_argument(
        "--kind", help=tr("批量打印的单据：free 工程维修单（默认）或 paid 有偿服务单，一次一种")
    )
    p.add_argument("--copy", help=tr("批量打印的联：all 每一联（默认）或 stub 只打存根联"))
    p.add_argument("--answer", action="store_true", help=tr("打印咨询（QZ-）的书面答复"))
    p.add_argument(
        "--door-note", action="store_true", help=tr("打印回访（HF-）住户不在家时贴在门上的回访单")
    )
    p.add_argument(
        "--paper", help=tr("维修单纸张：a5（默认，A5 单张）或 continuous（241×140 毫米连续纸）")
    )
    p = add("export", cmd_export, tr("导出主管月度报表（Excel 工作簿）"))
    p.add_argument("what", choices=["monthly"])
    p.add_argument("--month", help=tr("月份 YYYY-MM"))
    p.add_argument("-o", "--out", type=Path, required=True, help=tr("保存的 .xlsx 文件"))
    p.add_argument("--force", action="store_true", help=tr("文件已存在时替换它"))
    p.add_argument(
        "--full",
        action="store_true",
        help=tr("导出完整电话和证件号码（仅限主管和主任，记入审计日志）"),
    )
    p = add(
        "migrate-to", cmd_migrate_to, tr("把办公文件迁移到服务器上的空数据库（逐表核对，文件不变）")
    )
    p.add_argument("url", help=tr("目标数据库地址 postgresql+psycopg://用户:密码@主机/数据库名"))
    p = add("staff", cmd_staff, tr("员工账号：列出、新增、重设 PIN、离职、恢复在职"))
    p.add_argument("action", choices=["list", "add", "pin", "leave", "return"])
    p.add_argument("--name", help=tr("员工姓名"))
    p.add_argument("--role", help=tr("岗位代号或名称，如 clerk 或 文员（仅 add）"))
    p.add_argument("--department", help=tr("部门代号或名称，如 engineering 或 工程部（仅 add）"))
    p.add_argument("--phone", help=tr("电话（仅 add）"))
    p = add("list", cmd_list, tr("列出记录（制表符分隔）"))
    p.add_argument("kind", choices=listing.KINDS)
    p.add_argument("--month")
    p.add_argument("--unit")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_gui)
    try:
        args.db = parse_location(args.db or os.environ.get("WUYEDESK_DB") or default_office_path())
        return func(args)
    except UserError as exc:
        sys.stderr.write(f"wuyedesk: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("wuyedesk: " + tr("已取消") + "\n")
        return 130
    except BrokenPipeError:
        # `wuyedesk list … | head`: the reader stopped early, which is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
