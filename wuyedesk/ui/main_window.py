"""The main window for one logged-in member of staff: the estate tree, search, the unit card."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.estate import estate_tree
from wuyedesk.services.lookup import find_by_number, looks_like_number
from wuyedesk.services.permissions import allowed
from wuyedesk.services.residents import search_residents
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.estate_tree import EstateTreeView
from wuyedesk.ui.language_menu import add_language_menu
from wuyedesk.ui.staff_admin import add_staff_admin_action

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 150
RESULT_CODE_ROLE = Qt.ItemDataRole.UserRole
LATER = tr("将在后续版本提供")
# The papers whose screens later parts of the program bring: (menu, entries).
PLACEHOLDERS = (
    (tr("登记(&R)"), (tr("来访/来电登记"), tr("维修单"), tr("回访"), tr("求助"))),
    (tr("报表(&P)"), (tr("日工作呈报"), tr("月度报表"))),
)


# Whose day is the repair slips: the desk opens on their own queue (我的工单) after login.
WORK_QUEUE_ROLES = frozenset({Role.engineer, Role.eng_supervisor, Role.storekeeper, Role.finance})
CardFactory = Callable[[OfficeFile, Actor, QWidget | None], Any]


def default_card_factory(office: OfficeFile, actor: Actor, parent: QWidget | None) -> Any:
    """Return the unit card widget (tests may pass a lighter factory to MainWindow)."""
    from wuyedesk.ui.unit_card import UnitCardWidget

    return UnitCardWidget(office, actor, parent)


class MainWindow(QMainWindow):
    """The desk's window for one office file and one logged-in member of staff."""

    switch_user = Signal()
    lock_now = Signal()
    closed = Signal()

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        card_factory: CardFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.office = office
        self.actor = actor
        self.info = office_service.office_info(office)
        self.setWindowTitle(
            tr("wuyedesk — {office} · {estate}").format(
                office=self.info.name, estate=self.info.estate_name
            )
        )
        self.resize(1100, 700)
        self.card = (card_factory or default_card_factory)(office, actor, None)
        self.card.setObjectName("unit_card")
        self.card.changed.connect(self.refresh_tree)
        self._build_left()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 780])
        self.setCentralWidget(splitter)
        self._build_menu()
        self._build_status()
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.refresh_tree()
        self._show_assignments()
        if actor.role in WORK_QUEUE_ROLES:
            QTimer.singleShot(0, self, self.open_work_queue)

    # -- building -----------------------------------------------------------------------------
    def _build_left(self) -> None:
        self.left = QWidget()
        layout = QVBoxLayout(self.left)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("搜索住户：姓名、电话尾号、房号、拼音首字母或单号"))
        self.search.textChanged.connect(self._search_typed)
        self.search.returnPressed.connect(self.search_enter)
        self.search.installEventFilter(self)
        self.results = QListWidget()
        self.results.setObjectName("search_results")
        self.results.setVisible(False)
        self.results.setMaximumHeight(260)
        self.results.itemActivated.connect(lambda item: self.open_result(item))
        self.results.installEventFilter(self)
        self.tree = EstateTreeView()
        self.tree.open_unit.connect(self.open_unit)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.tree, 1)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menu(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        self.switch_action = self._action(tr("切换用户(&U)"), self.switch_user.emit, "Ctrl+U")
        self.lock_action = self._action(tr("锁定(&L)"), self.lock_now.emit, "Ctrl+L")
        file_menu.addAction(self.switch_action)
        file_menu.addAction(self.lock_action)
        add_staff_admin_action(self, file_menu)  # 员工管理…, for managers
        add_language_menu(file_menu, self)
        file_menu.addSeparator()
        file_menu.addAction(self._action(tr("退出(&X)"), self.close, QKeySequence.StandardKey.Quit))
        archive = bar.addMenu(tr("住户档案(&A)"))
        archive.setToolTipsVisible(True)
        self.stale_action = self._action(tr("资料待更新…"), self.show_stale)
        self.import_action = self._action(tr("从 Excel 导入…"), self.show_import)
        self.export_action = self._action(tr("导出档案…"), self.export_archive)
        for action, permission in (
            (self.stale_action, "residents.view"),
            (self.import_action, "residents.edit"),
            (self.export_action, "residents.view"),
        ):
            if not allowed(self.actor, permission):
                action.setEnabled(False)
                action.setToolTip(tr("您的岗位不能使用此功能"))
            archive.addAction(action)
        focus = self._action(tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find)
        self.addAction(focus)
        self.placeholder_actions: list[QAction] = []
        for title, entries in PLACEHOLDERS:
            menu = bar.addMenu(tr(title))
            menu.setToolTipsVisible(True)
            for entry in entries:
                action = QAction(tr(entry), self)
                action.setEnabled(False)
                action.setToolTip(tr(LATER))
                menu.addAction(action)
                self.placeholder_actions.append(action)
        from wuyedesk.ui.register import install_screens  # the register and help screens

        install_screens(self)

    def _build_status(self) -> None:
        role = ROLE_LABELS.get(self.actor.role, str(self.actor.role))
        self.user_label = QLabel(tr("{name}（{role}）").format(name=self.actor.name, role=role))
        self.user_label.setObjectName("user")
        where = tr("办公数据库：{0}") if self.office.is_server else tr("办公文件：{0}")
        self.path_label = QLabel(where.format(self.office.location))  # never a password
        self.path_label.setObjectName("office_path")
        self.lock_label = QLabel()
        self.lock_label.setObjectName("lock_timer")
        status = self.statusBar()
        for label in (self.user_label, self.path_label, self.lock_label):
            label.setContentsMargins(6, 0, 6, 0)
            status.addPermanentWidget(label)

    def _show_assignments(self) -> None:
        """Show the tasks the supervisor set for today on this person's last daily report."""
        from wuyedesk.services.daily_reports import assignments_for

        tasks = assignments_for(self.office, self.actor)
        self.assignments_label = QLabel(tr("主管安排的今日工作：{0}").format(tasks or ""))
        self.assignments_label.setObjectName("assignments")
        self.assignments_label.setStyleSheet("font-weight: bold; color: #0d47a1;")
        self.assignments_label.setVisible(bool(tasks))
        self.statusBar().insertPermanentWidget(0, self.assignments_label, 1)

    def open_work_queue(self) -> QWidget:
        """Open the repair slips on this person's own queue (我的工单)."""
        from wuyedesk.ui.register import show_screen
        from wuyedesk.ui.repair_desk import RepairDeskWindow

        return show_screen(self, tr("维修单"), RepairDeskWindow)

    # -- tree ---------------------------------------------------------------------------------
    def refresh_tree(self) -> None:
        """Read the estate again; the selected unit stays selected."""
        current = self.tree.current_code()
        try:
            buildings = estate_tree(self.office, self.actor)
        except UserError as exc:  # a role that may not see the archive gets an empty tree
            buildings = []
            self.statusBar().showMessage(exc.message)
        self.tree.set_estate(self.info.estate_name, buildings)
        if current:
            self.tree.select_unit(current)

    def open_unit(self, code: str) -> None:
        """Select the unit in the tree and show its card."""
        self.tree.select_unit(code)
        self.card.show_unit(code)

    # -- search -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_typed(self, text: str) -> None:
        if not text.strip():
            self.search_timer.stop()
            self._show_results([])
            return
        self.search_timer.start()

    def run_search(self) -> None:
        """Search residents for the typed text now and list them below the box."""
        self.search_timer.stop()
        text = self.search.text().strip()
        if not text or looks_like_number(text):
            self._show_results([])
            return
        try:
            found = search_residents(self.office, self.actor, text)
        except UserError as exc:
            self.statusBar().showMessage(exc.message)
            return
        self._show_results(found)
        if not found:
            self.statusBar().showMessage(tr("没有找到「{0}」").format(text), 5000)

    def _show_results(self, found: list[Any]) -> None:
        self.results.clear()
        for resident in found[:200]:
            line = tr("{name}　{unit}　{role}　{phone}").format(
                name=resident.name,
                unit=shown_unit_codes(resident.unit_code),
                role=resident.role_label,
                phone=resident.phone or "",
            )
            if resident.moved_out is not None:
                line += tr("（已迁出）")
            item = QListWidgetItem(line.rstrip())
            item.setData(RESULT_CODE_ROLE, resident.unit_code)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)

    def search_enter(self) -> None:
        """Enter in the search box: open a typed number's record, or the chosen resident's unit."""
        text = self.search.text().strip()
        if not text:
            return
        if looks_like_number(text):
            self.open_number(text)
            return
        if self.search_timer.isActive() or not self.results.count():
            self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self.open_result(item)

    def open_result(self, item: QListWidgetItem) -> None:
        """Open the unit of a search result and close the list."""
        code = item.data(RESULT_CODE_ROLE)
        self.clear_search()
        self.open_unit(code)
        self.tree.setFocus()

    def open_number(self, text: str) -> None:
        """Open the record a typed or scanned number names: its screen, and its unit."""
        try:
            ref = find_by_number(self.office, self.actor, text)
        except UserError as exc:
            self.statusBar().showMessage(exc.message)
            self.search.selectAll()
            return
        self.clear_search()
        self.open_record(ref.kind, ref.id)
        if ref.unit_code:
            self.open_unit(ref.unit_code)
            message = tr("单号 {number} 对应 {unit}").format(
                number=ref.number, unit=shown_unit_codes(ref.unit_code)
            )
        else:
            message = tr("单号 {number} 不属于某一户").format(number=ref.number)
        self.statusBar().showMessage(message)

    def open_record(self, kind: str, record_id: int) -> QWidget | None:
        """Show the screen of a record kind with this record picked (if this post may see it)."""
        from wuyedesk.ui.register import RECORD_SCREENS, show_screen

        screen = RECORD_SCREENS.get(kind)
        if screen is None:
            return None
        key, factory = screen()
        try:
            shown = show_screen(self, key, factory)
        except UserError as exc:
            self.statusBar().showMessage(exc.message)
            return None
        shown.refresh(select_id=record_id)  # type: ignore[attr-defined]
        return shown

    def clear_search(self) -> None:
        """Empty the search box and close the result list."""
        self.search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._show_results([])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrows move from the search box into the results; Esc clears the search."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape and watched in (self.search, self.results):
                self.clear_search()
                self.search.setFocus()
                return True
            arrow = key in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            if watched is self.search and arrow and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    # -- archive menu -------------------------------------------------------------------------
    def _missing(self, what: str) -> None:
        QMessageBox.information(self, tr("尚未提供"), tr("{0}尚未安装").format(what))

    def show_stale(self) -> None:
        """List the residents whose data needs updating."""
        try:
            from wuyedesk.ui.stale_list import StaleListDialog
        except ImportError:
            self._missing(tr("资料待更新清单"))
            return
        dialog = StaleListDialog(self.office, self.actor, self)
        dialog.open_unit.connect(self.open_unit)
        dialog.show()

    def show_import(self) -> None:
        """Open the Excel import wizard; refresh the counts afterwards."""
        try:
            from wuyedesk.ui.import_wizard import ImportWizard
        except ImportError:
            self._missing(tr("Excel 导入向导"))
            return
        wizard = ImportWizard(self.office, self.actor, self)
        wizard.finished.connect(lambda _result: self.refresh_tree())
        wizard.open()

    def export_archive(self) -> None:
        """Export the archive to a workbook."""
        try:
            from wuyedesk.ui.archive_export import export_archive
        except ImportError:
            self._missing(tr("档案导出"))
            return
        export_archive(self, self.office, self.actor)

    # -- lock and leave -----------------------------------------------------------------------
    def set_lock_text(self, text: str) -> None:
        """Show the idle-lock countdown in the status bar."""
        self.lock_label.setText(text)

    def keep_drafts(self) -> None:
        """Store any unsaved form as a draft of this member of staff."""
        try:
            if self.card.has_unsaved():
                self.card.save_drafts()
        except Exception:  # the lock must happen even if keeping the draft fails
            log.exception("drafts could not be kept")

    def discard(self) -> None:
        """Close for good without asking (switching user, locking)."""
        self._leaving = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep unsaved work as drafts; tell the desk the window closed by the user's choice."""
        self.keep_drafts()
        super().closeEvent(event)
        if not getattr(self, "_leaving", False):
            self.closed.emit()
