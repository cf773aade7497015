"""A daily work report prints on one page for its author or a manager, with the review on it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.unit.test_daily_reports import EVENING, _call
from tests.unit.test_repairs import at
from wuyedesk.domain.errors import NotFound, TransitionRefused
from wuyedesk.services import daily_reports as d
from wuyedesk.services.context import Actor
from wuyedesk.services.report_printing import print_daily_report
from wuyedesk.store.office_file import OfficeFile


def test_a_signed_report_prints_with_counts_texts_and_review(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    clerk, boss = who["clerk"], who["supervisor"]
    _call(staffed_estate, clerk, at(5))
    report = d.todays_report(staffed_estate, clerk, now=EVENING)
    report = d.save_report(
        staffed_estate, clerk, report.id, version=report.version,
        done_text="整理三栋档案", undone_text="五栋待补", coordination_text="打印机缺墨",
    )  # fmt: skip
    report = d.submit_report(staffed_estate, clerk, report.id, version=report.version, now=EVENING)
    d.review_report(
        staffed_estate, boss, report.id, version=report.version, comment="已阅",
        next_day_tasks="核对五栋业主电话", now=EVENING,
    )  # fmt: skip
    out = print_daily_report(staffed_estate, boss, report.id, tmp_path / "report.pdf")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for shown in ("日工作呈报表", "陈文员", "登记来访/来电", "整理三栋档案", "五栋待补",
                  "打印机缺墨", "赵主管", "已阅", "核对五栋业主电话", "主管已审阅"):  # fmt: skip
        assert shown in flat, shown
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")] == ["1"]
    assert print_daily_report(staffed_estate, clerk, report.id, tmp_path / "mine.pdf").exists()
    with pytest.raises(TransitionRefused):
        print_daily_report(staffed_estate, who["assistant"], report.id, tmp_path / "no.pdf")
    assert not (tmp_path / "no.pdf").exists()
    with pytest.raises(NotFound):
        print_daily_report(staffed_estate, boss, 999, tmp_path / "none.pdf")
