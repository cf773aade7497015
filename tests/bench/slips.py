"""Time the slip renderer: one help-request slip, and 500 of them in one PDF (median of 3).

Run: .venv/bin/python tests/bench/slips.py [--save DIR]
Also times one slip printed through the service (office file read, PDF, audit line).
--save DIR keeps one PDF and a PNG (pdftoppm, 80 dpi) of each layout for looking at;
docs/screenshots/slip_*.png were made with --save.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

from test_slips import ANSWER, HELP, OFFICE

from wuyedesk.reports import fonts, slips


def _median(action: Callable[[], Any], runs: int = 3) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def _many(n: int, **change: Any) -> list[dict[str, Any]]:
    return [{**HELP, **change, "number": f"QZ-2026-{i:06d}"} for i in range(1, n + 1)]


def _through_the_service() -> float:
    from tests.conftest import make_office
    from tests.unit.test_printing import _help
    from wuyedesk.services import printing
    from wuyedesk.services.context import Actor

    with tempfile.TemporaryDirectory() as tmp:
        office, _ = make_office(Path(tmp) / "office.wuye")
        number = _help(office)
        out = Path(tmp) / "slip.pdf"
        median, _ = _median(
            lambda: printing.print_record(office, Actor.command_line(), number, out)
        )
        office.close()
    return median


_DAY = [
    (
        "09:02",
        "来电",
        "3栋2单元1502",
        "张三丰",
        "13812348000",
        "报修",
        "卫生间天花板滴水，怀疑楼上1602防水层损坏，希望尽快派人查看",
        "工程部 / 李工 / 09:04",
        "已转工程维修单 WX-2026-000311",
        "",
    ),
    (
        "09:40",
        "来访",
        "5栋1单元0801",
        "李秀兰",
        "13900001111",
        "投诉",
        "楼下快递柜旁长期堆放纸箱，保洁员清理不及时，晚上有异味，已经反映过两次仍未解决，"
        "要求物业给出明确的清理时间并加强巡查",
        "保洁部 / 周主管 / 09:45",
        "被投诉部门：保洁部\n补救措施：当天增加两次清运\n结果：已清理，住户认可（16:20）",
        "应于 03-06 09:40 前",
    ),
    (
        "10:15",
        "来电",
        "1栋3单元2204",
        "王先生",
        "02188886666",
        "咨询",
        "询问装修押金退还需要哪些材料",
        "",
        "已口头答复：装修验收单、押金收据、身份证复印件",
        "",
    ),
    (
        "11:30",
        "书面",
        "2栋1单元0302",
        "陈女士",
        "",
        "建议",
        "建议在儿童游乐区增加遮阳棚",
        "物业部 / 赵主管 / 11:35",
        "",
        "",
    ),
    (
        "14:05",
        "来访",
        "3栋1单元0101",
        "刘大爷",
        "13611112222",
        "求助",
        "家中老人行动不便，请求协助搬运一台旧冰箱下楼",
        "工程部 / 张师傅 / 14:06",
        "已转有偿服务单 YC-2026-000045",
        "",
    ),
    (
        "15:48",
        "来电",
        "6栋2单元1101",
        "赵女士",
        "13788889999",
        "表扬",
        "表扬保安小王昨晚帮忙寻找走失的小狗",
        "保安部 / 孙队长 / 15:50",
        "已在周会通报表扬",
        "",
    ),
]


def _sample_register() -> dict[str, Any]:
    from wuyedesk.domain.validators import mask_phone

    entries = [
        {
            "number": f"DJ-2026-{812 + i:06d}",
            "at": f"2026-03-05 {row[0]}",
            "method": row[1],
            "unit": row[2],
            "caller": row[3],
            "phone": mask_phone(row[4]) if row[4] else "",
            "kind": row[5],
            "content": row[6],
            "relay": row[7],
            "result": row[8],
            "visit": row[9],
            "recorded_by": "陈文员",
        }
        for i, row in enumerate(_DAY)
    ]
    return {"estate_name": "幸福小区", "period": "2026-03-05", "count": len(entries),
            "entries": entries}  # fmt: skip


def _save(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    short = {**HELP, "content": "王阿姨来电：家中老人在卫生间摔倒，意识清醒，腿部疼痛无法站立，"
             "家中只有老人一人，请求物业派人协助并联系其子女。"}  # fmt: skip
    short["steps"] = [*HELP["steps"][:1], {**HELP["steps"][1], "note": "老人意识清醒，未移动"}]
    reply = (
        "经查，本小区明年物业服务费标准维持每月每平方米 2.50 元不变；"
        "地下车位租赁费为每月 300 元，按季度缴纳，续租请于到期前十日到管理处办理。"
    )
    answer = {**ANSWER, "answer": reply}
    for name, shot, records in (
        ("register_page", "slip_register", [_sample_register()]),
        ("help_request", "slip_help_request", [short]),
        ("enquiry_answer", "slip_enquiry_answer", [answer]),
    ):
        pdf = folder / f"{shot}.pdf"
        slips.render(slips.load_layout(name), records, pdf, office_name=OFFICE)
        if shutil.which("pdftoppm"):
            png = folder / shot
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(png)], check=True)  # fmt: skip


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    choice = fonts.choose_font()
    print(
        f"font: {choice.path} (first choice and registration {time.perf_counter() - started:.3f} s)"
    )
    layout = slips.load_layout("help_request")
    one, runs = _median(lambda: slips.render(layout, [HELP], io.BytesIO(), office_name=OFFICE))
    print(f"one help-request slip: median {one * 1000:.0f} ms  runs {[round(t, 3) for t in runs]}")
    batch = _many(500)
    buffer = io.BytesIO()

    def many() -> None:
        nonlocal batch
        buffer.seek(0)
        buffer.truncate()
        slips.render(layout, batch, buffer, office_name=OFFICE)

    five, runs = _median(many)
    size = len(buffer.getvalue()) / 1e6
    rounded = [round(t, 2) for t in runs]
    print(
        f"500 two-page help-request slips (long text), one PDF: median {five:.2f} s  runs {rounded}"
    )
    print(f"  ({size:.1f} MB, {five / 500 * 1000:.1f} ms a slip)")
    batch = _many(500, content="老人在卫生间摔倒，腿部疼痛无法站立", steps=HELP["steps"][:1])
    five, runs = _median(many)
    rounded = [round(t, 2) for t in runs]
    print(f"500 one-page help-request slips, one PDF: median {five:.2f} s  runs {rounded}")
    print(f"one slip through printing.print_record: median {_through_the_service() * 1000:.0f} ms")
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}")
    if args.save:
        _save(args.save)


if __name__ == "__main__":
    main()
