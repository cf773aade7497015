"""The desk on a PostgreSQL server: unlock, login, the tree and search, as on a file.

Runs where the test server answers (CI starts one); skipped with a reason elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from tests.conftest import PASSPHRASE
from tests.gui.test_desk import FakeCard, error_text, fill, log_in
from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office
from wuyedesk.services.places import add_building
from wuyedesk.services.residents import add_resident
from wuyedesk.store.location import ServerDb
from wuyedesk.ui.app import Desk


def test_a_desk_on_the_server_unlocks_logs_in_and_finds_by_phone_tail(
    qtbot, empty_server_db: ServerDb, tmp_path: Path
) -> None:
    office, _ = init_office(
        empty_server_db,
        PASSPHRASE,
        office_name="阳光花园管理处",
        estate_name="阳光花园",
        director_name="王主任",
        director_pin="1357",
        passphrase_n=2**12,
    )
    actor = Actor.command_line()
    add_building(office, actor, "1", entrances=2, floors=3, units_per_floor=2)
    add_resident(
        office, actor, "1栋1单元101", {"name": "张伟", "role": "owner", "phone": "13800138000"}
    )
    office.close()
    desk = Desk(empty_server_db, None, card_factory=FakeCard)
    desk.start()
    try:
        dialog = desk.unlock
        shown = dialog.form.findChild(QLabel, "office_path").text()
        assert str(empty_server_db) in shown and "wuyedesk:wuyedesk@" not in shown
        fill(dialog.form, {"passphrase": "wrong horse 12"})
        dialog.unlock()
        assert error_text(dialog.form, "passphrase") == "办公室密码不正确"
        fill(dialog.form, {"passphrase": PASSPHRASE})
        dialog.unlock()
        assert desk.office is not None and desk.office.is_server
        log_in(desk, "王主任", "1357")
        window = desk.window
        assert window is not None and window.isVisible()
        label = window.path_label.text()
        assert label.startswith("办公数据库：") and "***" in label and ":wuyedesk@" not in label
        window.search.setText("8000")  # a phone tail, found through its keyed hash
        window.run_search()
        assert window.results.count() == 1
        assert window.results.item(0).text().startswith("张伟")
        assert "13800138000" not in window.results.item(0).text()  # masked as on a file
        window.resize(1100, 700)
        # (docs/screenshots/server_desk.png is this picture)
        assert window.grab().save(str(tmp_path / "server_desk.png"))
    finally:
        desk.shutdown()
