"""`wuyedesk print repairs` (a date range's slips in one PDF) and `wuyedesk demo --years`."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import FAST_N, PASSPHRASE, db_arg, open_copy
from tests.unit.test_batch_printing import _open
from wuyedesk.cli import main
from wuyedesk.services.context import Actor
from wuyedesk.store import keys


def _page_count(pdf: Path) -> int:
    """Return the PDF's pages: pdfinfo's count, or the page objects when poppler is missing."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        [pages] = re.findall(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
        return int(pages)
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def _texts(pdf: Path) -> list[str] | None:
    """Return each page's text without white space, or None without pdftotext."""
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    return [re.sub(r"\s+", "", page) for page in out.stdout.split("\f")[:-1]]


@pytest.fixture
def slips(
    staffed_template: tuple[Path, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, list[str]]:
    """An office with free slips reported Monday to Wednesday and a paid one on Tuesday."""
    from sqlalchemy import select

    from tests.unit.conftest import STAFF
    from wuyedesk.store.models import Staff

    office = open_copy(staffed_template, tmp_path)
    try:
        with office.transaction() as session:
            rows = {s.name: s for s in session.scalars(select(Staff))}
        who = {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}
        made = {
            "free": [_open(office, who, day) for day in range(3)],
            "paid": [_open(office, who, 1, kind="paid")],
        }
    finally:
        office.close()
    monkeypatch.setenv("WUYEDESK_DB", db_arg(tmp_path / "office.wuye"))
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    return made


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str], message: str) -> None:
    assert main(argv) == 1, argv
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and message in captured.err, (argv, captured.err)
    assert captured.err.startswith("wuyedesk: ")


def test_print_repairs_puts_a_ranges_slips_of_one_kind_in_one_pdf(
    slips: dict[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    free = slips["free"]
    out = tmp_path / "week.pdf"
    argv = ["print", "repairs", "--from", "2026-03-17", "--to", "2026-03-18", "-o", str(out)]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert said.count("\n") == 1
    assert "2 张工程维修单" in said and "共 6 页" in said and str(out) in said
    assert f"{free[1]} 至 {free[2]}" in said
    assert _page_count(out) == 6  # the free slip's three copies, each on its own sheet

    stubs = tmp_path / "stubs.pdf"
    argv = ["print", "repairs", "--from", "2026-03-16", "--to", "2026-03-22", "--copy", "stub"]
    assert main([*argv, "-o", str(stubs)]) == 0
    assert "3 张工程维修单" in capsys.readouterr().out
    assert _page_count(stubs) == 3
    texts = _texts(stubs)
    if texts is not None:
        for page, number in zip(texts, free, strict=True):
            assert "存根联" in page and number in page

    paid = tmp_path / "paid.pdf"
    argv = ["print", "repairs", "--from", "2026-03-16", "--to", "2026-03-18", "--kind", "paid"]
    assert main([*argv, "--paper", "continuous", "-o", str(paid)]) == 0
    said = capsys.readouterr().out
    assert "1 张有偿服务单" in said and slips["paid"][0] in said and "共 4 页" in said
    assert _page_count(paid) == 4  # a paid slip has the finance copy too


def test_print_repairs_follows_the_output_file_rules(
    slips: dict[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"someone's file")
    day = ["print", "repairs", "--from", "2026-03-16"]
    _fails([*day, "-o", str(kept)], capsys, "--force")
    assert kept.read_bytes() == b"someone's file"
    assert main([*day, "-o", str(kept), "--force"]) == 0
    assert "1 张工程维修单" in capsys.readouterr().out
    assert _page_count(kept) == 3
    _fails([*day, "-o", str(tmp_path / "nowhere" / "x.pdf")], capsys, "不存在")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["repairs", "--from", "2026/03/16"], "YYYY-MM-DD"),
        (["repairs", "--from", "2026-03-16", "--to", "16.3.2026"], "YYYY-MM-DD"),
        (["repairs", "--to", "2026-03-16"], "--from"),
        (["repairs", "--from", "2026-03-18", "--to", "2026-03-16"], "结束日期不能早于开始日期"),
        (["repairs", "--from", "2026-04-01", "--to", "2026-04-30"], "没有要打印的单据"),
        (["repairs", "--from", "2026-03-16", "--kind", "complaint"], "--kind 应为 free"),
        (["repairs", "--from", "2026-03-16", "--copy", "finance"], "--copy 应为 all"),
        (["repairs", "--from", "2026-03-16", "--paper", "a3"], "纸张"),
        (["repairs", "--from", "2026-03-16", "--answer"], "--answer 只用于咨询"),
        (["register", "--from", "2026-03-16", "--kind", "paid"], "只用于 wuyedesk print repairs"),
        (["WX-2026-000001", "--copy", "stub"], "只用于 wuyedesk print repairs"),
    ],
)
def test_print_repairs_refusals_are_one_chinese_line_and_no_file(
    slips: dict[str, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = tmp_path / "refused.pdf"
    _fails(["print", *argv, "-o", str(out)], capsys, message)
    assert not out.exists()
    assert not list(tmp_path.glob(".print-*"))  # no half-drawn file beside it either


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    db = tmp_path / "demo.wuye"
    monkeypatch.setenv("WUYEDESK_DB", str(db))
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(keys, "PASSPHRASE_N", FAST_N)
    return db


def test_demo_years_reach_back_and_number_each_year_afresh(
    demo_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--households", "30", "--years", "2", "--volume", "2"]) == 0
    assert "近 2 年" in capsys.readouterr().out
    assert main(["list", "repairs"]) == 0
    header, *rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    number, date = header.index("number"), header.index("date")
    days = sorted(datetime.fromisoformat(row[date]).date() for row in rows)
    assert (days[-1] - days[0]).days > 400  # well over the one year a plain demo gives
    serials: dict[tuple[str, int], list[int]] = {}
    for row in rows:
        prefix, year, serial = row[number].split("-")
        assert year == row[date][:4], row  # numbered in the year it was reported
        serials.setdefault((prefix, int(year)), []).append(int(serial))
    years = set(range(days[0].year, days[-1].year + 1))
    assert {year for _, year in serials} == years and len(years) >= 2
    for found in serials.values():
        # Each kind's numbers start again at 1 every year and leave no gap.
        assert sorted(found) == list(range(1, len(found) + 1))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--years", "0"], "--years 应在 1 到 10 之间"),
        (["--years", "11"], "--years 应在 1 到 10 之间"),
        (["--volume", "0"], "--volume 应大于 0"),
        (["--volume", "25"], "不超过 20"),
        (["--volume", "nan"], "--volume 应大于 0"),
    ],
)
def test_demo_years_and_volume_out_of_range_make_no_office(
    demo_env: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    _fails(["demo", "--households", "30", *extra], capsys, message)
    assert not demo_env.exists()
