"""First start: the set-up wizard that creates the office file, shows its key, and fills it."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.i18n import tr
from wuyedesk.services import office as office_service
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.store import keys
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_STYLE, clear_errors, load_form, read_fields, show_errors
from wuyedesk.ui.fonts import monospace_font
from wuyedesk.ui.start import (
    STRENGTH_COLORS,
    passphrase_strength,
    print_with_dialog,
    recovery_document,
    wait_cursor,
)

# Service field names that the set-up form calls differently.
_FIELD_NAMES = {"name": "director_name", "pin": "director_pin"}
CHOICES = ("import", "demo", "empty")
PIN_DIGITS = r"\d{0,8}"


def demo_available() -> bool:
    """Tell whether the demo-estate generator is installed."""
    return importlib.util.find_spec("wuyedesk.services.demo") is not None


class _FormPage(QWizardPage):
    """A page holding some of the create_office form's groups; the wizard checks it."""

    def __init__(self, title: str, subtitle: str, widgets: list[QWidget]) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        layout = QVBoxLayout(self)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        """Let the wizard check this page's fields (and create the file on the last one)."""
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return wizard.check_page(self)


class RecoveryPage(QWizardPage):
    """The recovery key, shown once; Next waits for the 'written down' tick."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("恢复密钥 —— 只显示这一次"))
        self.setSubTitle(
            tr(
                "办公文件已创建。忘记办公室密码时，只有下面的恢复密钥能打开它。"
                "请现在抄写或打印，锁进保险柜；本程序不会再显示它。"
            )
        )
        self.setCommitPage(True)  # no way back to a key that is never shown again
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("下一步(&N) >"))
        layout = QVBoxLayout(self)
        self.key_label = QLabel()
        self.key_label.setObjectName("recovery_key")
        self.key_label.setFont(monospace_font(20))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "background: #fffbe6; border: 1px solid #e0c060; padding: 14px; color: #222222;"
        )
        layout.addWidget(self.key_label)
        row = QHBoxLayout()
        self.print_button = QPushButton(tr("打印…"))
        self.print_button.setObjectName("print_button")
        self.print_button.clicked.connect(self.print_key)
        self.saved_box = QCheckBox(tr("我已抄写/打印保存"))
        self.saved_box.setObjectName("saved")
        self.saved_box.toggled.connect(self.completeChanged)
        row.addWidget(self.print_button)
        row.addSpacing(16)
        row.addWidget(self.saved_box)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        """Only once the key is written down may the wizard go on."""
        return self.saved_box.isChecked()

    def print_key(self) -> None:
        """Print the recovery page."""
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        print_with_dialog(self, wizard.recovery_page_document())


class StartPage(QWizardPage):
    """How to begin: import residents, generate a demo estate, or start empty."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("如何开始"))
        self.setSubTitle(tr("小区的楼栋和住户从哪里来？以后也可以在“住户档案”菜单里导入。"))
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        texts = {
            "import": tr("从 Excel 导入住户（打开导入向导）"),
            "demo": tr("生成演示小区（练习用，可随时另建办公文件）"),
            "empty": tr("空白开始"),
        }
        for choice in CHOICES:
            button = QRadioButton(texts[choice])
            button.setObjectName(f"start_{choice}")
            self.group.addButton(button)
            self.buttons[choice] = button
            layout.addWidget(button)
            if choice == "demo":
                row = QHBoxLayout()
                row.setContentsMargins(28, 0, 0, 0)
                row.addWidget(QLabel(tr("演示户数")))
                self.households = QSpinBox()
                self.households.setObjectName("households")
                self.households.setRange(10, 20000)
                self.households.setSingleStep(50)
                self.households.setValue(300)
                row.addWidget(self.households)
                row.addStretch(1)
                layout.addLayout(row)
                button.toggled.connect(self.households.setEnabled)
        self.buttons["empty"].setChecked(True)
        self.households.setEnabled(False)
        if not demo_available():
            self.buttons["demo"].setEnabled(False)
            self.buttons["demo"].setToolTip(tr("演示数据模块尚未安装"))
        layout.addStretch(1)

    def choice(self) -> str:
        """Return 'import', 'demo' or 'empty'."""
        return next(c for c, b in self.buttons.items() if b.isChecked())


class SetupWizard(QWizard):
    """Office and estate, passphrase, director → file created → recovery key → how to start."""

    def __init__(
        self, path: Path, parent: QWidget | None = None, *, passphrase_n: int = keys.PASSPHRASE_N
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.passphrase_n = passphrase_n
        self.office: OfficeFile | None = None
        self.actor: Actor | None = None
        self.recovery = ""
        self.setWindowTitle(tr("创建办公文件"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setStyleSheet(ERROR_STYLE)
        self.setMinimumSize(720, 500)
        form = load_form("create_office")
        self._take = lambda name: form.findChild(QWidget, name)
        self.office_page = _FormPage(
            tr("管理处和小区"),
            tr("第一次使用：为本管理处创建加密的办公文件。所有住户资料只保存在这个文件里。"),
            [self._take("_office_group")],
        )
        self.passphrase_page = _FormPage(
            tr("办公室密码"),
            tr("没有办公室密码或恢复密钥谁也打不开办公文件，请用一句好记的话。"),
            [self._take("_passphrase_group")],
        )
        self.director_page = _FormPage(
            tr("管理处主任账号"),
            tr("主任用姓名和 PIN 在本电脑上登录，再为其他员工开设账号。"),
            [self._take("_director_group"), self._take("form_error")],
        )
        self.director_page.setCommitPage(True)
        self.director_page.setButtonText(QWizard.WizardButton.CommitButton, tr("创建办公文件"))
        self.recovery_page = RecoveryPage()
        self.start_page = StartPage()
        for page in (
            self.office_page,
            self.passphrase_page,
            self.director_page,
            self.recovery_page,
            self.start_page,
        ):
            self.addPage(page)
        form.deleteLater()
        self.findChild(QLabel, "office_path").setText(str(self.path))
        digits = QRegularExpressionValidator(QRegularExpression(PIN_DIGITS), self)
        for name in ("director_pin", "director_pin_again"):
            self.findChild(QLineEdit, name).setValidator(digits)
        self.strength = self.findChild(QLabel, "passphrase_strength")
        self.findChild(QLineEdit, "passphrase").textChanged.connect(self._show_strength)
        self._show_strength("")
        clear_errors(self)

    def field_value(self, name: str) -> str:
        """Return a line edit's text by field name."""
        return self.findChild(QLineEdit, name).text()

    def _show_strength(self, text: str) -> None:
        if not text:
            self.strength.setText(tr("至少 8 个字符；越长越安全，可用一句好记的话"))
            self.strength.setStyleSheet("color: #666666;")
            return
        level = passphrase_strength(text)
        words = {
            0: tr("强度：弱 —— 至少 8 个字符，并混合不同的字母、数字或汉字"),
            1: tr("强度：中 —— 可以使用；再长一些更安全"),
            2: tr("强度：强"),
        }
        self.strength.setText(words[level])
        self.strength.setStyleSheet(f"color: {STRENGTH_COLORS[level]};")

    def page_errors(self, page: QWizardPage) -> dict[str, str]:
        """Return the problems of one page's fields; empty when it may be left."""
        values = read_fields(self)
        errors: dict[str, str] = {}
        if page is self.office_page:
            for name, message in (
                ("office_name", tr("请填写管理处名称")),
                ("estate_name", tr("请填写小区名称")),
            ):
                if not str(values[name]).strip():
                    errors[name] = message
        elif page is self.passphrase_page:
            try:
                keys.check_passphrase_strength(str(values["passphrase"]))
            except UserError as exc:
                errors["passphrase"] = exc.message
            if values["passphrase_again"] != values["passphrase"]:
                errors["passphrase_again"] = tr("两次输入的办公室密码不一致")
        elif page is self.director_page:
            if not str(values["director_name"]).strip():
                errors["director_name"] = tr("请填写管理处主任的姓名")
            try:
                staff_service.check_pin(str(values["director_pin"]))
            except ValidationError as exc:
                errors["director_pin"] = exc.message
            if values["director_pin_again"] != values["director_pin"]:
                errors["director_pin_again"] = tr("两次输入的 PIN 不一致")
        return errors

    def check_page(self, page: QWizardPage) -> bool:
        """Show the page's problems beside its fields; create the file after the director page."""
        clear_errors(self)
        errors = self.page_errors(page)
        if errors:
            show_errors(self, errors)
            return False
        if page is self.director_page:
            return self.create()
        return True

    def create(self) -> bool:
        """Create the office file with its director; show the recovery key next."""
        try:
            with wait_cursor():
                office, recovery = office_service.init_office(
                    self.path,
                    self.field_value("passphrase"),
                    office_name=self.field_value("office_name").strip(),
                    estate_name=self.field_value("estate_name").strip(),
                    director_name=self.field_value("director_name").strip(),
                    director_pin=self.field_value("director_pin").strip(),
                    passphrase_n=self.passphrase_n,
                )
        except FormErrors as exc:
            show_errors(self, {_FIELD_NAMES.get(k, k): v for k, v in exc.errors.items()})
            return False
        except ValidationError as exc:
            show_errors(self, {_FIELD_NAMES.get(exc.field, exc.field): exc.message})
            return False
        except UserError as exc:
            show_errors(self, {"form": exc.message})
            return False
        except OSError as exc:  # e.g. a folder this Windows account may not write to
            show_errors(self, {"form": tr("无法创建办公文件：{0}").format(exc.strerror or exc)})
            return False
        self.office, self.recovery = office, recovery
        self.recovery_page.key_label.setText(recovery)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        return True

    def recovery_page_document(self) -> QTextDocument:
        """Return the printable recovery page."""
        return recovery_document(
            self, self.recovery, self.field_value("office_name"), self.field_value("estate_name")
        )

    def choice(self) -> str:
        """Return how the person chose to start."""
        return self.start_page.choice()

    def reject(self) -> None:
        """Cancel before the file exists; afterwards the wizard must be finished."""
        if self.office is None:
            super().reject()

    def accept(self) -> None:
        """Fill the estate as chosen and log the director in."""
        assert self.office is not None
        if self.choice() == "demo":
            self.run_demo(self.start_page.households.value())
        director = next(
            s
            for s in staff_service.list_staff(self.office)
            if s.name == self.field_value("director_name").strip()
        )
        self.actor = staff_service.login(self.office, director.id, self.field_value("director_pin"))
        for name in ("passphrase", "passphrase_again", "director_pin", "director_pin_again"):
            self.findChild(QLineEdit, name).clear()  # secrets leave the screen's memory
        super().accept()

    def run_demo(self, households: int) -> None:
        """Generate the demo estate with a progress window; the screen keeps repainting."""
        assert self.office is not None
        try:
            from wuyedesk.services.demo import generate_demo
        except ImportError:
            QMessageBox.information(self, tr("演示小区"), tr("演示数据模块尚未安装"))
            return
        progress = QProgressDialog(tr("正在生成演示小区…"), "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowTitle(tr("演示小区"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()

        def report(done: int, total: int, what: str = "") -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, max(total, 1)))
            if what:
                progress.setLabelText(str(what))
            QApplication.processEvents()

        kwargs: dict[str, object] = {"households": households, "seed": 1}
        if "progress" in inspect.signature(generate_demo).parameters:
            kwargs["progress"] = report
        try:
            with wait_cursor():
                generate_demo(self.office, Actor.command_line(), **kwargs)
        except UserError as exc:
            QMessageBox.warning(self, tr("演示小区"), exc.message)
        finally:
            progress.close()
            progress.deleteLater()
