"""OCR of page images: scanned PDFs, pages without text inside text PDFs, and image files.

rapidocr (its wheel carries the PP-OCRv6 models, so nothing is downloaded) on onnxruntime, with
pages rendered by pypdfium2. Every import is lazy: a search process never loads any of this.

- Pages are rendered at ``DPI`` and read through the red channel, which lifts red seals and
  red headers off the black text (measured: 97.9 % → 99.4 % of characters under a seal).
- Pages run in parallel, one engine per worker thread, each engine on one thread
  (onnxruntime releases the GIL), one worker per core.
- Limits: ``MAX_OCR_PAGES`` pages and ``MAX_OCR_SECONDS`` per file, images up to
  ``MAX_IMAGE_PIXELS``. A page with no text is blank; a file whose pages read as too little
  Chinese text is not a document.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kb.errors import ReadError
from kb.text import CJK_RE

DPI = 150  # reads as well as 200 dpi (ENVIRONMENT.md), in half the pixels
MAX_OCR_PAGES = 300
MAX_OCR_SECONDS = 900
MAX_IMAGE_PIXELS = 60_000_000  # 60 megapixels: an A3 page at 600 dpi
MIN_PAGE_CHARS = 5  # fewer readable characters: a blank page
MIN_DOCUMENT_CJK = 30  # a document has at least this many Chinese characters
MIN_CJK_SHARE = 0.3  # …and Chinese makes up this share of what was read
BLANK_PAGE_STD = 8.0  # grey-level spread below which a page image is blank paper
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
Progress = Callable[[str, int, int], None]

_local = threading.local()


def _engine():
    """This thread's RapidOCR engine (built on first use: ~2 s to load the models)."""
    if getattr(_local, "engine", None) is None:
        import logging

        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        _local.engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
    return _local.engine


def red_channel(rgb):
    """The red channel as a three-channel grey image: red ink turns pale, black stays black."""
    import numpy as np

    red = rgb[:, :, 0]
    return np.ascontiguousarray(np.stack([red, red, red], axis=-1))


def read_image_array(rgb) -> str:
    """Text of one page image (H×W×3 RGB), one detected line a line."""
    result = _engine()(red_channel(rgb))
    return "\n".join(t.strip() for t in (result.txts or ()) if t.strip())


def workers() -> int:
    return max(1, os.cpu_count() or 1)


def ocr_pages(
    render: Callable[[int], object], pages: list[int], progress: Progress | None = None, deadline: float | None = None
) -> dict[int, str]:
    """OCR the given pages in parallel; ``render(i)`` returns page i's RGB array.

    Raises:
        ReadError: the time limit ran out.
    """
    deadline = deadline or time.monotonic() + MAX_OCR_SECONDS
    out: dict[int, str] = {}
    done = 0

    def one(i: int) -> tuple[int, str]:
        if time.monotonic() > deadline:
            raise ReadError("", f"OCR took longer than {MAX_OCR_SECONDS} s; split the file and add the parts")
        return i, read_image_array(render(i))

    with ThreadPoolExecutor(max_workers=min(workers(), max(1, len(pages)))) as pool:
        for i, text in pool.map(one, pages):
            out[i] = text
            done += 1
            if progress:
                progress("ocr", done, len(pages))
    return out


def looks_blank(rgb) -> bool:
    """A page of (almost) one colour: paper with nothing on it."""
    return float(rgb.std()) < BLANK_PAGE_STD


def check_document_text(texts: list[str], blank: bool = True) -> None:
    """Refuse what read as no text (a blank page, or a picture with no writing) or as too
    little Chinese to be a document."""
    joined = "".join(texts)
    readable = len([c for c in joined if not c.isspace()])
    if readable < MIN_PAGE_CHARS:
        if blank:
            raise ReadError("", "no text found: a blank page (checked with OCR)")
        raise ReadError("", "not a document: OCR found no text in the picture")
    cjk = len(CJK_RE.findall(joined))
    if cjk < MIN_DOCUMENT_CJK or cjk / readable < MIN_CJK_SHARE:
        raise ReadError("", f"not a document: OCR found too little Chinese text ({cjk} characters)")


def ocr_image_file(data: bytes, progress: Progress | None = None) -> str:
    """Text of an image file (.png/.jpg/.tif, every frame of a multi-page TIFF).

    Raises:
        ReadError: not an image, too many pixels, blank, or not a document.
    """
    import io

    import numpy as np
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_OCR_PAGES:
            raise ReadError("", f"too many pages for OCR ({frames} > {MAX_OCR_PAGES})")
        for i in range(frames):  # every frame's size from its header, before any pixel is decoded
            image.seek(i)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ReadError(
                    "",
                    f"image too large (page {i + 1}: {image.width}×{image.height} pixels > "
                    f"{MAX_IMAGE_PIXELS // 1_000_000} MP)",
                )
    except (UnidentifiedImageError, OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise ReadError("", f"not a readable image ({exc.__class__.__name__})") from None
    decoding = threading.Lock()  # PIL images are not thread-safe: one frame decoded at a time, as OCR asks

    blank: dict[int, bool] = {}

    def render(i: int):
        with decoding:
            try:
                image.seek(i)
                array = np.asarray(image.convert("RGB"))
            except (OSError, ValueError, EOFError) as exc:
                raise ReadError("", f"not a readable image ({exc.__class__.__name__})") from None
        blank[i] = looks_blank(array)
        return array

    texts = ocr_pages(render, list(range(frames)), progress)
    ordered = [texts[i] for i in range(frames)]
    check_document_text(ordered, blank=all(blank.values()))
    return "\n".join(t for t in ordered if t)


_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one render at a time, OCR in parallel


def render_pdf_page(path_or_bytes, index: int, dpi: int = DPI):
    """Page ``index`` (0-based) of a PDF as an RGB array (pypdfium2)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(path_or_bytes)
        try:
            return pdf[index].render(scale=dpi / 72, rev_byteorder=True).to_numpy()[:, :, :3].copy()
        finally:
            pdf.close()


def ocr_pdf_pages(data: bytes, pages: list[int], progress: Progress | None = None) -> dict[int, str]:
    """OCR text of the given 0-based pages of a PDF.

    Raises:
        ReadError: more pages than ``MAX_OCR_PAGES``, or the time limit ran out.
    """
    if len(pages) > MAX_OCR_PAGES:
        raise ReadError("", f"too many pages to OCR ({len(pages)} > {MAX_OCR_PAGES}); split the file")
    return ocr_pages(lambda i: render_pdf_page(data, i), pages, progress)


def page_png(path_or_bytes, index: int, dpi: int = 110) -> bytes:
    """Page ``index`` of a PDF as PNG bytes, for the app's page preview."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(render_pdf_page(path_or_bytes, index, dpi)).save(buf, format="PNG")
    return buf.getvalue()
