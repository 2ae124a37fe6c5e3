"""EPUB 3 files: building a small valid book, and stamping a copy with its buyer's licence.

Written with the standard library (``zipfile``): an EPUB is a ZIP whose first entry is the
uncompressed ``mimetype``, a ``META-INF/container.xml`` naming the package document (OPF), the
OPF listing every file (manifest) and the reading order (spine), and XHTML content documents,
one of them the navigation document. Stamping adds a licence page to the front of any EPUB that
follows that layout (R-E1, T2.3).
"""

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

MIMETYPE = "application/epub+zip"
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
STYLE = """body { font-family: serif; line-height: 1.5; margin: 1em; }
h1, h2 { font-family: sans-serif; }
.licence { border: 1px solid #888; padding: 1em; }
"""
LICENCE_ID = "bookclub-licence"
LICENCE_FILE = "bookclub-licence.xhtml"


class NotAnEpub(ValueError):
    """The file is not an EPUB we can stamp (no container, no package document)."""


@dataclass
class Book:
    identifier: str  # an ISBN
    title: str
    author: str
    chapters: list[tuple[str, list[str]]] = field(default_factory=list)
    language: str = "en-GB"
    modified: datetime | None = None


def _xhtml(title: str, body: str, language: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="{language}" lang="{language}">\n'
        f'<head><meta charset="utf-8"/><title>{html.escape(title)}</title>'
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def build(book: Book) -> bytes:
    """A complete EPUB 3 file for ``book``: title page, chapters, navigation document."""
    esc = html.escape
    modified = (book.modified or datetime(2026, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    documents = [
        (
            "title",
            "title.xhtml",
            book.title,
            f"<h1>{esc(book.title)}</h1>\n<p>{esc(book.author)}</p>",
        )
    ]
    for number, (heading, paragraphs) in enumerate(book.chapters, start=1):
        text = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
        documents.append(
            (f"chapter-{number}", f"chapter-{number}.xhtml", heading, f"<h2>{esc(heading)}</h2>\n{text}")
        )
    nav_items = "\n".join(f'<li><a href="{href}">{esc(title)}</a></li>' for _, href, title, _ in documents)
    nav = _xhtml(
        "Contents",
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1>\n<ol>\n{nav_items}\n</ol></nav>',
        book.language,
    )
    manifest = "\n".join(
        f'    <item id="{ident}" href="{href}" media-type="application/xhtml+xml"/>'
        for ident, href, _, _ in documents
    )
    spine = "\n".join(f'    <itemref idref="{ident}"/>' for ident, _, _, _ in documents)
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"
         unique-identifier="book-id" xml:lang="{book.language}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">urn:isbn:{esc(book.identifier)}</dc:identifier>
    <dc:title>{esc(book.title)}</dc:title>
    <dc:creator>{esc(book.author)}</dc:creator>
    <dc:language>{book.language}</dc:language>
    <dc:publisher>The Bookclub</dc:publisher>
    <meta property="dcterms:modified">{modified}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="style" href="style.css" media-type="text/css"/>
{manifest}
  </manifest>
  <spine>
{spine}
  </spine>
</package>
"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/nav.xhtml", nav, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/style.css", STYLE, compress_type=zipfile.ZIP_DEFLATED)
        for _, href, title, body in documents:
            archive.writestr(
                f"OEBPS/{href}", _xhtml(title, body, book.language), compress_type=zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def package_path(archive: zipfile.ZipFile) -> str:
    try:
        container = archive.read("META-INF/container.xml").decode("utf-8")
    except KeyError as error:
        raise NotAnEpub("no META-INF/container.xml") from error
    match = re.search(r'full-path="([^"]+)"', container)
    if not match:
        raise NotAnEpub("the container names no package document")
    return match.group(1)


def licence_page(*, title: str, licensee: str, order_number: str, issued: str) -> str:
    esc = html.escape
    body = (
        '<section class="licence" epub:type="copyright-page">\n'
        "<h1>Your licence</h1>\n"
        f"<p>This copy of <i>{esc(title)}</i> is licensed to <b>{esc(licensee)}</b> "
        f"(order {esc(order_number)} of {esc(issued)}).</p>\n"
        "<p>It is a personal licence for one reader: read it on any of your own devices, "
        "but please do not share, copy for others or sell it. Our Terms of Sale say more.</p>\n"
        "<p>The Bookclub</p>\n</section>"
    )
    return _xhtml("Your licence", body, "en-GB")


def stamp(epub: bytes, *, title: str, licensee: str, order_number: str, issued: str) -> bytes:
    """A copy of ``epub`` that opens on a licence page naming its buyer and order (T2.3)."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    opf_path = package_path(source)
    folder = opf_path.rpartition("/")[0]
    opf = source.read(opf_path).decode("utf-8")
    if LICENCE_ID not in opf:
        opf = opf.replace(
            "</manifest>",
            f'  <item id="{LICENCE_ID}" href="{LICENCE_FILE}" media-type="application/xhtml+xml"/>\n'
            "  </manifest>",
            1,
        )
        opf, found = re.subn(r"(<spine\b[^>]*>)", rf'\1\n    <itemref idref="{LICENCE_ID}"/>', opf, count=1)
        if not found or "</manifest>" not in opf:
            raise NotAnEpub("the package document has no manifest or spine")
    page = licence_page(title=title, licensee=licensee, order_number=order_number, issued=issued)
    licence_path = f"{folder}/{LICENCE_FILE}" if folder else LICENCE_FILE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for info in source.infolist():
            if info.filename in ("mimetype", licence_path):
                continue
            data = opf.encode("utf-8") if info.filename == opf_path else source.read(info.filename)
            archive.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(licence_path, page, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
