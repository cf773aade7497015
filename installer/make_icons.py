"""Render the application icon's PNG sizes and the Windows .ico from resources/icons/wuyedesk.svg.

Run from anywhere:  .venv/bin/python installer/make_icons.py   (or `make icons`)

The PNGs are written as resources/icons/wuyedesk-<size>.png; the .ico holds the sizes
Windows uses (16–256) as PNG-compressed entries, which Windows Vista and later read.
The .ico container is written here by hand: an ICONDIR header, one ICONDIRENTRY per
size, then the PNG files one after another.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "wuyedesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(renderer: object, size: int) -> bytes:
    """Return the icon drawn at size × size pixels as PNG bytes (transparent corners)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter, QRectF(0, 0, size, size))  # type: ignore[attr-defined]
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size} px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Return an .ico file holding the given PNGs (size → PNG bytes), smallest first."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries = b""
    blobs = b""
    for size in sizes:
        blob = pngs[size]
        # width and height are one byte each; 0 means 256.
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    pngs = {size: render_png(renderer, size) for size in PNG_SIZES}
    for size, blob in pngs.items():
        (ICONS / f"wuyedesk-{size}.png").write_bytes(blob)
    ico = ico_bytes({size: pngs[size] for size in ICO_SIZES})
    (ICONS / "wuyedesk.ico").write_bytes(ico)
    print(
        f"make_icons: wrote {len(pngs)} PNGs ({', '.join(map(str, PNG_SIZES))} px) and "
        f"wuyedesk.ico ({len(ICO_SIZES)} sizes, {len(ico)} bytes) in {ICONS.relative_to(ROOT)}"
    )
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
