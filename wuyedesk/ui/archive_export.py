"""Export the resident archive to .xlsx, one sheet per building; masked unless chosen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import allowed
from wuyedesk.services.resident_import import export_residents
from wuyedesk.store.office_file import OfficeFile


def export_archive(parent: QWidget | None, office: OfficeFile, actor: Actor) -> None:
    """Ask where to save, whether to show full numbers (if allowed), export, tell the count."""
    suggested = str(Path.home() / tr("住户档案-{0:%Y%m%d}.xlsx").format(date.today()))
    path, _ = QFileDialog.getSaveFileName(
        parent, tr("导出住户档案"), suggested, tr("Excel 工作簿 (*.xlsx)")
    )
    if not path:
        return
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    full = False
    if allowed(actor, "residents.export_full"):
        answer = QMessageBox.question(
            parent,
            tr("完整号码"),
            tr(
                "是否导出完整号码（电话和证件号码不遮挡）？\n"
                "默认遮挡；导出完整号码会记入审计日志，文件须妥善保管。"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        full = answer == QMessageBox.StandardButton.Yes
    try:
        count = export_residents(office, actor, target, full=full)
    except UserError as exc:
        QMessageBox.warning(parent, tr("未导出"), exc.message)
        return
    except OSError as exc:
        QMessageBox.warning(parent, tr("未导出"), tr("无法写入文件：{0}").format(exc))
        return
    masked = tr("完整号码") if full else tr("号码已遮挡")
    QMessageBox.information(
        parent,
        tr("导出完成"),
        tr("已导出 {n} 位住户（{masked}）到\n{path}").format(n=count, masked=masked, path=target),
    )
