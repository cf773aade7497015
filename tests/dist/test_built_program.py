"""Smoke test of the BUILT program (dist/wuyedesk/), run as a user would run it.

Not part of the default `pytest` run (testpaths are tests/unit and tests/gui):
`make dist` builds the program and then runs this; `make dist-smoke` runs only this.
WUYEDESK_DIST=path/to/wuyedesk[-cli.exe] tests another build.

Every command runs the frozen executable as a subprocess in a temporary folder, with a
temporary HOME/XDG_DATA_HOME/APPDATA, offscreen, with nothing of the checkout on its path:
what it needs must have travelled into dist/wuyedesk/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = sys.platform == "win32"
# On Windows wuyedesk.exe opens no console (its output goes nowhere); wuyedesk-cli.exe is
# the same program with one.
DEFAULT_EXE = ROOT / "dist" / "wuyedesk" / ("wuyedesk-cli.exe" if WINDOWS else "wuyedesk")
PASSPHRASE = "smoke test passphrase 2026"
PIN = "246810"
SLIP_NUMBER = re.compile(r"^(?:WX|YC)-\d{4}-\d{6}$")
MONTH = re.compile(r"\b(\d{4}-\d{2})-\d{2}\b")
TIMEOUT = 300  # seconds per command: the first start of a cold build is slow on a busy PC


def _exe() -> Path:
    return Path(os.environ.get("WUYEDESK_DIST") or DEFAULT_EXE).resolve()


def _version_in_source() -> str:
    text = (ROOT / "wuyedesk" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    assert found, "wuyedesk/__init__.py has no __version__"
    return found.group(1)


@dataclass
class Built:
    """The built program and the temporary world it runs in."""

    exe: Path
    internal: Path  # the one-folder build's _internal/
    work: Path  # the current folder of every command
    env: dict[str, str]
    office: Path

    def run(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.exe), *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == expect, (
            f"`wuyedesk {' '.join(args)}` exited {done.returncode} (expected {expect})\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
        return done

    def office_run(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        return self.run("--db", str(self.office), *args, expect=expect)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    exe = _exe()
    if not exe.is_file():
        pytest.fail(f"no built program at {exe}: run `make dist` (or set WUYEDESK_DIST)")
    work = tmp_path_factory.mktemp("dist-smoke")
    home = work / "home"
    data = work / "data"
    home.mkdir()
    data.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        # nothing of this checkout, this venv, the developer's office or session keyring
        if not name.startswith(("WUYEDESK_", "PYTHON", "QT_", "DBUS_"))
        and name not in ("VIRTUAL_ENV", "LD_LIBRARY_PATH")
    }
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        XDG_DATA_HOME=str(data),
        XDG_CONFIG_HOME=str(home / ".config"),
        APPDATA=str(data),
        LOCALAPPDATA=str(data),
        QT_QPA_PLATFORM="offscreen",
        WUYEDESK_LANG="zh_CN",
        WUYEDESK_PASSPHRASE=PASSPHRASE,
        WUYEDESK_DIRECTOR_PIN=PIN,
    )
    return Built(exe, exe.parent / "_internal", work, env, work / "office.wuye")


@pytest.fixture(scope="module")
def demo_office(built: Built) -> Built:
    """An office file made by the built program: init, then a 40-household demo estate."""
    done = built.office_run("init", "--office-name", "冒烟测试管理处", "--estate", "测试小区")
    assert built.office.is_file(), done.stdout
    assert Path(f"{built.office}.keys").is_file(), "init wrote no key file beside the office"
    built.office_run("demo", "--households", "40")
    return built


def test_version_is_the_source_version(built: Built) -> None:
    done = built.run("--version")
    assert done.stdout.strip() == f"wuyedesk {_version_in_source()}"


def test_init_demo_check(demo_office: Built) -> None:
    from wuyedesk.store.schema import head_revision

    done = demo_office.office_run("check")
    # The newest revision proves Alembic found and ran every migration script in the build.
    assert head_revision() in done.stdout, done.stdout
    # A wrong passphrase must be refused, not crash (exit 1 with one line on stderr).
    wrong = dict(demo_office.env, WUYEDESK_PASSPHRASE="not the passphrase")
    refused = subprocess.run(
        [str(demo_office.exe), "--db", str(demo_office.office), "check"],
        cwd=demo_office.work,
        env=wrong,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        check=False,
    )
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr


def test_server_driver_travelled(built: Built) -> None:
    """An unreachable PostgreSQL server is a plain refusal (exit 1, one line), not a missing
    driver: SQLAlchemy's psycopg dialect and psycopg's binary build are in the program."""
    assert list((built.internal / "psycopg_binary").glob("*psycopg*")), "psycopg_binary missing"
    url = "postgresql+psycopg://smoke:smoke@127.0.0.1:1/nowhere"
    done = built.run("--db", url, "check", expect=1)
    assert done.stderr.startswith("wuyedesk: "), done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr


def _repairs(office: Built) -> list[list[str]]:
    lines = office.office_run("list", "repairs").stdout.splitlines()
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    assert rows, "the demo estate has no repair slips:\n" + "\n".join(lines)
    return rows


def _pdffonts(pdf: Path) -> list[list[str]]:
    """Return pdffonts' rows: name, type…, emb, sub, uni, object, generation (split on blanks)."""
    done = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    )
    return [line.split() for line in done.stdout.splitlines()[2:] if line.strip()]


def test_print_slip_embeds_a_cjk_font(demo_office: Built) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    from reportlab.pdfbase.ttfonts import TTFont

    from wuyedesk.reports.fonts import find_font_file

    number = next(row[0] for row in _repairs(demo_office) if SLIP_NUMBER.match(row[0]))
    pdf = demo_office.work / "slip.pdf"
    demo_office.office_run("print", number, "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-"), "print wrote no PDF"
    rows = _pdffonts(pdf)
    embedded = [row for row in rows if row[-5] == "yes"]
    assert embedded, f"no embedded font in the slip: {rows}"
    assert not any(row[0].startswith("STSong") for row in rows), (
        f"the slip fell back to the unembedded STSong-Light: {rows}"
    )
    # The embedded font is this machine's Chinese font, the one the program looks for.
    font_file = find_font_file()
    assert font_file is not None, "this machine has no Chinese TrueType font to compare with"
    face = TTFont("SmokeCJK", str(font_file), subfontIndex=0).face.name
    name = face.decode() if isinstance(face, bytes) else str(face)
    # reportlab names its subsets AAAAAA+<PostScript name>-<subset number>
    subset = re.compile(rf"^[A-Z]{{6}}\+{re.escape(name)}(-\d+)?$")
    assert any(subset.match(row[0]) for row in embedded), (
        f"{name} ({font_file}) is not embedded in the slip: {rows}"
    )


def test_export_monthly_opens_in_openpyxl(demo_office: Built) -> None:
    import openpyxl

    months = Counter(
        found.group(1) for row in _repairs(demo_office) for found in [MONTH.search(row[1])] if found
    )
    month = months.most_common(1)[0][0]
    out = demo_office.work / "monthly.xlsx"
    demo_office.office_run("export", "monthly", "--month", month, "-o", str(out))
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert len(book.sheetnames) >= 2, book.sheetnames
        filled = [ws.title for ws in book.worksheets if (ws.max_row or 0) > 1]
        assert filled, f"every sheet of {month}'s workbook is empty: {book.sheetnames}"
    finally:
        book.close()


def test_data_folders_travelled(built: Built) -> None:
    """forms/, reports/ and resources/ sit where wuyedesk/paths.py:data_dir() looks first,
    file for file; Alembic's scripts sit beside the frozen wuyedesk.store package."""
    data = built.internal / "wuyedesk" / "_data"
    assert (data / "resources").is_dir(), f"{data / 'resources'} is missing"
    for name in ("forms", "reports", "resources"):
        source = ROOT / name
        wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
        have = {p.relative_to(data / name) for p in (data / name).rglob("*") if p.is_file()}
        assert wanted, f"{source} is empty"
        assert wanted <= have, f"missing from the build's {name}/: {sorted(wanted - have)}"
    assert (data / "resources" / "icons" / "wuyedesk.svg").is_file()
    migrations = built.internal / "wuyedesk" / "store" / "migrations"
    source = ROOT / "wuyedesk" / "store" / "migrations"
    for path in [source / "env.py", source / "script.py.mako", *source.glob("versions/*.py")]:
        assert (migrations / path.relative_to(source)).is_file(), f"{path.name} not in the build"


def test_qt_plugins_and_modules_travelled(built: Built) -> None:
    pyside = built.internal / "PySide6"
    plugins = pyside / "Qt" / "plugins"
    if WINDOWS:
        wanted = ["platforms/qoffscreen.dll", "platforms/qwindows.dll", "iconengines/qsvgicon.dll"]
    elif sys.platform == "darwin":
        wanted = ["platforms/libqoffscreen.dylib", "platforms/libqcocoa.dylib"]
    else:
        wanted = [
            "platforms/libqoffscreen.so",
            "platforms/libqxcb.so",
            "iconengines/libqsvgicon.so",
            "imageformats/libqsvg.so",
        ]
    missing = [name for name in wanted if not (plugins / name).is_file()]
    assert not missing, f"Qt plugins missing from {plugins}: {missing}"
    suffix = ".pyd" if WINDOWS else ".abi3.so"
    modules = ["QtCore", "QtGui", "QtWidgets", "QtSvg", "QtPdf", "QtPdfWidgets"]
    modules += ["QtCharts", "QtUiTools", "QtPrintSupport"]
    missing = [m for m in modules if not list(pyside.glob(f"{m}*{suffix}"))]
    assert not missing, f"PySide6 modules missing from {pyside}: {missing}"


def test_no_broken_links(built: Built) -> None:
    """Every symbolic link in the build points at a file of the build."""
    broken = [p for p in built.exe.parent.rglob("*") if p.is_symlink() and not p.exists()]
    assert not broken, f"broken links in the build: {broken}"


def test_window_opens_offscreen(demo_office: Built) -> None:
    """With no command the program opens its window (offscreen here) and keeps running:
    a missing platform plugin or a broken import ends it at once."""
    process = subprocess.Popen(
        [str(demo_office.exe), "--db", str(demo_office.office)],
        cwd=demo_office.work,
        env=demo_office.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    try:
        for _ in range(80):  # 8 seconds
            if process.poll() is not None:
                break
            time.sleep(0.1)
        running = process.poll() is None
    finally:
        process.terminate()
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert running, f"the window closed by itself (exit {process.returncode}):\n{out}\n{err}"
    assert "Traceback" not in err, err
    assert "Could not load the Qt platform plugin" not in err, err


_CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def test_english_travelled(demo_office: Built) -> None:
    """The translations are in the build: English help and an English slip, no Chinese."""
    english = dict(demo_office.env, WUYEDESK_LANG="en")
    done = subprocess.run(
        [str(demo_office.exe), "--help"], cwd=demo_office.work, env=english,
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "print" in done.stdout and not _CHINESE.search(done.stdout), done.stdout
    chinese = demo_office.run("--help").stdout
    assert _CHINESE.search(chinese), "the Chinese build's help should be Chinese"
    if shutil.which("pdftotext") is None:
        return
    number = next(row[0] for row in _repairs(demo_office) if SLIP_NUMBER.match(row[0]))
    pdf = demo_office.work / "slip-en.pdf"
    printed = subprocess.run(
        [str(demo_office.exe), "--db", str(demo_office.office), "print", number, "-o", str(pdf)],
        cwd=demo_office.work, env=english, capture_output=True, text=True, timeout=TIMEOUT,
        check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Repair" in text or "Paid" in text, text[:400]
    labels = [line for line in text.splitlines() if "Reported at" in line]
    assert labels and not _CHINESE.search(labels[0]), text[:600]
