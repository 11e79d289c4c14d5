"""Hostile uploads, generated on the spot (issue 14): each is a few bytes to a few MB on disk and
would claim gigabytes or minutes from a reader that trusted it."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook


def _xlsx(fill: dict[str, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for ref, value in fill.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sparse_xlsx(*, declared: bool = True) -> bytes:
    """Cells at A1 and XFD1048576 only: about 5 KB, a grid of 17 billion cells when materialised.
    Without `declared`, the <dimension> element is removed, so only the cells themselves tell."""
    data = _xlsx({"A1": "序号", "XFD1048576": "x"})
    if declared:
        return data
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"<dimension [^>]*/>", b"", body)
            target.writestr(info, body)
    return out.getvalue()


def padded_xlsx(unpacked_bytes: int) -> bytes:
    """A small valid workbook with a member that unpacks to `unpacked_bytes` of zeros (a zip bomb
    in miniature: DEFLATE packs zeros about a thousand to one)."""
    out = io.BytesIO(_xlsx({"A1": "序号"}))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/pad.bin", "w") as pad:
        chunk = bytes(1024 * 1024)
        for _ in range(unpacked_bytes // len(chunk)):
            pad.write(chunk)
    return out.getvalue()


def one_line_csv(megabytes: int, *, separated: bool) -> bytes:
    """One line of `megabytes` MB: a million short fields, or one field that long."""
    size = megabytes * 1024 * 1024
    return (b"a," * (size // 2)) if separated else (b"a" * size)


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF of `pages` blank pages: every page object is a few dozen bytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{n + 3} 0 R" for n in range(pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>")
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def one_code_many_names_csv(rows: int) -> bytes:
    """`rows` rows printing one 大典 code (6-18-02-04, 焊工's), each under a name of its own: every
    row conflicts with every other, so a check that lists the others in each finding writes n² text."""
    lines = ["序号,职业名称,编码", *(f"{n},焊接工种{n},6-18-02-04" for n in range(1, rows + 1))]
    return "\n".join(lines).encode()


def one_name_many_codes_csv(rows: int) -> bytes:
    """`rows` rows printing one name (焊工) under a code of its own each (6-18-AA-BB, up to 9,801)."""
    codes = (f"6-18-{a:02d}-{b:02d}" for a in range(1, 100) for b in range(1, 100))
    lines = [
        "序号,职业名称,编码",
        *(f"{n},焊工,{code}" for n, code in zip(range(1, rows + 1), codes, strict=False)),
    ]
    return "\n".join(lines).encode()
