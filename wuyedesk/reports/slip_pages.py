"""Page bookkeeping of the slip renderer: which document a page belongs to, 第 N 页 共 M 页.

Many slips share one PDF (one document per record and copy); each document counts
its own pages, so the canvas keeps every page until the end and decorates them then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable


@dataclass(frozen=True)
class Doc:
    """What the page decorations need to know about the document a page belongs to."""

    seq: int
    copy: str
    number: str


class DocStart(Flowable):
    """A zero-size mark that tells the canvas which document the following pages belong to."""

    def __init__(self, doc: Doc) -> None:
        super().__init__()
        self.doc = doc

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        """Take no room."""
        return 0, 0

    def draw(self) -> None:
        """Mark the canvas: the pages from here on belong to this document."""
        self.canv.wuye_doc = self.doc  # type: ignore[attr-defined]


def canvas_class(decorate: Callable[[Canvas, Doc, int, int], None]) -> type[Canvas]:
    """Return a canvas that keeps its pages until save, so each can say 第 N 页 共 M 页."""

    class SlipCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.wuye_doc = Doc(0, "", "")
            self.wuye_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self.wuye_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = self.wuye_pages
            totals = Counter(state["wuye_doc"].seq for state in pages)
            seen: Counter[int] = Counter()
            for state in pages:
                self.__dict__.update(state)
                doc = state["wuye_doc"]
                seen[doc.seq] += 1
                decorate(self, doc, seen[doc.seq], totals[doc.seq])
                Canvas.showPage(self)
            self.wuye_page_count = len(pages)
            Canvas.save(self)

    return SlipCanvas
