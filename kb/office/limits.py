"""What the office tool accepts from outside, and how much: one place for every size limit.

Zip packages (.docx, .ofd, .xlsx) are measured from their directory before anything is unpacked;
a filled 台账 sheet is capped in rows and cells; API bodies are capped before they are read (from
``Content-Length``) and while they stream; every text a user types into the 台账 has a length.
"""

from __future__ import annotations

import io
import zipfile

from kb.errors import KBError

MAX_UNZIPPED_MB = 300  # a .docx, .ofd or .xlsx unpacked (text, styles, images)
MAX_ZIP_RATIO = 100  # office XML compresses about 5–20×; a zip bomb, 1000× and more
MAX_SHEET_UNZIPPED_MB = 50  # a 台账 sheet of a thousand rows unpacks to a few MB
MAX_SHEET_ROWS = 5000
MAX_SHEET_CELLS = 200_000
MAX_BODY_BYTES = 1024 * 1024  # an API request's JSON body
MAX_UPLOAD_BODY_BYTES = 50 * 1024 * 1024 + 64 * 1024  # an evidence file or a sheet, with its envelope
MAX_TEXT = {"progress": 4000, "unit": 100, "indicator": 200, "name": 255, "url": 2000, "note": 2000}
MAX_UNITS = 30  # lead or partner units of one item
MAX_EVIDENCE = 100  # evidence entries of one item
MAX_NAME_CHARS = 64  # a user name at the sign-in form


class ZipBomb(KBError):
    """A zip package that would unpack too large, or is no zip package."""


def check_zip(data: bytes, not_one: str, max_mb: int = MAX_UNZIPPED_MB) -> None:
    """Refuse a zip package whose contents would unpack past ``max_mb`` or ``MAX_ZIP_RATIO`` times
    its size: the check reads the directory, not the contents.

    Raises:
        ZipBomb: not a zip package (``not_one`` says so), or one that unpacks too large.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ZipBomb(f"{not_one} ({exc.__class__.__name__})") from None
    if unpacked > max_mb * 1024 * 1024 or unpacked > MAX_ZIP_RATIO * max(len(data), 1):
        raise ZipBomb(
            f"unpacks to {unpacked / 1048576:.0f} MB from {len(data) / 1048576:.1f} MB: refused as a zip bomb"
        )


def capped(text: str, what: str) -> str:
    """``text`` when it is within ``MAX_TEXT[what]`` characters.

    Raises:
        KBError: longer, naming the limit.
    """
    text = str(text)
    if len(text) > MAX_TEXT[what]:
        raise KBError(f"{what} is {len(text)} characters long; at most {MAX_TEXT[what]}")
    return text
