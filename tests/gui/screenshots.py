"""Render the first screens offscreen into docs/screenshots/ (run by hand, not a test).

QT_QPA_PLATFORM=offscreen PYTHONPATH=. python tests/gui/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.ui.app import create_app
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.start import CreateOfficeDialog, UnlockDialog

PASSPHRASE = "阳光花园 2026 管理处"
FAST_N = 2**12
BUILDINGS = [("1", 2, 18, 2), ("2", 2, 18, 2), ("3", 1, 11, 4), ("5", 0, 6, 2), ("10", 3, 26, 2)]
RESIDENTS = [
    ("1栋1单元101", "张伟", "13800138000"),
    ("1栋1单元102", "李娜", "13912345678"),
    ("3栋1单元1103", "王芳", "13711112222"),
]


def save(widget: QWidget, out: Path, name: str) -> None:
    """Show the widget, let it lay out, and save what it draws."""
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    target = out / f"{name}.png"
    widget.grab().save(str(target))
    print(target)


def type_into(form: QWidget, values: dict[str, str]) -> None:
    """Fill line edits by name."""
    for name, text in values.items():
        form.findChild(QLineEdit, name).setText(text)


def main(out: Path) -> int:
    """Render every start screen and the main window."""
    out.mkdir(parents=True, exist_ok=True)
    create_app(["wuyedesk-screenshots"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "office.wuye"
        create = CreateOfficeDialog(path, passphrase_n=FAST_N)
        values = {
            "office_name": "阳光花园物业管理处",
            "estate_name": "阳光花园",
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE,
            "director_name": "王建国",
            "director_pin": "1357",
            "director_pin_again": "1375",
        }
        type_into(create.form, values)
        save(create, out, "create_office")
        create.create()  # the PINs differ: the messages appear beside the fields
        save(create, out, "create_office_errors")
        type_into(create.form, {"director_pin_again": "1357"})
        create.create()
        assert create.recovery_dialog is not None and create.office is not None
        save(create.recovery_dialog, out, "recovery_key")
        create.recovery_dialog.saved_box.setChecked(True)
        create.recovery_dialog.accept()
        office = create.office

        unlock = UnlockDialog(path)
        save(unlock, out, "unlock")
        type_into(unlock.form, {"passphrase": "wrong passphrase"})
        unlock.unlock()
        save(unlock, out, "unlock_error")
        unlock.toggle_recovery()
        save(unlock, out, "unlock_recovery")
        unlock.reject()

        actor = Actor.command_line()
        for label, entrances, floors, per_floor in BUILDINGS:
            add_building(
                office, actor, label, entrances=entrances, floors=floors, units_per_floor=per_floor
            )
        _add_residents(office, actor)
        window = MainWindow(office)
        window.resize(960, 520)
        save(window, out, "main_window")
        window.close()
        office.close()
    return 0


def _add_residents(office, actor: Actor) -> None:
    try:
        from wuyedesk.services.residents import add_resident

        for unit, name, phone in RESIDENTS:
            add_resident(office, actor, unit, {"name": name, "role": "owner", "phone": phone})
    except Exception as exc:  # a picture without residents is still worth having
        print(f"residents skipped: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
