"""Nothing leaked: no resident's name, phone or ID in plain text in any file the program writes.

A realistic day runs in a sandbox (its own HOME, XDG folders, TMPDIR and office folder):
the command line as real child processes (init, import, a wrong passphrase, backup,
restore, print, export, audit verify) and the services in this process (a
director's login, a resident's form kept as a draft, a resident revealed, a caller
registered with her phone, a printed slip, the monthly workbook) with the program's
loggers writing to a file. Then every file under the sandbox is searched for each
resident's name, phone and ID number, in UTF-8, UTF-16, GBK/GB18030 and as bare
digits, inside zip members (.xlsx) and in a PDF's text (pdftotext) too: once while two
processes hold the office file open (so its -wal and -shm exist) and once at the end.

Only the files the user asked for by name (the PDF and workbooks under `exports/`)
hold plain text, by design; the same search run over them must find the residents,
which proves the search can find what it looks for.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services import drafts, printing, residents
from wuyedesk.services import office as office_service
from wuyedesk.services import staff as staff_service
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.monthly_export import export_monthly
from wuyedesk.store import keys

# The bytes of every file the program writes beside the office file.
pytestmark = pytest.mark.file_only

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "leak test passphrase 7"
PIN = "2580"
UNIT = "3栋2单元1502"


def _id_ending_in_x() -> str:
    # One ID with the check character X, so the upper and lower case forms are searched too.
    for seq in range(1000):
        number = make_id_number("440305", date(1968, 11, 23), f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check character in a thousand sequence numbers")


# Rare names, numbers no other test uses: a hit cannot be a coincidence.
PEOPLE = [
    # unit, name, relation, phone, ID, emergency contact and phone
    (UNIT, "欧阳翠花", "业主", "13912340001", make_id_number("110105", date(1961, 3, 9), "417"),
     "欧阳铁柱", "13912340011"),
    (None, "司马秀兰", "配偶", "13912340002", _id_ending_in_x(), None, None),
    ("3栋1单元801", "上官雪梅", "租户", "13912340003",
     make_id_number("320106", date(1979, 8, 30), "262"), "诸葛红英", "13912340013"),
]  # fmt: skip
DRAFTED = ("皇甫玉兰", "13912340004", make_id_number("510104", date(1983, 2, 14), "349"))
HELD = ("端木桂芝", "13912340005", make_id_number("330106", date(1957, 6, 1), "125"))
CALLER = ("慕容秋菊", "13912340009")


def _secrets() -> dict[str, list[str]]:
    names = [p[1] for p in PEOPLE] + [p[5] for p in PEOPLE if p[5]]
    names += [DRAFTED[0], HELD[0], CALLER[0]]
    phones = [p[3] for p in PEOPLE] + [p[6] for p in PEOPLE if p[6]]
    phones += [DRAFTED[1], HELD[1], CALLER[1]]
    ids = [p[4] for p in PEOPLE] + [DRAFTED[2], HELD[2]]
    return {"name": names, "phone": phones, "id": ids}


SECRETS = _secrets()


# -- the search ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Needle:
    """One secret in one written form."""

    kind: str
    secret: str
    form: str
    data: bytes


def _needles() -> list[Needle]:
    found: list[Needle] = []

    def add(kind: str, secret: str, text: str) -> None:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "gbk", "gb18030"):
            data = text.encode(encoding)
            if not any(n.data == data for n in found):
                found.append(Needle(kind, secret, f"{encoding} {text!r}", data))

    for name in SECRETS["name"]:
        add("name", name, name)
    for phone in SECRETS["phone"]:
        for text in (
            phone,
            f"{phone[:3]} {phone[3:7]} {phone[7:]}",
            f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        ):
            add("phone", phone, text)
    for number in SECRETS["id"]:
        for text in (number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}"):
            add("id", number, text)
    return found


NEEDLES = _needles()
# Digits only: every non-digit byte dropped (this also catches UTF-16 and spaced-out forms).
DIGITS = [(k, s, re.sub(r"[^0-9]", "", s)[:17]) for k in ("phone", "id") for s in SECRETS[k]]
_NOT_DIGIT = re.compile(rb"[^0-9]")


@dataclass
class Scan:
    """What one walk over the sandbox read and found."""

    files: list[Path] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    bytes: int = 0
    hits: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # kind:secret found at least once

    def found(self, kind: str, secret: str) -> bool:
        return f"{kind}:{secret}" in self.seen


def _views(raw: bytes) -> Iterator[tuple[str, bytes]]:
    """The file's bytes, each zip member's bytes, and a PDF's extracted text."""
    yield "bytes", raw
    if raw.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for member in archive.namelist():
                    yield f"zip member {member}", archive.read(member)
        except zipfile.BadZipFile:
            pass
    if raw.startswith(b"%PDF") and shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=raw, capture_output=True, check=False
        ).stdout
        yield "pdf text", text
        yield "pdf text without spaces", re.sub(rb"\s+", b"", text)


def search(label: str, raw: bytes, scan: Scan) -> None:
    """Look for every needle in one file (or one captured output); note each hit."""
    scan.bytes += len(raw)
    for view, data in _views(raw):
        for needle in NEEDLES:
            if needle.data in data:
                scan.hits.append(f"{label} [{view}]: {needle.kind} {needle.form}")
                scan.seen.add(f"{needle.kind}:{needle.secret}")
        digits = _NOT_DIGIT.sub(b"", data).decode("ascii")
        for kind, secret, bare in DIGITS:
            if bare in digits:
                scan.hits.append(f"{label} [{view}]: {kind} as bare digits {bare}")
                scan.seen.add(f"{kind}:{secret}")


def scan_tree(root: Path, *, skip: Path | None = None) -> Scan:
    """Search every file under root (except the folder `skip`)."""
    scan = Scan()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or (skip is not None and path.is_relative_to(skip)):
            continue
        raw = path.read_bytes()
        scan.files.append(path)
        scan.sizes.append(len(raw))
        search(str(path.relative_to(root)), raw, scan)
    return scan


# -- the sandbox --------------------------------------------------------------------------------
@dataclass
class Sandbox:
    """The program's whole world for one test: its folders and its environment."""

    root: Path
    given: Path  # the office's own Excel list, which the user hands in (plain text, not ours)
    env: dict[str, str]
    outputs: list[tuple[str, bytes]] = field(default_factory=list)  # children's stdout/stderr

    @property
    def db(self) -> Path:
        return Path(self.env["WUYEDESK_DB"])

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def tmp(self) -> Path:
        return Path(self.env["TMPDIR"])

    def cli(self, *argv: str, ok: bool = True, **extra: str) -> str:
        """Run `python -m wuyedesk ...` as a child process; keep what it printed."""
        result = subprocess.run(
            [sys.executable, "-m", "wuyedesk", *argv],
            capture_output=True,
            env={**self.env, **extra},
            cwd=self.root,
            timeout=180,
            check=False,
        )
        self.outputs.append((f"stdout of wuyedesk {' '.join(argv)}", result.stdout))
        self.outputs.append((f"stderr of wuyedesk {' '.join(argv)}", result.stderr))
        out, err = result.stdout.decode(), result.stderr.decode()
        assert (result.returncode == 0) == ok, f"wuyedesk {argv}: {result.returncode}\n{out}{err}"
        return out


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    root = tmp_path / "sandbox"
    folders = {
        "HOME": root / "home",
        "XDG_DATA_HOME": root / "home" / ".local" / "share",
        "XDG_CONFIG_HOME": root / "home" / ".config",
        "XDG_CACHE_HOME": root / "home" / ".cache",
        "XDG_RUNTIME_DIR": root / "run",
        "TMPDIR": root / "tmp",
    }
    for folder in (*folders.values(), root / "office", root / "backups", root / "exports"):
        folder.mkdir(parents=True, exist_ok=True)
    (root / "run").chmod(0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WUYEDESK_", "XDG_"))}
    env.update({k: str(v) for k, v in folders.items()})
    env.update(
        {
            "WUYEDESK_DB": str(root / "office" / "office.wuye"),
            "WUYEDESK_PASSPHRASE": PASSPHRASE,
            "WUYEDESK_DIRECTOR_PIN": PIN,
            "PYTHONPATH": str(REPO),
            "PYTHONDONTWRITEBYTECODE": "1",
            "TEMP": str(folders["TMPDIR"]),
            "TMP": str(folders["TMPDIR"]),
        }
    )
    # This process works inside the sandbox too: its temporary files and its settings.
    for name, value in env.items():
        if name in folders or name in ("TEMP", "TMP"):
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", str(folders["TMPDIR"]))
    given = tmp_path / "given"
    given.mkdir()
    yield Sandbox(root, given, env)


def residents_sheet(folder: Path) -> Path:
    """The office's list as it arrives: title row, merged family unit, consent column."""
    book = Workbook()
    ws = book.active
    ws.title = "业主名单"
    ws.append(["锦绣花园业主名单"])
    ws.append(["房号", "姓名", "与业主关系", "手机", "身份证号码", "入住日期", "紧急联系人",
               "紧急联系电话", "同意对外提供"])  # fmt: skip
    for unit, name, relation, phone, number, emergency, emergency_phone in PEOPLE:
        ws.append([unit, name, relation, phone, number, "2019-05-01", emergency, emergency_phone,
                   "是"])  # fmt: skip
    ws.merge_cells("A3:A4")  # one unit code for the family, as the office's lists do
    path = folder / "锦绣花园业主名单.xlsx"
    book.save(path)
    return path


HOLD_OPEN = """
import json, os, sys
from pathlib import Path
from wuyedesk.services import drafts, office as office_service, staff
office = office_service.unlock(Path(os.environ["WUYEDESK_DB"]),
                               passphrase=os.environ["WUYEDESK_PASSPHRASE"])
director = next(s for s in staff.list_staff(office) if s.role.value == "director")
actor = staff.login(office, director.id, os.environ["WUYEDESK_DIRECTOR_PIN"])
drafts.save_draft(office, actor, "resident", "new:" + sys.argv[1], json.loads(sys.argv[2]))
print("READY", flush=True)
sys.stdin.readline()
office.close()
print("CLOSED", flush=True)
"""


def _report(title: str, scan: Scan) -> None:
    print(f"\n{title}: {len(scan.files)} files, {scan.bytes:,} bytes searched")
    for path, size in zip(scan.files, scan.sizes, strict=True):
        print(f"    {size:>10,}  {path}")


def test_no_resident_data_in_any_file_the_program_writes(sandbox: Sandbox) -> None:
    sheet = residents_sheet(sandbox.given)
    today = datetime.now(OFFICE_TZ).date()
    month = f"{today:%Y-%m}"

    # -- morning: set up, import the office's list, a mistyped passphrase -------------------
    sandbox.cli(
        "init", "--office-name", "锦绣花园管理处", "--estate", "锦绣花园", "--director", "王建国"
    )
    out = sandbox.cli("import", "residents", str(sheet))
    assert "已导入 3 人" in out
    sandbox.cli("check", ok=False, WUYEDESK_PASSPHRASE="not the passphrase 1")

    # -- the desk, in this process: login, a draft, a reveal, a caller, a slip ---------------
    program_log = sandbox.root / "logs" / "wuyedesk.log"
    program_log.parent.mkdir()
    handler = logging.FileHandler(program_log, encoding="utf-8")
    logger = logging.getLogger("wuyedesk")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    office = office_service.unlock(sandbox.db, passphrase=PASSPHRASE)
    try:
        director = next(s for s in staff_service.list_staff(office) if s.role.value == "director")
        actor = staff_service.login(office, director.id, PIN)
        name, phone, number = DRAFTED
        drafts.save_draft(
            office,
            actor,
            "resident",
            f"new:{UNIT}",
            {"unit": UNIT, "name": name, "role": "family", "phone": phone, "id_number": number,
             "moved_in": date(2024, 3, 15), "habits": f"{name}的女儿，电话 {phone}"},
        )  # fmt: skip
        assert drafts.drafts_of(office, actor)[0].data["id_number"] == number
        (found,) = residents.search_residents(office, actor, PEOPLE[0][1])
        assert found.masked and found.phone != PEOPLE[0][3]
        shown = residents.reveal_resident(office, actor, found.id)
        assert (shown.phone, shown.id_number) == (PEOPLE[0][3], PEOPLE[0][4])
        call = record_contact(
            office,
            actor,
            {"method": "call", "unit": UNIT, "caller_name": CALLER[0], "phone": CALLER[1],
             "kind": "enquiry", "content": f"替{PEOPLE[0][1]}询问快递，回电 {CALLER[1]}"},
        )  # fmt: skip
        printing.print_record(office, actor, call.number, sandbox.exports / "来电登记.pdf")

        # -- mid-session: another desk holds the file open too; search everything now -------
        held = subprocess.Popen(
            [sys.executable, "-c", HOLD_OPEN, "3栋1单元801", json.dumps(
                {"name": HELD[0], "phone": HELD[1], "id_number": HELD[2], "role": "tenant"},
                ensure_ascii=False)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=sandbox.env,
            cwd=sandbox.root,
        )  # fmt: skip
        try:
            assert held.stdout is not None and held.stdout.readline().strip() == b"READY"
            wal, shm = Path(f"{sandbox.db}-wal"), Path(f"{sandbox.db}-shm")
            assert wal.stat().st_size > 0 and shm.exists(), "the office should be open in WAL"
            during = scan_tree(sandbox.root, skip=sandbox.exports)
            assert {sandbox.db, wal, shm, keys.key_path(sandbox.db)} <= set(during.files)
        finally:
            rest, err = held.communicate(b"\n", timeout=60)
        sandbox.outputs += [("stdout of the desk that held the file", rest)]
        sandbox.outputs += [("stderr of the desk that held the file", err)]
        assert held.returncode == 0 and rest.strip() == b"CLOSED", err.decode()

        result = export_monthly(office, actor, month, sandbox.exports / "月度报表.xlsx", full=True)
        assert result.path == sandbox.exports / "月度报表.xlsx"
    finally:
        office.close()
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()

    # -- afternoon: backup, restore, print, export, checks ------------------------------------
    backup = sandbox.root / "backups" / f"office-{today:%Y%m%d}.wuye"
    sandbox.cli("backup", str(backup))
    sandbox.cli("restore", str(backup))
    day_before, day_after = today - timedelta(days=1), today + timedelta(days=1)
    register = sandbox.exports / "登记表.pdf"
    sandbox.cli(
        "print", "register", "--from", f"{day_before}", "--to", f"{day_after}", "-o", str(register)
    )
    workbook = sandbox.exports / "月度报表-命令行.xlsx"
    sandbox.cli("export", "monthly", "--month", month, "--full", "-o", str(workbook))
    assert "哈希链无断裂" in sandbox.cli("audit", "verify")

    # -- evening: nothing anywhere but in the files asked for ---------------------------------
    after = scan_tree(sandbox.root, skip=sandbox.exports)
    names = {p.name for p in after.files}
    assert backup in after.files and keys.key_path(backup) in after.files
    assert any(n.startswith("office.wuye.before-restore-") for n in names), names
    assert program_log in after.files
    printed = Scan()
    for label, data in sandbox.outputs:
        search(label, data, printed)
    _report("while two desks held the office file open", during)
    _report("at the end of the day", after)
    print(f"console output of {len(sandbox.outputs) // 2} runs: {printed.bytes:,} bytes searched")
    leaks = during.hits + after.hits + printed.hits
    assert leaks == [], "plain text found:\n" + "\n".join(leaks)

    # No temporary file is left behind, in the temporary folder or beside a target.
    assert sorted(p.name for p in sandbox.exports.iterdir()) == sorted(
        ["来电登记.pdf", "月度报表.xlsx", "登记表.pdf", "月度报表-命令行.xlsx"]
    )
    assert [p for p in sandbox.tmp.rglob("*") if p.is_file()] == []
    assert [p.name for p in sandbox.given.iterdir()] == [sheet.name]

    # The same search does find the residents where they are meant to be in plain text.
    wanted = scan_tree(sandbox.exports)
    for kind in ("name", "phone", "id"):
        for secret in SECRETS[kind][:3]:
            assert wanted.found(kind, secret), f"the search missed {kind} {secret} in the exports"
    proof = Scan()
    search("workbook", workbook.read_bytes(), proof)
    assert all(proof.found(k, s) for k, s in (("name", PEOPLE[0][1]), ("phone", PEOPLE[0][3]),
                                                 ("id", PEOPLE[1][4])))  # fmt: skip
    if shutil.which("pdftotext"):
        proof = Scan()
        search("register", register.read_bytes(), proof)
        assert proof.found("name", CALLER[0]), proof.hits


def test_a_print_preview_leaves_no_plain_text_in_the_temporary_folder(
    sandbox: Sandbox, qtbot
) -> None:
    from tests.conftest import make_office
    from wuyedesk.services.places import add_building
    from wuyedesk.ui.register import RegisterWindow

    office, _ = make_office(sandbox.db)
    try:
        director = next(s for s in staff_service.list_staff(office) if s.role.value == "director")
        actor = staff_service.login(office, director.id, "1357")
        add_building(office, actor, "3", entrances=2, floors=16, units_per_floor=2)
        _, name, _, phone, number, _, _ = PEOPLE[0]
        residents.add_resident(
            office,
            actor,
            UNIT,
            {"name": name, "role": "owner", "phone": phone, "id_number": number},
        )
        record_contact(
            office,
            actor,
            {"method": "call", "unit": UNIT, "caller_name": CALLER[0], "phone": CALLER[1],
             "kind": "enquiry", "content": f"替{name}询问快递"},
        )  # fmt: skip
        window = RegisterWindow(office, actor)
        qtbot.addWidget(window)
        window.show()
        pdf = window.print_register()
        assert pdf is not None and window.preview is not None
        proof = Scan()
        search("the preview's PDF", pdf.read_bytes(), proof)
        assert proof.found("name", CALLER[0])  # what is printed is plain text, as it must be
        window.preview.close()  # the preview is closed: printed, or not wanted
        window.close()
        qtbot.wait(50)
    finally:
        office.close()
    left = scan_tree(sandbox.tmp)
    assert left.hits == [], "\n".join(left.hits)
