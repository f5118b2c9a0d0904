"""Uploaded papers: only the types a board publishes, checked by name and by first bytes, and not too big.

`validate_paper_file` is a model field validator (forms, the admin and full_clean() run it). It checks a
new upload only: a file already in storage was checked when it came, and is stored under a random name
with no extension. The size limit is settings.DOCUMENT_MAX_BYTES (20 MB unless the environment says).
"""

import codecs
import math
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MEGABYTE = 1024 * 1024

PDF = b"%PDF-"
ZIP = b"PK\x03\x04"  # Word, Excel and PowerPoint (.docx, .xlsx, .pptx) and OpenDocument files are zip files
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
TEXT = None  # UTF-8 with no NUL character

# Each extension accepted: what its contents must start with, and what the file should be, for the message.
PAPER_TYPES = {
    ".pdf": (PDF, "a PDF"),
    ".docx": (ZIP, "a Word document"),
    ".xlsx": (ZIP, "an Excel workbook"),
    ".pptx": (ZIP, "a PowerPoint presentation"),
    ".odt": (ZIP, "an OpenDocument text"),
    ".ods": (ZIP, "an OpenDocument spreadsheet"),
    ".odp": (ZIP, "an OpenDocument presentation"),
    ".csv": (TEXT, "CSV text (UTF-8, with no NUL characters)"),
    ".txt": (TEXT, "plain text (UTF-8, with no NUL characters)"),
    ".png": (PNG, "a PNG image"),
    ".jpg": (JPEG, "a JPEG image"),
    ".jpeg": (JPEG, "a JPEG image"),
}
KINDS_ACCEPTED = "a PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG or JPEG file"


def max_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_text(size: int, *, round_up: bool) -> str:
    """A size as a message gives it: "31.2 MB", "20 MB", "1.5 KB", "900 bytes".

    A file's size is rounded up, a limit down, so a file just over the limit never reads as equal to it.
    """
    for unit, name in ((MEGABYTE, "MB"), (1024, "KB")):
        if size >= unit:
            tenths = (math.ceil if round_up else math.floor)(size * 10 / unit) / 10
            return f"{tenths:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} bytes"


def _chunks(file, size=64 * 1024):
    """The file's bytes from the start, leaving it at the start for whoever saves it."""
    file.seek(0)
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.seek(0)


def _is_text(file) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _starts_with(file, magic: bytes) -> bool:
    file.seek(0)
    try:
        return file.read(len(magic)) == magic
    finally:
        file.seek(0)


def validate_paper_file(value):
    """A new upload is a paper a board publishes: one of PAPER_TYPES, by name and contents, within the limit."""
    if isinstance(value, str) or getattr(value, "_committed", False):
        return  # already stored (checked when it came): an edit of its record that leaves the file alone
    file = getattr(value, "file", value)
    extension = PurePath(value.name or "").suffix.lower()
    if extension not in PAPER_TYPES:
        this_one = f"this one is a {extension}" if extension else "this one's name has no extension, such as .pdf"
        raise ValidationError(f"A paper must be {KINDS_ACCEPTED}; {this_one}.", code="file_type")
    limit = max_bytes()
    if value.size > limit:
        raise ValidationError(
            f"This file is {size_text(value.size, round_up=True)}; "
            f"a paper can be at most {size_text(limit, round_up=False)}.",
            code="file_size",
        )
    magic, should_be = PAPER_TYPES[extension]
    if not (_is_text(file) if magic is TEXT else _starts_with(file, magic)):
        raise ValidationError(
            f"This file's contents are not {should_be}, though its name ends in {extension}.", code="file_contents"
        )
