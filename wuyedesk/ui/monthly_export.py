"""报表 → 月度报表: choose the month and the file, export in the background, cancel at will.

The workbook is written by `services.monthly_export.export_monthly` on a worker thread; the
window stays responsive and a progress dialog shows how far it has gone. A cancelled or
failed export leaves no file behind (the service writes beside the target and moves it in
place only when complete).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.monthly_export import (
    ExportCancelled,
    MonthlyResult,
    default_file_name,
    default_month,
    export_monthly,
)
from wuyedesk.services.permissions import allowed
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, ERROR_PROPERTY, ERROR_STYLE, SHOWN_ZONE

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MONTH_FORMAT = tr("yyyy年MM月")
NOTE_COLOR = "#555555"
STOP_WAIT_MS = 30_000  # at quit, how long a cancelled export may take to stop


def _first_of(month: str) -> QDate:
    year, number = (int(part) for part in month.split("-"))
    return QDate(year, number, 1)


class ExportWorker(QObject):
    """Runs one export on the worker thread; reports progress and the outcome by signals."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str, bool)  # message, cancelled

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        month: str,
        path: Path,
        full: bool,
        now: datetime | None,
    ) -> None:
        super().__init__()
        self.office, self.actor, self.month, self.path = office, actor, month, path
        self.full, self.now = full, now
        self.cancelled = False  # set from the main thread; read here between steps
        self._last: tuple[int, str] | None = None

    def progress(self, done: int, total: int, what: str) -> bool:
        """Pass the step on to the screen (thread-safe signal); False once cancelled."""
        if (done, what) != self._last:  # at most one signal per step of the bar
            self._last = (done, what)
            self.progressed.emit(done, total, what)
        if done >= total:
            return True  # the file is already saved: too late to cancel
        return not self.cancelled

    @Slot()
    def run(self) -> None:
        """Export; emit `succeeded(result)` or `failed(message, cancelled)`."""
        try:
            result = export_monthly(
                self.office,
                self.actor,
                self.month,
                self.path,
                full=self.full,
                progress=self.progress,
                now=self.now,
            )
        except ExportCancelled as exc:
            self.failed.emit(exc.message, True)
        except UserError as exc:
            self.failed.emit(exc.message, False)
        except OSError as exc:
            self.failed.emit(tr("无法写入文件：{0}").format(exc.strerror or exc), False)
        except Exception:  # a bug: the person gets a message, the log the details
            log.exception("monthly export of %s failed", self.month)
            self.failed.emit(tr("导出时出现意外错误，没有保存文件；详情已记入日志"), False)
        else:
            self.succeeded.emit(result)


class _Running(QObject):
    """Holds every export thread until it has really ended, whatever became of its dialog."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: dict[QThread, ExportWorker] = {}

    def keep(self, thread: QThread, worker: ExportWorker) -> None:
        self.threads[thread] = worker
        thread.finished.connect(self.release)

    @Slot()
    def release(self) -> None:
        for thread in [t for t in self.threads if t.isFinished()]:
            thread.wait()  # returns at once: the thread has ended
            del self.threads[thread]

    @Slot()
    def stop_all(self) -> None:
        """The program is ending: cancel every export and let its thread end first."""
        for worker in self.threads.values():
            worker.cancelled = True
        for thread in list(self.threads):
            thread.wait(STOP_WAIT_MS)
        self.release()


_running: _Running | None = None


def _keeper() -> _Running:
    global _running
    if _running is None:
        _running = _Running()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_running.stop_all)
    return _running


class MonthlyExportDialog(QDialog):
    """Choose a month and a file; export it with a progress dialog that can be cancelled."""

    finished_export = Signal(object)  # the MonthlyResult, or None if nothing was saved

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor, self.clock = office, actor, clock
        self.setObjectName("monthly_export")
        self.setWindowTitle(tr("导出月度报表"))
        self.setStyleSheet(ERROR_STYLE)
        self.worker: ExportWorker | None = None
        self.worker_thread: QThread | None = None
        self.progress: QProgressDialog | None = None
        self.exported: MonthlyResult | None = None
        today = self.now().astimezone(SHOWN_ZONE).date()
        month = default_month(today)

        self.month_edit = QDateEdit(_first_of(month))
        self.month_edit.setObjectName("month")
        self.month_edit.setDisplayFormat(MONTH_FORMAT)
        self.month_edit.setMinimumDate(QDate(2000, 1, 1))
        self.month_edit.setMaximumDate(QDate(today.year, today.month, 1))
        self.month_edit.setCurrentSection(QDateEdit.Section.MonthSection)
        self.month_edit.setMinimumWidth(150)
        self.month_edit.dateChanged.connect(self._month_changed)

        self._suggested = str(Path.home() / default_file_name(month))
        self.path_edit = QLineEdit(self._suggested)
        self.path_edit.setObjectName("path")
        self.path_edit.setMinimumWidth(380)
        self.path_edit.textChanged.connect(lambda _text: self._say(""))
        self.browse_button = QPushButton(tr("浏览…"))
        self.browse_button.setObjectName("browse")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        self.full_box = QCheckBox(tr("导出完整电话和证件号码（记入审计日志）"))
        self.full_box.setObjectName("full")
        self.full_box.setChecked(False)
        self.full_box.setVisible(allowed(actor, "residents.export_full"))

        self.note = QLabel(
            tr(
                "工作簿含本月汇总和各登记表的全部记录。"
                "电话和证件号码默认遮挡；完整号码只导出住户同意公开的，文件须妥善保管。"
                "导出在后台进行，可随时取消，取消后不会留下文件。"
            )
        )
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {NOTE_COLOR};")

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.hide()

        self.export_button = QPushButton(tr("导出"))
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        form = QFormLayout()
        month_row = QHBoxLayout()
        month_row.addWidget(self.month_edit)
        month_row.addStretch(1)
        form.addRow(tr("月份："), month_row)
        form.addRow(tr("保存到："), path_row)
        form.addRow("", self.full_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

    # -- the form -----------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    def month(self) -> str:
        """Return the chosen month as YYYY-MM."""
        chosen: date = self.month_edit.date().toPython()  # type: ignore[assignment]
        return chosen.strftime("%Y-%m")

    def _month_changed(self, _date: QDate) -> None:
        # Follow the month with the suggested name unless the person chose their own.
        suggested = self.path_edit.text().strip() == self._suggested
        folder = Path(self._suggested).parent
        self._suggested = str(folder / default_file_name(self.month()))
        if suggested:
            self.path_edit.setText(self._suggested)

    def browse(self) -> None:
        """Ask where to save the workbook."""
        path, _ = QFileDialog.getSaveFileName(
            self, tr("保存月度报表"), self.path_edit.text().strip() or self._suggested,
            tr("Excel 工作簿 (*.xlsx)"),
        )  # fmt: skip
        if path:
            self.path_edit.setText(str(Path(path)))

    def _say(self, text: str, *, error: bool = True) -> None:
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR if error else NOTE_COLOR};")
        self.error_label.setVisible(bool(text))
        self.path_edit.setProperty(ERROR_PROPERTY, bool(text) and error)
        self.path_edit.style().unpolish(self.path_edit)
        self.path_edit.style().polish(self.path_edit)

    def target(self) -> Path | None:
        """Return the checked target path (.xlsx added), or None with the message shown."""
        text = self.path_edit.text().strip()
        if not text:
            self._say(tr("请填写保存位置和文件名"))
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = Path.home() / path
        if path.is_dir():
            self._say(
                tr("请在文件夹后面写上文件名，例如 {0}").format(default_file_name(self.month()))
            )
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
            self.path_edit.setText(str(path))
        if not path.parent.is_dir():
            self._say(tr("文件夹 {0} 不存在，请重新选择保存位置").format(path.parent))
            return None
        if path.is_dir():
            self._say(tr("{0} 是一个文件夹，请换一个文件名").format(path.name))
            return None
        return path

    # -- exporting ----------------------------------------------------------------------------
    def running(self) -> bool:
        """Return whether an export is under way (its thread has not ended yet)."""
        return self.worker_thread is not None

    def start_export(self) -> bool:
        """Check the form and start the export on a worker thread; False if refused."""
        if self.running():
            return False
        path = self.target()
        if path is None:
            return False
        if path.exists():
            answer = QMessageBox.question(
                self,
                tr("文件已存在"),
                tr("{0} 已存在，是否替换？").format(path.name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._say("")
        full = self.full_box.isChecked() and allowed(self.actor, "residents.export_full")
        worker = ExportWorker(
            self.office,
            self.actor,
            self.month(),
            path,
            full,
            self.clock() if self.clock is not None else None,
        )
        thread = QThread()
        thread.setObjectName("monthly_export_thread")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.succeeded.connect(thread.quit)
        worker.failed.connect(thread.quit)
        thread.finished.connect(self._thread_ended)
        _keeper().keep(thread, worker)
        # The dialog may go with its main window (switch user, lock) while the thread runs:
        # the export then stops at its next step and the keeper lets the thread end cleanly.
        self.destroyed.connect(lambda *_args, w=worker: setattr(w, "cancelled", True))
        self.worker, self.worker_thread = worker, thread
        self._show_progress()
        self._set_busy(True)
        thread.start()
        return True

    def _show_progress(self) -> None:
        progress = QProgressDialog(tr("正在准备…"), tr("取消"), 0, 1000, self)
        progress.setObjectName("monthly_progress")
        progress.setWindowTitle(tr("正在导出月度报表"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(360)
        progress.canceled.connect(self.cancel_export)
        progress.setValue(0)
        self.progress = progress

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.month_edit, self.path_edit, self.browse_button, self.full_box):
            widget.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    @Slot()
    def cancel_export(self) -> None:
        """Ask the running export to stop at its next step."""
        if self.worker is not None:
            self.worker.cancelled = True
        if self.progress is not None:
            self.progress.setLabelText(tr("正在取消…"))

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, what: str) -> None:
        if self.progress is None or self.progress.wasCanceled():
            return
        if self.progress.maximum() != total:
            self.progress.setMaximum(total)
        self.progress.setLabelText(what)
        self.progress.setValue(done)

    def _done(self) -> None:
        if self.progress is not None:
            self.progress.hide()  # not close(): that would emit canceled
            self.progress.deleteLater()
            self.progress = None
        self.worker = None
        self._set_busy(False)

    @Slot()
    def _thread_ended(self) -> None:
        self.worker_thread = None

    @Slot(object)
    def _succeeded(self, result: MonthlyResult) -> None:
        self._done()
        self.exported = result
        text = tr("已导出 {month} 的月度报表：{sheets} 张表，{records} 行记录，用时 {seconds} 秒。")
        QMessageBox.information(
            self,
            tr("导出完成"),
            text.format(
                month=result.month,
                sheets=len(result.sheets),
                records=result.records,
                seconds=f"{result.seconds:.1f}",
            )
            + "\n\n"
            + str(result.path),
        )
        self.finished_export.emit(result)
        self.accept()

    @Slot(str, bool)
    def _failed(self, message: str, cancelled: bool) -> None:
        self._done()
        if cancelled:
            self._say(message, error=False)
        else:
            self._say(message)
            QMessageBox.warning(self, tr("未导出"), message)
        self.finished_export.emit(None)

    def reject(self) -> None:
        """Closing while exporting cancels the export instead (nothing is left behind)."""
        if self.worker is not None:
            self.cancel_export()
            return
        super().reject()


def open_monthly_export(window: Any) -> MonthlyExportDialog | None:
    """Show the main window's month-export dialog (one at a time); refuse other roles."""
    if not allowed(window.actor, "reports.monthly"):
        QMessageBox.warning(window, tr("不能使用"), tr("您的岗位不能导出月度报表"))
        return None
    dialog = window.__dict__.get("_monthly_export")
    if isinstance(dialog, MonthlyExportDialog) and (dialog.isVisible() or dialog.running()):
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    dialog = MonthlyExportDialog(window.office, window.actor, window)
    window._monthly_export = dialog
    dialog.open()
    return dialog
