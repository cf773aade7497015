"""The Excel import wizard: pick the sheet, map its columns, preview, confirm, see the result."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.services import resident_import
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile

# What a column can hold, in the order the combo offers it ("" = not imported).
IMPORT_FIELDS = (
    ("", tr("（不导入）")),
    ("unit", tr("房号")),
    ("building", tr("楼栋")),
    ("entrance", tr("单元")),
    ("name", tr("姓名")),
    ("role", tr("身份")),
    ("gender", tr("性别")),
    ("phone", tr("手机")),
    ("landline", tr("固话")),
    ("id_type", tr("证件类型")),
    ("id_number", tr("证件号码")),
    ("employer", tr("工作单位")),
    ("emergency_name", tr("紧急联系人")),
    ("emergency_phone", tr("紧急联系电话")),
    ("moved_in", tr("入住日期")),
    ("possession_date", tr("收楼日期")),
    ("area", tr("建筑面积")),
    ("plate", tr("车牌号")),
    ("habits", tr("生活习惯及常住情况")),
    ("consent_disclose", tr("同意对外提供")),
)
PROBLEM_HEADINGS = (tr("行号"), tr("列"), tr("原因"))


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class FilePage(QWizardPage):
    """Step 1: which workbook."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("选择 Excel 文件"))
        self.setSubTitle(
            tr("选择管理处现有的住户名单（.xlsx）。下一步核对各列的含义，此时不会写入任何内容。")
        )
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setPlaceholderText(tr("住户名单.xlsx"))
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addStretch(1)

    def browse(self) -> None:
        """Pick the workbook with the file dialog."""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("选择住户名单"), "", tr("Excel 工作簿 (*.xlsx *.xlsm)")
        )
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        """The next step needs a file name."""
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        """Read the sheet; a file that cannot be read keeps the person on this page."""
        try:
            self.owner.table = resident_import.read_sheet(Path(self.path.text().strip()))
        except UserError as exc:
            QMessageBox.warning(self, tr("无法读取"), exc.message)
            return False
        return True


class MappingPage(QWizardPage):
    """Step 2: each heading of the sheet and the archive field it goes into."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("核对各列"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = _table([tr("Excel 列标题"), tr("示例"), tr("导入为")])
        self.combos: list[QComboBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        """Show every heading with a combo preset to the detected field."""
        table = self.owner.table
        assert table is not None
        self.setSubTitle(
            tr("工作表「{sheet}」，标题在第 {row} 行，共 {n} 行数据。").format(
                sheet=table.sheet, row=table.header_row, n=len(table.rows)
            )
        )
        self.info.setText(tr("已按常见标题自动识别，请核对；房号和姓名两列必须指定。"))
        self.table.setRowCount(len(table.headers))
        self.combos = []
        for index, heading in enumerate(table.headers):
            example = next(
                (
                    r.cells[index]
                    for r in table.rows
                    if index < len(r.cells) and r.cells[index] is not None
                ),
                "",
            )
            self.table.setItem(index, 0, QTableWidgetItem(str(heading or "")))
            self.table.setItem(index, 1, QTableWidgetItem(str(example)))
            combo = QComboBox()
            for value, label in IMPORT_FIELDS:
                combo.addItem(tr(label), value)
            combo.setCurrentIndex(max(0, combo.findData(table.mapping.get(index, ""))))
            self.table.setCellWidget(index, 2, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[int, str]:
        """Return column index → field as the combos now say."""
        return {i: str(c.currentData()) for i, c in enumerate(self.combos) if c.currentData()}

    def validatePage(self) -> bool:
        """Refuse a field chosen twice; store the mapping on the sheet."""
        mapping = self.mapping()
        chosen = list(mapping.values())
        twice = {f for f in chosen if chosen.count(f) > 1}
        if twice:
            labels = tr("、").join(tr(lbl) for v, lbl in IMPORT_FIELDS if v in twice)
            QMessageBox.warning(
                self,
                tr("列重复"),
                tr("{0} 被指定给了多列，请只保留一列。").format(labels),
            )
            return False
        assert self.owner.table is not None
        self.owner.table.mapping = mapping
        return True


class PreviewPage(QWizardPage):
    """Step 3: what the import would do, row by row; nothing written yet."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("预览导入结果"))
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setWordWrap(True)
        self.problems = _table([tr(h) for h in PROBLEM_HEADINGS])
        self.problems.setObjectName("problems")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        self.setCommitPage(True)  # after the import there is no going back to change it

    def initializePage(self) -> None:
        """Check every row through the service (read only) and show the report."""
        table = self.owner.table
        assert table is not None
        self.owner.preview = None
        try:
            report = resident_import.preview_import(self.owner.office, self.owner.actor, table)
        except UserError as exc:
            self.summary.setText(exc.message)
            self.problems.setRowCount(0)
            self.completeChanged.emit()
            return
        self.owner.preview = report
        self.setSubTitle(
            tr("下表列出有问题的行，这些行不会导入。请核对后确认；确认前不会写入任何内容。")
        )
        self.summary.setText(report.describe())
        show_problems(self.problems, report.problems)
        self.setButtonText(
            QWizard.WizardButton.CommitButton,
            tr("导入 {n} 行有效记录").format(n=report.ok_rows),
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """Only a preview with valid rows can be imported."""
        return self.owner.preview is not None and self.owner.preview.ok_rows > 0

    def validatePage(self) -> bool:
        """The person confirmed: import the valid rows in one transaction."""
        assert self.owner.table is not None
        try:
            self.owner.result = resident_import.run_import(
                self.owner.office, self.owner.actor, self.owner.table, confirm=True
            )
        except UserError as exc:
            QMessageBox.warning(self, tr("未导入"), exc.message)
            return False
        return True


class ResultPage(QWizardPage):
    """Step 4: what was written."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("导入完成"))
        self.summary = QLabel()
        self.summary.setObjectName("result")
        self.summary.setWordWrap(True)
        self.problems = _table([tr(h) for h in PROBLEM_HEADINGS])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)

    def initializePage(self) -> None:
        """Show the committed report and the rows left out."""
        report = self.owner.result
        assert report is not None
        self.summary.setText(report.describe())
        show_problems(self.problems, report.problems)
        self.problems.setVisible(bool(report.problems))


def show_problems(table: QTableWidget, problems: list[resident_import.RowProblem]) -> None:
    """Fill a 行号/列/原因 table."""
    table.setRowCount(len(problems))
    for row, problem in enumerate(problems):
        for column, text in enumerate((str(problem.row), problem.column, problem.message)):
            table.setItem(row, column, QTableWidgetItem(text))


class ImportWizard(QWizard):
    """Import residents from the office's Excel list; nothing is written until confirmed."""

    def __init__(self, office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office, self.actor = office, actor
        self.table: resident_import.ImportTable | None = None
        self.preview: resident_import.ImportReport | None = None
        self.result: resident_import.ImportReport | None = None
        self.setWindowTitle(tr("从 Excel 导入住户"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(820, 560)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        for button, text in (
            (QWizard.WizardButton.BackButton, tr("< 上一步")),
            (QWizard.WizardButton.NextButton, tr("下一步 >")),
            (QWizard.WizardButton.FinishButton, tr("完成")),
            (QWizard.WizardButton.CancelButton, tr("取消")),
        ):
            self.setButtonText(button, tr(text))
