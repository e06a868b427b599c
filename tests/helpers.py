"""Helpers shared by the tests: render Markdown as a chapter would be, write handbooks and
pictures to disk, build editions, and read what a built PDF embeds."""

from __future__ import annotations

import io
import re
import shutil
import struct
import zlib
from pathlib import Path
from textwrap import dedent

import lxml.html
import pypdf
from PIL import Image

from press.cache import output_path
from press.cli import main
from press.model import chapter_anchors
from press.render import render_body
from press.words import ENGLISH_WORDS, Words

# The chapter being rendered and the chapters of its handbook, as render.py passes them.
CURRENT = "03-the-work.md"
CHAPTERS = frozenset({"01-welcome.md", "03-the-work.md", "06-pros-and-cons.md"})


def render(source: str, current: str = CURRENT, chapters: frozenset[str] = CHAPTERS,
           words: Words = ENGLISH_WORDS) -> str:
    """The HTML of a dedented Markdown source, rendered as a chapter of the handbook is."""
    return render_body(dedent(source), current, chapter_anchors(sorted(chapters)), words).html


def assert_renders(source: str, expected: str, current: str = CURRENT,
                   chapters: frozenset[str] = CHAPTERS) -> None:
    """Python-Markdown's assertMarkdownRenders, with the handbook's converter."""
    actual = render(source, current, chapters)
    expected = dedent(expected).strip("\n")
    assert actual == expected, f"\n--- rendered ---\n{actual}\n--- expected ---\n{expected}"


def parse(html: str):
    """Rendered HTML as an lxml tree under one <div>, for assertions on elements."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def source_text(source: str) -> str:
    """A dedented source whose first line follows the opening quotes: that is line 1."""
    return dedent(source).removeprefix("\n")


MINIMAL_BOOK = """\
    title: A Small Handbook
    language: en-GB
    date: 2026-03-01
"""

MINIMAL_CHAPTER = """\
    ---
    title: The only chapter
    summary: What the only chapter says.
    ---

    Some text.
"""


def minimal_book(*lines: str, dated: bool = True) -> str:
    """MINIMAL_BOOK (without its date unless ``dated``) followed by ``lines``."""
    kept = [line for line in source_text(MINIMAL_BOOK).splitlines()
            if dated or not line.startswith("date:")]
    return "\n".join([*kept, *lines]) + "\n"


def write_handbook(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Create a handbook folder holding ``files``.

    Text goes through ``source_text`` and is written as UTF-8; bytes are written as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(source_text(content), encoding="utf-8")
    return folder


def copy_handbook(source: Path, destination: Path, book_yaml_append: str = "",
                  replace: tuple[tuple[str, str], ...] = ()) -> Path:
    """A copy of the handbook ``source`` whose book.yaml has each ``(old, new)`` of
    ``replace`` swapped (``old`` must be there) and ``book_yaml_append`` added at its end."""
    folder = Path(shutil.copytree(source, destination))
    book_yaml = folder / "book.yaml"
    text = book_yaml.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, f"{old!r} is not in {source}/book.yaml"
        text = text.replace(old, new)
    book_yaml.write_text(text + source_text(book_yaml_append), encoding="utf-8")
    return folder


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
       b'<rect width="4" height="4"/></svg>')


def picture(kind: str = "png", size: int = 4) -> bytes:
    """A small, sound picture file: a teal square as PNG or JPEG, or a black one as SVG."""
    if kind == "svg":
        return SVG
    output = io.BytesIO()
    Image.new("RGB", (size, size), "teal").save(output, format={"png": "PNG", "jpg": "JPEG"}[kind])
    return output.getvalue()


def png_of(width: int, height: int) -> bytes:
    """A black PNG of any size, its rows packed eight pixels a byte: a 30000 x 30000 one
    (900 megapixels) takes 110 KB, a decompression bomb for a naive reader."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    packer = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # the filter byte, then the pixels
    rows = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


SHIPPED_FONTS = {"Charis-SIL", "Charis-SIL-Bold", "Charis-SIL-Italic", "Charis-SIL-Bold-Italic",
                 "Inter", "Inter-Italic", "Inter-Semi-Bold", "Inter-Semi-Bold-Italic",
                 "Inter-Bold", "JetBrains-Mono", "JetBrains-Mono-Bold", "Noto-Emoji",
                 "Noto-Emoji-Bold"}  # as the PDFs name them; the Thai fonts come with Thai text


def build_edition(handbook: Path, edition: str, output: Path) -> Path:
    """Build one edition through the command line (which must succeed); the file it wrote."""
    assert main([edition, str(handbook), "--output", str(output)]) == 0
    return output_path(output, handbook.name, edition)


def embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    """The names (without subset tags) of the fonts a PDF's pages use; each must be embedded."""
    names = set()
    for number, page in enumerate(reader.pages, start=1):
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), \
                (number, font["/BaseFont"])
            names.add(font["/BaseFont"].split("+", 1)[1])
    return names


def drawn_streams(page) -> bytes:
    """Everything a PDF page draws: its content and that of the forms it shows, nested."""
    def forms(resources):
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Form":
                yield xobject.get_data()
                yield from forms(xobject.get("/Resources", {}))

    return b"".join([page.get_contents().get_data(), *forms(page["/Resources"])])


def theme_colour(name: str, press: bool = False) -> tuple[float, ...]:
    """The default theme's colour ``name`` (``rating``) as the PDF writes it (RGB, or the
    press's CMYK)."""
    from press.styles import custom_properties

    value = custom_properties("default", press)[f"--colour-{name}"]
    if press:
        return tuple(float(ink) for ink in re.findall(r"[\d.]+", value))
    return tuple(int(value[index:index + 2], 16) / 255 for index in (1, 3, 5))


def star_colours(path: Path, page_number: int) -> tuple[list, list]:
    """The fill colours of the filled shapes on a page, and the stroke colours of the
    stroked ones (the stars of a rating, each drawn as a path)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        shapes = pdf.pages[page_number - 1].curves
        return ([tuple(shape["non_stroking_color"]) for shape in shapes if shape["fill"]],
                [tuple(shape["stroking_color"]) for shape in shapes if shape["stroke"]])


def overlapping_words(path) -> list[tuple[str, str]]:
    """Pairs of words on a PDF's first page whose boxes overlap (parts run into each other)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        # Not the words set at 0.5 pt for screen readers alone (a callout's kind, a rating's).
        words = [word for word in pdf.pages[0].extract_words(extra_attrs=["size"])
                 if word["text"].strip() and word["size"] > 2]
    found = []
    for index, one in enumerate(words):
        for other in words[index + 1:]:
            if (one["x0"] < other["x1"] - 0.5 and other["x0"] < one["x1"] - 0.5
                    and one["top"] < other["bottom"] - 1 and other["top"] < one["bottom"] - 1):
                found.append((one["text"], other["text"]))
    return found


def body_sizes(path) -> set[float]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return {round(char["size"], 1) for char in pdf.pages[0].chars
                if "Charis" in char["fontname"] and "Italic" not in char["fontname"]}

