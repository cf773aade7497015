"""The record number as a machine-readable mark on the slip: Code 128 or a QR code."""

from __future__ import annotations

from reportlab.graphics.barcode import code128
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

CODES = ("code128", "qr", "none")


def number_mark(
    number: str, code: str, *, height: float = 10 * mm, max_width: float = 60 * mm
) -> Flowable | None:
    """Return a Code 128 bar code or a QR code of the number, sized for the slip's corner."""
    if not number or code == "none":
        return None
    if code == "qr":
        # The flowable draws on the canvas directly (a Drawing would add an unembedded Helvetica).
        side = height * 1.8
        return QrCode(number, width=side, height=side, qrLevel="M", qrBorder=2)
    if code != "code128":
        raise ValueError(f"unknown code {code!r}; expected one of {CODES}")
    # 0.8 pt modules read well at 300 dpi; narrow paper gets thinner ones, never below 0.5 pt.
    unit = code128.Code128(number, barHeight=height, barWidth=1, humanReadable=False).width
    bar = max(0.5, min(0.8, max_width / unit))
    return code128.Code128(number, barHeight=height, barWidth=bar, humanReadable=False)
