"""Keep the translation files current: find every visible string, write the `.ts`, build `.qm`.

    python -m wuyedesk.i18n_catalog update   # add new strings to each .ts (unfinished), drop gone
    python -m wuyedesk.i18n_catalog merge en FILE.json   # fill translations {source: text}
    python -m wuyedesk.i18n_catalog check    # what a test checks: exit 1 and list the problems
    python -m wuyedesk.i18n_catalog release  # compile each .ts to .qm (Qt's lrelease)

Visible strings are found in three places: the first argument of `tr()` in the Python code,
the `<string>`s of the `.ui` forms (context = the form's class, as Qt's form loader asks),
and the Chinese values of the layout files in `reports/` (slips and workbooks). A Chinese
literal in the code that is not inside `tr()` is a problem unless it is a docstring, a log
line, a regular expression or SQL, or its statement is marked `# i18n: data` (data the
program reads or stores, such as the words of a typed unit code or an import's column names).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from wuyedesk.i18n import CONTEXT, LANGUAGES, has_chinese

ROOT = Path(__file__).resolve().parent.parent
TARGETS = tuple(lang for lang in LANGUAGES if lang != "zh_CN")
DATA_MARK = "# i18n: data"
NOT_CODE = {"wuyedesk/i18n.py", "wuyedesk/i18n_catalog.py"}  # speak about strings, show none
DATA_FILES = {"wuyedesk/domain/demo_names.py"}  # Chinese names for the Chinese demo estate
WRAPPERS = {"tr", "N_"}  # N_ marks data shown later through tr(value)
QUIET_OWNERS = {"log", "logger", "logging", "re"}  # log lines and regular expressions
QUIET_FUNCS = {"text"}  # SQL
LAYOUT_SKIP_KEYS = {"about"}  # notes for the people who edit the layouts
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}:!]*)[^{}]*\}(?!\})")


@dataclass(frozen=True)
class Message:
    """One string a person sees, where it was found first."""

    context: str
    source: str
    where: str


def _call_name(call: ast.Call) -> tuple[str | None, str | None]:
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name):
            return owner.id, func.attr
        if isinstance(owner, ast.Attribute):
            return owner.attr, func.attr
        return None, func.attr
    return None, None


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _marked(tree: ast.AST, lines: list[str]) -> set[int]:
    marks = {number for number, line in enumerate(lines, 1) if DATA_MARK in line}
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno in marks:
            found.update(id(inner) for inner in ast.walk(node))
    return found


def scan_python(path: Path, rel: str) -> tuple[list[Message], list[str]]:
    """Return the `tr()` strings of one module and its unwrapped Chinese literals."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    quiet = _docstrings(tree) | _marked(tree, text.splitlines())
    messages: list[Message] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        owner, name = _call_name(node)
        if name in WRAPPERS and owner is None:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                messages.append(Message(CONTEXT, first.value, f"{rel}:{node.lineno}"))
                quiet.add(id(first))
            elif first is not None:
                # tr(variable): the strings it receives are translated where they are made
                pass
            quiet.update(id(inner) for arg in node.args[1:] for inner in ast.walk(arg))
        elif owner in QUIET_OWNERS or (owner is None and name in QUIET_FUNCS):
            quiet.update(id(inner) for inner in ast.walk(node))
    loose: list[str] = []
    if rel in DATA_FILES:
        return messages, loose
    for node in ast.walk(tree):
        if id(node) in quiet:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if has_chinese(parts):
                loose.append(f"{rel}:{node.lineno}: f-string {parts[:30]!r}")
            quiet.update(id(v) for v in node.values)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and has_chinese(node.value)
        ):
            loose.append(f"{rel}:{node.lineno}: {node.value[:30]!r}")
    return sorted(messages, key=lambda m: int(m.where.rsplit(":", 1)[1])), loose


def scan_forms(folder: Path) -> Iterator[Message]:
    """Yield the strings of the `.ui` forms under their form's class name."""
    from defusedxml import ElementTree

    for path in sorted(folder.glob("*.ui")):
        root = ElementTree.parse(str(path)).getroot()
        context = root.findtext("class") or path.stem
        for node in root.iter("string"):
            if node.text and has_chinese(node.text) and node.get("notr") != "true":
                yield Message(context, node.text, f"forms/{path.name}")


def layout_strings(value: object, key: str | None = None) -> Iterator[str]:
    """Yield the Chinese strings of a layout (JSON) value, skipping editors' notes."""
    if key in LAYOUT_SKIP_KEYS:
        return
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from layout_strings(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from layout_strings(inner, key)
    elif isinstance(value, str) and has_chinese(value):
        yield value


def scan_layouts(folder: Path) -> Iterator[Message]:
    """Yield the strings of the slip and workbook layouts in `reports/`."""
    for path in sorted(folder.glob("*.json")):
        for source in layout_strings(json.loads(path.read_text(encoding="utf-8"))):
            yield Message(CONTEXT, source, f"reports/{path.name}")


def python_files(root: Path = ROOT) -> list[Path]:
    """Return the program's modules (migrations excluded: they show nothing)."""
    found = []
    for path in sorted((root / "wuyedesk").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in rel or rel in NOT_CODE:
            continue
        found.append(path)
    return found


def collect(root: Path = ROOT) -> tuple[list[Message], list[str]]:
    """Return every visible string (first place wins) and every unwrapped Chinese literal."""
    messages: list[Message] = []
    loose: list[str] = []
    for path in python_files(root):
        found, unwrapped = scan_python(path, path.relative_to(root).as_posix())
        messages.extend(found)
        loose.extend(unwrapped)
    messages.extend(scan_forms(root / "forms"))
    messages.extend(scan_layouts(root / "reports"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for message in messages:
        if (message.context, message.source) not in seen:
            seen.add((message.context, message.source))
            unique.append(message)
    return unique, loose


# -- the .ts file -----------------------------------------------------------------------------


def ts_path(language: str, root: Path = ROOT) -> Path:
    """Return the translation source of a language."""
    return root / "resources" / "i18n" / f"wuyedesk_{language}.ts"


def read_ts(path: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """Return (context, source) → (translation, finished) of a `.ts` file."""
    from defusedxml import ElementTree

    if not path.exists():
        return {}
    found: dict[tuple[str, str], tuple[str, bool]] = {}
    for context in ElementTree.parse(str(path)).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            node = message.find("translation")
            text = (node.text or "") if node is not None else ""
            finished = node is not None and node.get("type") is None and bool(text)
            found[(name, message.findtext("source") or "")] = (text, finished)
    return found


def write_ts(
    path: Path,
    language: str,
    messages: Iterable[Message],
    known: dict[tuple[str, str], tuple[str, bool]],
) -> None:
    """Write the `.ts` in Qt Linguist's format, grouped by context, without line numbers."""
    by_context: dict[str, list[Message]] = {}
    for message in messages:
        by_context.setdefault(message.context, []).append(message)
    same_source = {source: value for (_, source), value in known.items() if value[1]}
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{language}" sourcelanguage="zh_CN">',
    ]
    for context in sorted(by_context, key=lambda c: (c != CONTEXT, c)):
        out += ["<context>", f"    <name>{escape(context)}</name>"]
        for message in by_context[context]:
            text, finished = known.get((context, message.source)) or same_source.get(
                message.source, ("", False)
            )
            attr = "" if finished else ' type="unfinished"'
            out += [
                "    <message>",
                f"        <source>{escape(message.source)}</source>",
                f"        <translation{attr}>{escape(text)}</translation>",
                "    </message>",
            ]
        out.append("</context>")
    out.append("</TS>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def update(root: Path = ROOT) -> list[str]:
    """Rewrite each language's `.ts` from the code; return the unwrapped Chinese literals."""
    messages, loose = collect(root)
    for language in TARGETS:
        path = ts_path(language, root)
        write_ts(path, language, messages, read_ts(path))
    return loose


def merge(language: str, translations: dict[str, str], root: Path = ROOT) -> int:
    """Fill translations given as {source: text} (every context); return how many were set."""
    path = ts_path(language, root)
    known = read_ts(path)
    messages, _ = collect(root)
    count = 0
    for message in messages:
        text = translations.get(message.source)
        if text:
            known[(message.context, message.source)] = (text, True)
            count += 1
    write_ts(path, language, messages, known)
    return count


def placeholders(text: str) -> list[str]:
    """Return the sorted `{…}` placeholder names of a format string (`{{` is not one)."""
    return sorted(_PLACEHOLDER.findall(text))


def check(root: Path = ROOT) -> list[str]:
    """Return every problem a release would ship: unwrapped, untranslated, mistranslated."""
    messages, loose = collect(root)
    problems = [f"not through tr(): {where}" for where in loose]
    for language in TARGETS:
        known = read_ts(ts_path(language, root))
        for message in messages:
            text, finished = known.get((message.context, message.source), ("", False))
            label = f"{language}: {message.where}: {message.source[:40]!r}"
            if not finished:
                problems.append(f"{label} has no finished translation")
            elif has_chinese(text):
                problems.append(f"{label} translation still holds Chinese: {text[:40]!r}")
            elif placeholders(text) != placeholders(message.source):
                problems.append(f"{label} placeholders differ: {text[:60]!r}")
    return problems


# -- compiled .qm -----------------------------------------------------------------------------


def lrelease() -> str:
    """Return Qt's lrelease (PySide6's wrapper in this venv, or one on PATH)."""
    beside = Path(sys.executable).parent / "pyside6-lrelease"
    found = str(beside) if beside.exists() else shutil.which("pyside6-lrelease")
    found = found or shutil.which("lrelease")
    if not found:
        raise RuntimeError("lrelease not found: install PySide6-Essentials in this venv")
    return found


def compile_qm(ts: Path, qm: Path) -> None:
    """Compile one `.ts` into `.qm` (unfinished messages are left out)."""
    subprocess.run(
        [lrelease(), "-silent", "-nounfinished", str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )


def release(root: Path = ROOT) -> list[Path]:
    """Compile each language's `.ts` beside it; return the `.qm` files."""
    built = []
    for language in TARGETS:
        ts = ts_path(language, root)
        qm = ts.with_suffix(".qm")
        compile_qm(ts, qm)
        built.append(qm)
    return built


def stale_qm(root: Path = ROOT) -> list[str]:
    """Return the `.qm` files that differ from a fresh compile of their `.ts`."""
    stale = []
    with tempfile.TemporaryDirectory() as folder:
        for language in TARGETS:
            ts = ts_path(language, root)
            fresh = Path(folder) / f"{language}.qm"
            compile_qm(ts, fresh)
            shipped = ts.with_suffix(".qm")
            if not shipped.exists() or shipped.read_bytes() != fresh.read_bytes():
                stale.append(shipped.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Run one of update / merge / check / release."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    if command == "update":
        loose = update()
        for where in loose:
            print(f"not through tr(): {where}")
        release()
        return 1 if loose else 0
    if command == "merge" and len(args) == 3:
        data = json.loads(Path(args[2]).read_text(encoding="utf-8"))
        print(f"{merge(args[1], data)} translations set")
        release()
        return 0
    if command == "release":
        for qm in release():
            print(qm)
        return 0
    if command == "check":
        problems = check() + [f"stale: {name}" for name in stale_qm()]
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problems")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
