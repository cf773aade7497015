"""The installer files: the Inno Setup script's promises, the icons, the Linux desktop files.

Fast and offline; the built program itself is tested by tests/dist (make dist).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import uuid
import xml.etree.ElementTree as ET
from configparser import RawConfigParser
from pathlib import Path

import pytest

from wuyedesk import __version__

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
ISS = INSTALLER / "wuyedesk.iss"
ICONS = ROOT / "resources" / "icons"
DESKTOP = INSTALLER / "linux" / "cn.wuyedesk.WuyeDesk.desktop"
METAINFO = INSTALLER / "linux" / "cn.wuyedesk.WuyeDesk.metainfo.xml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Folders of the user's data (the office file lives in {userappdata}\wuyedesk).
USER_DATA = ("{userappdata}", "{localappdata}", "{commonappdata}", "{userdocs}", "{%APPDATA")


def _sections(text: str) -> dict[str, list[str]]:
    """Return the script's sections: name (lower case) → its lines, without comments and
    preprocessor lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#", "//")):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1).lower()
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _setup(sections: dict[str, list[str]]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections["setup"])


def _params(line: str) -> dict[str, str]:
    """Parse an entry line `Name: "x"; Filename: "y"; Flags: a b` into a dict."""
    params = {}
    for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
        key, value = part
        params[key.lower()] = value.strip().strip('"')
    return params


@pytest.fixture(scope="module")
def iss() -> str:
    raw = ISS.read_bytes()
    # Inno Setup reads a UTF-8 script with a byte-order mark; without it the Chinese
    # program name would be read in the PC's ANSI code page.
    assert raw.startswith(b"\xef\xbb\xbf"), "wuyedesk.iss must be saved as UTF-8 with a BOM"
    return raw.decode("utf-8-sig")


def test_iss_setup_facts(iss: str) -> None:
    setup = _setup(_sections(iss))
    found = re.fullmatch(r"\{\{([0-9A-Fa-f-]{36})\}", setup["AppId"])
    assert found, f"AppId must be a fixed GUID written {{{{GUID}}: {setup['AppId']}"
    assert str(uuid.UUID(found.group(1))).upper() == found.group(1).upper()
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["DefaultDirName"] == r"{autopf}\wuyedesk"
    assert setup["UsePreviousAppDir"] == "yes"
    assert "物业管理处桌面 wuyedesk" in iss
    assert setup["AppName"] == "{#AppName}"
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["SourceDir"] == ".."  # the paths below are relative to the checkout
    icon = setup["SetupIconFile"]
    assert icon == r"resources\icons\wuyedesk.ico"
    assert (ROOT / icon.replace("\\", "/")).is_file()
    assert setup["UninstallDisplayIcon"] == r"{app}\{#AppExe}"
    assert re.search(r'^#define AppExe "wuyedesk\.exe"$', iss, re.MULTILINE)


def test_iss_version_defaults_to_the_package_version(iss: str) -> None:
    # The preprocessor takes the line of wuyedesk\__init__.py that starts with __version__
    # and strips `=`, quotes and blanks; /DAppVersion=… overrides it.
    assert "#ifndef AppVersion" in iss
    assert r"..\wuyedesk\__init__.py" in iss
    assert 'Pos("__version__", FileLine) == 1' in iss
    lines = (ROOT / "wuyedesk" / "__init__.py").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if line.startswith("__version__")]
    assert len(chosen) == 1
    value = chosen[0].split("=", 1)[1].replace('"', "").replace("'", "").strip()
    assert value == __version__


def test_iss_files_icons_and_tasks(iss: str) -> None:
    sections = _sections(iss)
    files = [_params(line) for line in sections["files"]]
    assert [f["source"] for f in files] == [r"dist\wuyedesk\*"]
    assert {"recursesubdirs", "createallsubdirs"} <= set(files[0]["flags"].split())
    assert files[0]["destdir"] == "{app}"

    tasks = {p["name"]: p for p in map(_params, sections["tasks"])}
    assert "desktopicon" in tasks
    assert "unchecked" not in tasks["desktopicon"].get("flags", ""), "desktop icon: checked"

    icons = [_params(line) for line in sections["icons"]]
    start_menu = [i for i in icons if i["name"].startswith("{group}\\")]
    assert any(i["filename"] == r"{app}\{#AppExe}" for i in start_menu)
    desktop = [i for i in icons if i["name"].startswith("{autodesktop}\\")]
    assert desktop, "no desktop icon"
    assert all(i.get("tasks") == "desktopicon" for i in desktop)

    languages = [_params(line) for line in sections["languages"]]
    assert {"name": "english", "messagesfile": "compiler:Default.isl"} in languages


def test_iss_never_deletes_user_data(iss: str) -> None:
    sections = _sections(iss)
    for name in ("installdelete", "uninstalldelete"):
        for line in sections.get(name, []):
            lowered = line.lower()
            assert not any(folder.lower() in lowered for folder in USER_DATA), (
                f"[{name}] touches the user's data: {line}"
            )
            target = _params(line)["name"]
            assert target.startswith("{app}\\"), f"[{name}] deletes outside {{app}}: {line}"
    # Nothing in the whole script may name the user's data folder outside comments.
    for lines in sections.values():
        for line in lines:
            assert "{userappdata}" not in line.lower(), line
            assert "{localappdata}" not in line.lower(), line


def test_iss_runs_the_program_as_the_user(iss: str) -> None:
    # The set-up wizard creates the office file in the user's %APPDATA%: started by the
    # elevated installer it must run as the user who installed, not as the administrator.
    runs = [_params(line) for line in _sections(iss).get("run", [])]
    for run in runs:
        assert "runasoriginaluser" in run["flags"].split(), run


def _png_size(blob: bytes) -> tuple[int, int]:
    assert blob[:8] == PNG_SIGNATURE, "not a PNG"
    assert blob[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", blob[16:26])
    assert (depth, colour) == (8, 6), "icons are 8-bit RGBA PNGs"
    return width, height


def test_png_icons() -> None:
    for size in PNG_SIZES:
        path = ICONS / f"wuyedesk-{size}.png"
        assert _png_size(path.read_bytes()) == (size, size), path.name


def test_ico_lists_seven_png_sizes() -> None:
    data = (ICONS / "wuyedesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    sizes = []
    for index in range(count):
        entry = data[6 + 16 * index : 6 + 16 * (index + 1)]
        width, height, colours, zero, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", entry
        )
        side = width or 256
        assert (height or 256) == side
        assert (colours, zero, planes, bits) == (0, 0, 1, 32)
        assert offset + length <= len(data)
        assert _png_size(data[offset : offset + length]) == (side, side)
        sizes.append(side)
    assert sorted(sizes) == list(ICO_SIZES)


def test_svg_is_plain_shapes() -> None:
    root = ET.parse(ICONS / "wuyedesk.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 512 512"
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert not tags & {"text", "tspan", "font", "image", "foreignObject", "style"}, tags


def test_desktop_entry() -> None:
    entry = RawConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    keys = entry["Desktop Entry"]
    assert keys["Type"] == "Application"
    assert keys["Name"] == "wuyedesk"
    assert keys["Name[zh_CN]"] == "物业管理处桌面"
    assert keys["Comment"] and keys["Comment[zh_CN]"]
    assert keys["Exec"] == "wuyedesk"
    assert keys["Icon"] == "cn.wuyedesk.WuyeDesk"
    assert keys["Categories"] == "Office;"
    assert keys["Terminal"] == "false"


def test_metainfo() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == "cn.wuyedesk.WuyeDesk"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "LicenseRef-proprietary"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP.name
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    summaries = {s.get(lang): s.text for s in root.findall("summary")}
    assert summaries.get(None) and summaries.get("zh-CN"), summaries
    releases = root.findall("releases/release")
    assert releases, "no <release>"
    assert releases[0].get("version") == __version__, "the newest release is this version"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date") or "")
    assert root.find("content_rating") is not None


def _validate(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install desktop-file-utils appstream)")
    done = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{tool} {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def test_desktop_file_validates() -> None:
    _validate("desktop-file-validate", str(DESKTOP))


def test_metainfo_validates() -> None:
    _validate("appstreamcli", "validate", "--no-net", str(METAINFO))
