"""The print preview: a PDF the program made, shown page by page, then printed or saved."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.i18n import tr

log = logging.getLogger(__name__)
PRINT_DPI = 300  # enough for small Chinese text on a laser or dot-matrix printer
# A preview is a plain PDF of residents' data: it lives in its own private temporary folder,
# removed when the preview closes, at exit, and (after a crash) at the next preview.
PREVIEW_PREFIX = "wuyedesk-preview-"
STALE_SECONDS = 3600
_open_previews: set[Path] = set()


def preview_path(name: str) -> Path:
    """Return where to draw a preview PDF: a new private folder, removed with the preview."""
    remove_stale_previews()
    folder = Path(tempfile.mkdtemp(prefix=PREVIEW_PREFIX))
    _open_previews.add(folder)
    return folder / name


def remove_preview(folder: Path) -> None:
    """Delete one preview folder and forget it."""
    _open_previews.discard(folder)
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_previews(max_age: float = STALE_SECONDS) -> None:
    """Delete preview folders left by a program that crashed (older than `max_age` seconds)."""
    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(PREVIEW_PREFIX + "*"):
        try:
            stale = folder not in _open_previews and now - folder.stat().st_mtime > max_age
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)


@atexit.register
def _remove_open_previews() -> None:
    for folder in list(_open_previews):
        remove_preview(folder)


class PdfPreviewDialog(QDialog):
    """Show a PDF with 打印 (the printer's own dialog) and 另存为 PDF."""

    def __init__(self, pdf_path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.setWindowTitle(tr("打印预览 — {0}").format(self.pdf_path.name))
        self.resize(820, 900)
        self.document = QPdfDocument(self)
        error = self.document.load(str(self.pdf_path))
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pages")
        if error != QPdfDocument.Error.None_:
            self.pages_label.setText(tr("文件无法打开：{0}").format(self.pdf_path))
        else:
            self.pages_label.setText(tr("共 {0} 页").format(self.page_count()))
        self.print_button = QPushButton(tr("打印…"))
        self.print_button.setObjectName("print")
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button = QPushButton(tr("另存为 PDF…"))
        self.save_button.setObjectName("save_as")
        self.save_button.clicked.connect(self.save_as)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(self.page_count() > 0)
        bar = QHBoxLayout()
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.print_button.setDefault(True)

    def page_count(self) -> int:
        """Return the number of pages shown."""
        return self.document.pageCount()

    def print_pdf(self) -> bool:
        """Ask the printer's own dialog, then print every chosen page; return whether printed."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf_path.stem)
        printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("打印"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        first, last = printer.fromPage() or 1, printer.toPage() or self.page_count()
        return self.render_to(printer, range(first - 1, min(last, self.page_count())))

    def render_to(self, printer: QPrinter, pages: range) -> bool:
        """Draw the PDF's pages onto the printer, each scaled to fit the printable area."""
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, tr("未打印"), tr("打印机无法开始打印"))
            return False
        try:
            for n, index in enumerate(pages):
                if n:
                    printer.newPage()
                self._draw_page(painter, printer, index)
        finally:
            painter.end()
        return True

    def _draw_page(self, painter: QPainter, printer: QPrinter, index: int) -> None:
        points = self.document.pagePointSize(index)
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        size = QSize(
            round(points.width() * PRINT_DPI / 72), round(points.height() * PRINT_DPI / 72)
        )
        image: QImage = self.document.render(index, size)
        scale = min(area.width() / size.width(), area.height() / size.height())
        target = QRect(0, 0, round(size.width() * scale), round(size.height() * scale))
        painter.drawImage(target, image)

    def save_as(self) -> Path | None:
        """Copy the PDF where the user chooses; return the new path, or None if cancelled."""
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            tr("另存为 PDF"),
            str(Path.home() / self.pdf_path.name),
            tr("PDF 文件 (*.pdf)"),
        )
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        try:
            shutil.copyfile(self.pdf_path, target)
        except OSError as exc:
            log.warning("PDF not saved to %s: %s", target, exc)
            QMessageBox.warning(self, tr("未保存"), tr("无法保存：{0}").format(exc))
            return None
        return target


def show_pdf(pdf_path: Path | str, parent: QWidget | None = None) -> PdfPreviewDialog:
    """Open the preview non-modally and return it (deleted when closed).

    A PDF drawn at `preview_path` is deleted with its folder when the preview closes.
    """
    dialog = PdfPreviewDialog(pdf_path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    folder = dialog.pdf_path.parent
    if folder in _open_previews:

        def forget(_result: int = 0) -> None:
            dialog.document.close()  # release the file first (Windows cannot delete it open)
            remove_preview(folder)

        dialog.finished.connect(forget)
    dialog.show()
    return dialog
