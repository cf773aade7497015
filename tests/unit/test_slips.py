"""The slip renderer: embedded Chinese font, every field on the page, copies, paging, paper."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import warnings
import zlib
from pathlib import Path
from typing import Any

import pytest

from wuyedesk.reports import fonts, slips

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils needed")

OFFICE = "幸福小区物业管理处"
LONG = (
    "住户反映楼上卫生间漏水严重，天花板持续滴水，墙面起皮发霉，已经影响到家里老人的正常休息，"
    "希望物业尽快联系楼上业主并安排工程部上门查看，如需进入楼上住户家中请提前电话预约。"
) * 8


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _text(pdf: Path) -> str:
    """Return the PDF's text with all whitespace removed (wrapped lines split anywhere)."""
    return re.sub(r"\s+", "", _run("pdftotext", "-raw", str(pdf), "-"))


def _pages(pdf: Path) -> list[str]:
    return [
        re.sub(r"\s+", "", p) for p in _run("pdftotext", "-raw", str(pdf), "-").split("\f")[:-1]
    ]


def _assert_embedded(pdf: Path) -> None:
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert lines, "no font in the PDF"
    for line in lines:
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"font not embedded: {line}"


def _flat(value: Any) -> str:
    return re.sub(r"\s+", "", str(value))


def _entry(i: int, content: str = "电梯异响，早上八点左右最明显") -> dict[str, str]:
    return {
        "number": f"DJ-2026-{i:06d}",
        "at": "2026-03-05 09:12",
        "method": "来电",
        "unit": "3栋2单元1502",
        "caller": "张三丰",
        "phone": "138****8000",
        "kind": "投诉",
        "content": content,
        "relay": "工程部 / 李工 / 03-05 09:15",
        "result": "已派工程部检查处理",
        "visit": "应于 03-06 09:12 前",
        "recorded_by": "陈文员",
    }


def _register(n: int, long: str = LONG[:300]) -> dict[str, Any]:
    entries = [_entry(i, long if i == 2 else "电梯异响") for i in range(1, n + 1)]
    return {"period": "2026-03-01 至 2026-03-07", "estate_name": "幸福小区", "count": n,
            "entries": entries}  # fmt: skip


HELP: dict[str, Any] = {
    "estate_name": "幸福小区",
    "number": "QZ-2026-000123",
    "at": "2026-03-05 22:40",
    "requester": "王秀英",
    "place": "3栋2单元1502",
    "phone": "138****8000",
    "received_by": "赵客服",
    "help_type": "急救病人",
    "category": "特别求助",
    "is_special": True,
    "content": LONG,
    "nearest_person": "保安刘强",
    "sent_at": "2026-03-05 22:41",
    "arrived_at": "2026-03-05 22:44",
    "situation": "老人在家中摔倒，意识清醒，腿部疼痛无法站立",
    "director_told_at": "2026-03-05 22:50",
    "emergency_called": "120",
    "security_told_at": "2026-03-05 22:46",
    "relatives_told_at": "2026-03-05 22:52",
    "escorted": "是",
    "steps": [
        {
            "at": "2026-03-05 22:41",
            "step": "通知最近人员",
            "staff": "赵客服",
            "note": "保安刘强前往",
        },
        {"at": "2026-03-05 22:44", "step": "到场", "staff": "刘强", "note": LONG[:150]},
    ],
    "result": "救护车接走，家属陪同前往市第一人民医院",
    "handled_by": "刘强",
    "done_at": "2026-03-05 23:10",
}

ANSWER: dict[str, Any] = {
    "number": "QZ-2026-000124",
    "unit": "3栋2单元1502",
    "asked_at": "2026年3月5日",
    "question": "请问明年的物业费标准是否调整？地下车位租赁费用如何计算？",
    "answer": LONG,
    "answered_on": "2026年3月8日",
    "office_phone": "0571-88886666",
    "letterhead": "幸福小区　电话：0571-88886666",
}


def _render(tmp_path: Path, name: str, records: list[dict[str, Any]], **page: Any) -> Path:
    layout = slips.load_layout(name)
    layout["page"].update(page)
    out = tmp_path / f"{name}.pdf"
    slips.render(layout, records, out, office_name=OFFICE)
    return out


def test_register_page_embeds_the_font_and_prints_every_field(tmp_path: Path) -> None:
    pdf = _render(tmp_path, "register_page", [_register(5)])
    _assert_embedded(pdf)
    text = _text(pdf)
    for entry in _register(5)["entries"]:
        for value in entry.values():
            assert _flat(value) in text
    for header in ("登记编号", "来访/来电人", "转达部门/负责人/时间", "处理结果", "回访"):
        assert header in text
    assert OFFICE in text and "住户来访/来电登记表" in text and "第1页共1页" in text


def test_a_register_line_too_long_for_its_cell_continues_on_the_next_row(tmp_path: Path) -> None:
    pdf = _render(tmp_path, "register_page", [_register(3, long=LONG * 2 + "结尾标记")])
    text = _text(pdf)
    assert "结尾标记" in text and "DJ-2026-000003" in text
    assert "住户反映楼上卫生间漏水严重" in text


def test_a_long_register_continues_with_its_header_repeated(tmp_path: Path) -> None:
    pdf = _render(tmp_path, "register_page", [_register(60)])
    pages = _pages(pdf)
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in page
        if "DJ-2026-" in page:
            assert "登记编号" in page and "转达部门/负责人/时间" in page
    text = "".join(pages)
    assert all(f"DJ-2026-{i:06d}" in text for i in range(1, 61))


def test_help_request_prints_every_field_and_the_step_log(tmp_path: Path) -> None:
    pdf = _render(tmp_path, "help_request", [HELP])
    _assert_embedded(pdf)
    text = _text(pdf)
    for key, value in HELP.items():
        if key == "steps":
            for step in value:
                assert all(_flat(v) in text for v in step.values())
        elif isinstance(value, str):
            assert _flat(value) in text, key
    for label in ("业户求助信息登记表", "特别求助处置", "处理经过", "接报人签名", "处理人签名"):
        assert label in text


def test_general_help_prints_the_general_block_instead(tmp_path: Path) -> None:
    general = {**HELP, "is_special": False, "help_type": "咨询", "category": "一般求助",
               "linked": "登记 DJ-2026-000009", "answer": "已口头答复"}  # fmt: skip
    text = _text(_render(tmp_path, "help_request", [general]))
    assert "一般求助处理" in text and "DJ-2026-000009" in text and "已口头答复" in text
    assert "特别求助处置" not in text


def test_enquiry_answer_is_a_letter_with_stamp_and_signature(tmp_path: Path) -> None:
    pdf = _render(tmp_path, "enquiry_answer", [ANSWER])
    _assert_embedded(pdf)
    text = _text(pdf)
    for value in ANSWER.values():
        assert _flat(value) in text
    assert "书面答复" in text and "管理处盖章" in text and "答复人签名" in text


def test_copies_each_get_a_page_with_their_name(tmp_path: Path) -> None:
    layout = slips.load_layout("help_request")
    layout["copies"] = ["存根联", "工程部联", "财务联", "客户联"]
    out = tmp_path / "copies.pdf"
    short = {**HELP, "content": "老人摔倒", "steps": HELP["steps"][:1]}
    assert slips.render(layout, [short], out, office_name=OFFICE) == 4
    pages = _pages(out)
    for page, name in zip(pages, layout["copies"], strict=True):
        assert name in page and "QZ-2026-000123" in page and "第1页共1页" in page


@pytest.mark.parametrize(
    ("size", "orientation", "expected"),
    [
        ("continuous_241x140", "landscape", (241, 140)),
        ("A5", "portrait", (148, 210)),
        ("A4", "landscape", (297, 210)),
    ],
)
def test_paper_sizes(
    tmp_path: Path, size: str, orientation: str, expected: tuple[int, int]
) -> None:
    pdf = _render(tmp_path, "help_request", [HELP], size=size, orientation=orientation)
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(pdf)))
    assert found is not None
    width_mm, height_mm = (float(v) / 72 * 25.4 for v in found.groups())
    assert (round(width_mm), round(height_mm)) == expected
    assert _flat(HELP["content"]) in _text(pdf)


def test_text_too_long_for_a_page_continues_and_never_leaves_the_paper(tmp_path: Path) -> None:
    huge = "漏水" * 4000 + "结尾标记"
    pdf = _render(tmp_path, "help_request", [{**HELP, "content": huge}], size="A5")
    text = _text(pdf)
    assert "结尾标记" in text and "求助内容（续）" in text
    # pdftotext -x/-y crop: nothing may be drawn outside the sheet's margins.
    bbox = _run("pdftotext", "-bbox", str(pdf), "-")
    for match in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', bbox
    ):
        x0, y0, x1, y1 = map(float, match.groups())
        assert x0 >= 0 and y0 >= 0 and x1 <= 419.6 and y1 <= 595.3


def test_number_is_printed_as_text_and_as_a_code(tmp_path: Path) -> None:
    rectangles = {}
    for code in ("none", "code128", "qr"):
        layout = slips.load_layout("help_request")
        layout["header"]["code"] = code
        buffer = io.BytesIO()
        slips.render(layout, [HELP], buffer, office_name=OFFICE)
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(buffer.getvalue())
        assert "QZ-2026-000123" in _text(pdf)
        # Bars and QR modules are filled rectangles (`re` operators) beyond the cell shading.
        rectangles[code] = len(re.findall(rb" re\b", _uncompressed(buffer.getvalue())))
    assert rectangles["code128"] > rectangles["none"] + 20
    assert rectangles["qr"] > rectangles["none"] + 50


def _uncompressed(pdf: bytes) -> bytes:
    """Return the PDF's streams inflated."""
    out = b""
    for part in re.findall(rb"(?<!end)stream\r?\n(.*?)endstream", pdf, re.S):
        if part.rstrip().endswith(b"~>"):  # page content: ASCII85, then Flate
            part = base64.a85decode(part.rstrip(), adobe=True)
        try:
            out += zlib.decompressobj().decompress(part)
        except zlib.error:
            continue
    return out


def test_signature_image_goes_into_its_box(tmp_path: Path) -> None:
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (240, 80), "white").save(png, "PNG")
    out = tmp_path / "signed.pdf"
    signed = {**HELP, "received_by_signature": png.getvalue()}
    slips.render(slips.load_layout("help_request"), [signed], out, office_name=OFFICE)
    assert "Image" in _run("pdfimages", "-list", str(out)) or b"/Image" in out.read_bytes()


def test_without_a_chinese_font_it_falls_back_to_stsong_and_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(fonts, "find_font_file", lambda explicit=None: None)
    fonts.forget_choice()
    try:
        with pytest.warns(RuntimeWarning, match="STSong-Light"):
            pdf = _render(tmp_path, "enquiry_answer", [ANSWER])
    finally:
        fonts.forget_choice()
    data = pdf.read_bytes()  # (pdffonts needs poppler-data to read a CID font: read the bytes)
    assert b"/BaseFont /STSong-Light" in data and b"/FontFile2" not in data
    assert "未嵌入" in caplog.text


def test_font_from_the_environment_and_cff_fonts_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = fonts.find_font_file()
    if found is None:
        pytest.skip("no embeddable Chinese font on this machine")
    monkeypatch.setenv(fonts.FONT_ENV, str(found))
    fonts.forget_choice()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        choice = fonts.choose_font()
    assert choice.embedded and choice.path == found
    cff = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if cff.exists():
        assert fonts.find_font_file(cff) == found  # the CFF font is refused, discovery goes on
    fonts.forget_choice()
