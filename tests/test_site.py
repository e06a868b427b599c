"""The site: the catalogue, each handbook's page with its downloads, and the web edition,
as a student's browser shows them (a real Chromium, with axe-core) and as files on disk."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pypdf
import pytest
from fontTools.ttLib import TTFont

from press.cli import main
from press.sources import load_book
from press.palette import GROUNDS, MINIMUM_CONTRAST, TEXT, contrast, palettes
from press.styles import custom_properties

from .conftest import ROOT, violations
from .helpers import body_sizes, overlapping_words

HANDBOOKS = sorted((ROOT / "chapters").glob("*/book.yaml"))
SLUGS = [path.parent.name for path in HANDBOOKS]
ATOM = "{http://www.w3.org/2005/Atom}"
VIEWPORTS = ((375, 667), (1280, 800))


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """The site of the shipped handbooks, built once for this module."""
    folder = tmp_path_factory.mktemp("site")
    assert main(["site", *(str(path.parent) for path in HANDBOOKS), "--output", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def site(output) -> Path:
    return output / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def web_pages(site: Path) -> list[Path]:
    """The site's own pages (Pagefind's folder holds none a reader opens)."""
    return [page for page in pages(site) if "pagefind" not in page.relative_to(site).parts]


def tree(page: Path):
    return lxml.html.parse(str(page)).getroot()


# --- On disk ---------------------------------------------------------------------------

@pytest.mark.slow
def test_the_site_holds_a_catalogue_a_page_per_handbook_and_a_page_per_chapter(site):
    assert (site / "index.html").is_file() and (site / "opds.xml").is_file()
    for slug, book in zip(SLUGS, HANDBOOKS):
        chapters = sorted(book.parent.glob("*.md"))
        assert (site / slug / "index.html").is_file()
        assert len(list((site / slug / "read").glob("*.html"))) == len(chapters)
        for name in (f"{slug}.epub", f"{slug}.pdf", f"{slug}-booklet.pdf", f"{slug}-flyer.pdf"):
            assert (site / slug / name).stat().st_size > 1000


def assert_links_resolve(site: Path) -> int:
    """Every link and source of every page leads to a file of the site (and a fragment to
    an id there); links to other sites only from the text. Returns how many were followed."""
    checked = 0
    for page in web_pages(site):
        document = tree(page)
        for element, attribute, address, _ in document.iterlinks():
            parts = urlsplit(address)
            if parts.scheme in ("http", "https", "mailto"):
                assert element.tag == "a", f"{page}: {element.tag} loads {address} from another site"
                continue
            assert not parts.scheme and not parts.netloc, f"{page}: {address}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(site)}: {address} leads nowhere"
            assert target.is_relative_to(site.resolve())
            if parts.fragment and target.suffix == ".html":
                assert tree(target).get_element_by_id(parts.fragment, None) is not None, \
                    f"{page.relative_to(site)}: no #{parts.fragment} in {target.name}"
            checked += 1
    return checked


def assert_fonts_draw_every_character(site: Path) -> None:
    for sheet in site.rglob("style.css"):
        drawn = set()
        for font in (sheet.parent / "fonts").glob("*.woff2"):
            drawn |= set(TTFont(font).getBestCmap())
        pages_of_sheet = [page for page in web_pages(site)
                          if (page.parent / tree(page).cssselect("link[rel=stylesheet]")[0]
                              .get("href")).resolve() == sheet.resolve()]
        assert pages_of_sheet
        for page in pages_of_sheet:
            text = tree(page).text_content()
            missing = {character for character in text
                       if not character.isspace() and ord(character) not in drawn
                       and character not in "\u200d\ufe0f"}
            assert not missing, f"{page}: {sorted(missing)}"


@pytest.mark.slow
def test_every_link_and_source_in_the_site_leads_to_a_file_in_it(site):
    # Every page, its style sheet, contents, pager and links in the text.
    assert assert_links_resolve(site) > 200


@pytest.mark.slow
def test_style_sheets_load_only_the_sites_own_fonts_as_woff2(site):
    sheets = sorted(site.rglob("style.css"))
    assert len(sheets) == 1 + len(SLUGS)
    for sheet in sheets:
        css = sheet.read_text()
        addresses = re.findall(r"url\(([^)]*)\)", css)
        assert addresses and all(address.startswith("fonts/") and address.endswith(".woff2")
                                 for address in addresses), addresses
        for address in addresses:
            data = (sheet.parent / address).read_bytes()
            assert data[:4] == b"wOF2"
            original = next((ROOT / "styles" / "fonts").rglob(Path(address).stem + ".*"))
            assert len(data) < original.stat().st_size / 4  # cut down to what is used
        assert "@import" not in css


@pytest.mark.slow
def test_the_fonts_draw_every_character_the_pages_show(site):
    assert_fonts_draw_every_character(site)


@pytest.mark.slow
def test_each_download_states_the_size_and_pages_of_its_file(site):
    """In the handbook's language: "PDF, A5, 22 pages, 233 KB", "PDF, A4, 5 feuilles, 406 ko"."""
    for path in HANDBOOKS:
        slug, words = path.parent.name, load_book(path.parent).words
        page = tree(site / slug / "index.html")
        downloads = page.cssselect(".downloads li")
        assert [item.cssselect("a")[0].text for item in downloads] == [
            words(f"{name}_label") for name in ("pdf", "epub", "booklet", "flyer")]
        for item in downloads:
            link = item.cssselect("a")[0]
            path = site / slug / link.get("href")
            details = item.cssselect(".download-details")[0].text
            number, unit = re.search(r"([\d.,]+) (KB|MB|ko|Mo)$", details).groups()
            size = path.stat().st_size
            assert float(number.replace(",", ".")) == (
                round(size / 1000) if unit in ("KB", "ko") else round(size / 1_000_000, 1)
            ), (details, size)
            if path.suffix == ".pdf":
                count = len(pypdf.PdfReader(path).pages)
                stated, unit = re.search(r"(\d+) (pages?|sheets?|feuilles?)", details).groups()
                if unit in ("sheets", "feuilles"):  # four pages of the PDF to a sheet
                    pdf = len(pypdf.PdfReader(site / slug / f"{slug}.pdf").pages)
                    assert int(stated) == -(-pdf // 4) and count == 2 * int(stated)
                else:
                    assert int(stated) == count
        booklet = downloads[2].cssselect(".download-purpose")[0].text
        assert booklet == words("booklet_purpose", paper="A4")
    assert booklet.startswith("pour une imprimante de bureau\u202f: imprimer sur papier A4")


@pytest.mark.slow
def test_the_handbook_page_has_what_a_student_looks_for(site):
    page = tree(site / "ai-ml-engineer" / "index.html")
    assert page.get("lang") == "en-GB"
    assert [h.text_content() for h in page.iter("h1")] == ["AI / ML Engineer"]
    cover = page.cssselect("img.handbook-cover")[0]
    assert cover.get("alt").startswith("Front cover of AI / ML Engineer")
    facts = page.cssselect(".handbook-facts")[0].text_content()
    assert "2027 edition" in facts and "27 November 2026" in facts and "English" in facts
    assert page.cssselect("a.read-button")[0].get("href") == "read/01-welcome.html"
    contents = page.cssselect(".handbook-contents li")
    assert len(contents) == 8
    assert all(item.cssselect("p") for item in contents)  # each chapter's summary


@pytest.mark.slow
def test_the_catalogue_lists_every_handbook_with_its_cover_and_summary(site):
    page = tree(site / "index.html")
    cards = page.cssselect(".card")
    assert [card.cssselect("h3 a")[0].get("href") for card in cards] == [
        f"{slug}/index.html" for slug in SLUGS]
    for card in cards:
        assert card.cssselect("img")[0].get("src").endswith("/cover.png")
        assert card.cssselect(".card-summary")[0].text_content().strip()
    # Two series: each a group; the catalogue in English, the French handbook's card in French.
    assert page.cssselect("h1")[0].text == "Handbooks"
    assert [h2.text for h2 in page.cssselect(".catalogue-group h2")] == [
        "Careers Handbooks", "Guides des métiers"]
    assert page.get("lang") == "en"
    assert [card.get("lang") for card in cards] == ["en-GB", "en-GB", "fr-FR"]
    assert "27 novembre 2026" in cards[2].text_content()


@pytest.mark.slow
def test_the_opds_feed_is_atom_listing_each_epub_and_pdf(site):
    feed = lxml.etree.parse(str(site / "opds.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(SLUGS)
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        acquired = {link.get("type"): link.get("href") for link in entry.findall(f"{ATOM}link")
                    if link.get("rel") == "http://opds-spec.org/acquisition/open-access"}
        assert set(acquired) == {"application/epub+zip", "application/pdf"}
        for link in entry.findall(f"{ATOM}link"):
            assert (site / link.get("href")).is_file()


@pytest.mark.slow
def test_a_wide_table_scrolls_in_a_region_named_by_its_caption(site):
    page = tree(site / "ai-ml-engineer" / "read" / "05-pay-and-prospects.html")
    region = page.cssselect(".table-region")[0]
    assert region.get("role") == "region" and region.get("tabindex") == "0"
    caption = page.get_element_by_id(region.get("aria-labelledby"))
    assert caption.tag == "caption" and "compares" in caption.text_content()


@pytest.mark.slow
def test_links_between_chapters_lead_to_the_other_chapters_page(site):
    page = tree(site / "ai-ml-engineer" / "read" / "01-welcome.html")
    links = {link.get("href") for link in page.cssselect("a.xref")}
    assert "02-skills-and-education.html" in links


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_the_chapter_pages_hold_the_words_of_the_pdf(output, site, slug):
    """Every word of a chapter's web page is in the PDF's text of that chapter, and the
    PDF's chapter has no words the web page lacks but its running heads and page words."""
    reader = pypdf.PdfReader(output / f"{slug}.pdf")
    book = tree(site / slug / "index.html").cssselect("h1")[0].text
    texts = [page.extract_text() for page in reader.pages]
    chapters = [(item.title, reader.get_destination_page_number(item))
                for item in reader.outline if not isinstance(item, list)]
    chapter_pages = sorted((site / slug / "read").glob("*.html"))
    numbered = [(title, start) for title, start in chapters
                if any(tree(page).cssselect("h1")[0].text == title for page in chapter_pages)]
    assert len(numbered) == len(chapter_pages)
    assert texts[-1].startswith(book + "\n")  # the back cover
    for index, (title, start) in enumerate(numbered):
        # The last chapter ends before the back cover, the PDF's last page.
        end = numbered[index + 1][1] if index + 1 < len(numbered) else len(texts) - 1
        pdf = "\n".join(texts[start:end])
        page = next(page for page in chapter_pages if tree(page).cssselect("h1")[0].text == title)
        web = words(tree(page).cssselect("article")[0].text_content())
        joined = words(re.sub(r"[-\u2010\u00ad]\n(?=\w)", "", pdf))  # words hyphenated at line ends
        assert web <= joined | words(pdf), (title, sorted(web - joined - words(pdf)))
        extra = {word for word in joined - web if not word.isdigit()
                 and not any(word == a + b for a in web for b in web)}
        # Running heads, page words, and the words the style sheets write on both (the
        # callouts' labels).
        generated = " ".join(re.findall(r'content: "([^"]*)"', (ROOT / "styles" / "base.css")
                                        .read_text()))
        assert extra <= words(f"page {book} {title} {generated}"), (title, sorted(extra))


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))  # the PDF sets some in capitals


@pytest.mark.slow
def test_an_unchanged_handbook_is_not_built_again(output, capsys):
    capsys.readouterr()
    assert main(["site", *(str(path.parent) for path in HANDBOOKS), "--output", str(output)]) == 0
    assert capsys.readouterr().out.count("up to date") == len(SLUGS)


@pytest.mark.slow
def test_the_same_sources_give_the_same_site(site, tmp_path):
    """Every file: pages, fonts, covers, downloads, the feed and the search index."""
    assert main(["site", *(str(path.parent) for path in HANDBOOKS), "--output",
                 str(tmp_path / "again")]) == 0
    again = tmp_path / "again" / "site"
    files = sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    for name in files:
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


def test_every_themes_text_colours_stand_out_by_day_and_by_night():
    for theme in ("default", "evergreen"):
        for palette in palettes(custom_properties(theme)):
            grounds = [palette["ground"]] + [palette[name] for name in GROUNDS]
            for name in TEXT:
                for ground in grounds:
                    assert contrast(palette[name], ground) >= MINIMUM_CONTRAST, (theme, name)
            assert contrast(palette["head"], palette["head-text"]) >= MINIMUM_CONTRAST


# --- In a browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    """The site served on the loopback address, as a web server would."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *arguments: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.slow
def test_axe_finds_nothing_on_any_page_on_a_phone_and_a_desktop_light_and_dark(site, browser):
    """Opened from disk (file://), so also: every page works without a server. Every page
    on a phone, where a page is narrowest, and the fullest page of each kind on a desktop
    (the same colours, more room): a browser takes a second or two a page."""
    found = []
    every = web_pages(site)
    kinds: dict[tuple, Path] = {}
    for path in sorted(every, key=lambda path: path.stat().st_size):
        parts = path.relative_to(site).parts
        kinds[len(parts), "read" in parts, parts[-1] == "index.html"] = path
    for width, height in VIEWPORTS:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": width, "height": height},
                                          color_scheme=scheme)
            page = context.new_page()
            for path in every if width == min(VIEWPORTS)[0] else kinds.values():
                page.goto(path.as_uri())
                name = f"{path.relative_to(site)} at {width} px, {scheme}"
                assert page.locator("h1").count() == 1, name
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, f"{name}: {wide} px wide"
                found += [f"{name}: {problem}" for problem in violations(page)]
            context.close()
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_the_keyboard_reaches_every_link_in_order(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    for path in (site / "index.html", site / "ai-ml-engineer" / "index.html",
                 site / "ai-ml-engineer" / "read" / "05-pay-and-prospects.html"):
        page.goto(path.as_uri())
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        reached = []
        for _ in range(len(links) + 10):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.href || ''")
            visible = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                return e === document.body || (s.outlineStyle !== 'none' && s.outlineWidth !== '0px'); }""")
            assert visible, f"{path}: no focus ring on {focused}"
            if focused:
                reached.append(focused)
            if len(reached) == len(links):
                break
        assert reached == links, path
    page.goto((site / "ai-ml-engineer" / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when reached
    page.close()


@pytest.mark.slow
def test_the_pages_work_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "ai-ml-engineer" / "read" / "06-pros-cons-and-myths.html").as_uri())
    assert page.locator("h1").inner_text() == "Pros, cons and myths: is this job right for you?"
    assert page.locator(".pager-next").count() == 1
    page.goto((site / "index.html").as_uri())
    assert page.locator(".card").count() == len(SLUGS)
    context.close()


@pytest.mark.slow
def test_served_the_catalogue_searches_every_handbook(served, browser):
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 375, "height": 667}, color_scheme=scheme)
        page.goto(served)
        page.locator(".pagefind-ui__search-input").fill("pipelines")
        result = page.locator(".pagefind-ui__result-link").first
        result.wait_for(timeout=10_000)
        assert "/read/" in result.get_attribute("href")
        assert not violations(page), scheme
        page.close()


@pytest.mark.slow
def test_opened_from_disk_the_catalogue_goes_without_search(site, browser):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    assert page.locator("#search").is_hidden()
    page.close()


@pytest.mark.slow
def test_a_catalogue_removed_is_made_again_though_every_handbook_is_up_to_date(output, capsys):
    (output / "site" / "index.html").unlink()
    capsys.readouterr()
    assert main(["site", *(str(path.parent) for path in HANDBOOKS), "--output", str(output)]) == 0
    said = capsys.readouterr().out
    assert said.count("up to date") == len(SLUGS) and f"catalogue of {len(SLUGS)} handbooks" in said
    assert (output / "site" / "index.html").is_file()


@pytest.mark.slow
def test_a_file_where_the_site_folder_goes_is_one_line_and_exit_1(small_handbook, tmp_path,
                                                                   capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "site").write_text("not a folder")
    assert main(["site", str(small_handbook), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"publish.py: error: cannot write {tmp_path}/out/site: a file stands where "
                   "a folder must be"]
    assert (tmp_path / "out" / "site").read_text() == "not a folder"


def test_the_makefile_has_a_target_for_every_edition():
    import subprocess

    for edition in ("pdf", "epub", "print", "booklet", "flyer", "site"):
        done = subprocess.run(["make", "-n", edition, "BOOK=chapters/data-engineer"], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        assert f"publish.py {edition} chapters/data-engineer --output output" in done.stdout


ODD_BOOK = """\
title: Tom & "Jerry's" <b>Guide</b>
subtitle: Cats, mice & co.
series: Odd Series
language: en-GB
date: 2026-03-01
identifier: "978-1-4028-9462-6"
description: A guide whose name needs escaping & quoting.
contact: careers@example.org
"""


@pytest.mark.slow
def test_a_handbook_with_characters_that_need_escaping_builds_a_sound_site(tmp_path, browser):
    """A folder named with a space, '#' and '&', a title with quotes, an apostrophe and
    markup, and an ISBN: links still resolve, the fonts draw every character, the feed is
    Atom, and axe finds nothing."""
    from .helpers import write_handbook

    folder = write_handbook(tmp_path / "odd #1 & co", {
        "book.yaml": ODD_BOOK,
        "01-only.md": "---\ntitle: It's \"here\" & <now>\nsummary: Tom & Jerry's.\n---\n\n"
                      "Text with an apostrophe's & an ampersand.\n"})
    assert main(["site", str(folder), "--output", str(tmp_path / "out")]) == 0
    site = tmp_path / "out" / "site"
    assert assert_links_resolve(site) > 10
    assert_fonts_draw_every_character(site)
    formats = tree(site / "odd #1 & co" / "index.html").cssselect("#formats a")
    assert [(link.get("href"), link.text) for link in formats] == [
        ("mailto:careers@example.org", "careers@example.org")]  # where to ask for large print
    feed = lxml.etree.parse(str(site / "opds.xml")).getroot()
    assert feed.find(f"{ATOM}entry/{ATOM}id").text == "urn:isbn:978-1-4028-9462-6"
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == 'Tom & "Jerry\'s" <b>Guide</b>'
    for link in feed.iter(f"{ATOM}link"):
        assert (site / unquote(link.get("href"))).is_file()
    page = browser.new_page()
    for path in web_pages(site):
        page.goto(path.as_uri())
        assert not violations(page), path
    assert page.locator("h1").inner_text() in ('Tom & "Jerry\'s" <b>Guide</b>',
                                              'It\'s "here" & <now>')
    page.close()


def test_a_handbook_may_not_take_a_name_the_site_keeps(tmp_path, capsys):
    from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, write_handbook

    folder = write_handbook(tmp_path / "_search", {"book.yaml": MINIMAL_BOOK,
                                                   "01-only.md": MINIMAL_CHAPTER})
    assert main(["site", str(folder), "--output", str(tmp_path / "out")]) == 2
    assert "the site keeps the name '_search' for itself" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_build_stopped_before_the_catalogue_has_it_made_at_the_next_run(tmp_path, capsys,
                                                                         monkeypatch):
    import press.publishing

    from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, write_handbook

    folder = write_handbook(tmp_path / "small", {"book.yaml": MINIMAL_BOOK,
                                                 "01-only.md": MINIMAL_CHAPTER})
    output = tmp_path / "out"
    assert main(["site", str(folder), "--output", str(output)]) == 0
    (folder / "book.yaml").write_text((folder / "book.yaml").read_text()
                                      .replace("A Small Handbook", "A Renamed Handbook"))
    real = press.publishing.refresh_catalogue
    monkeypatch.setattr(press.publishing, "refresh_catalogue", lambda *arguments: None)
    assert main(["site", str(folder), "--output", str(output)]) == 0  # stopped before it
    monkeypatch.setattr(press.publishing, "refresh_catalogue", real)
    assert "A Small Handbook" in (output / "site" / "index.html").read_text()
    capsys.readouterr()
    assert main(["site", str(folder), "--output", str(output)]) == 0
    said = capsys.readouterr().out
    assert "up to date" in said and "catalogue of 1 handbook" in said
    assert "A Renamed Handbook" in (output / "site" / "index.html").read_text()
    assert "A Small Handbook" not in (output / "site" / "opds.xml").read_text()


def test_a_pale_brand_colour_is_darkened_for_text_and_table_heads():
    theme = dict(custom_properties("default"), **{
        "--colour-brand": "#4a90e2", "--colour-brand-dark": "#8ab4f8", "--colour-accent": "#ffd54f",
        "--colour-brand-pale": "#f0f6ff"})
    for palette in palettes(theme):
        grounds = [palette["ground"]] + [palette[name] for name in GROUNDS]
        assert all(contrast(palette[name], ground) >= MINIMUM_CONTRAST
                   for name in TEXT for ground in grounds)
        assert contrast(palette["head"], palette["head-text"]) >= MINIMUM_CONTRAST
    light, _ = palettes(theme)
    assert contrast(light["head"], "#ffffff") >= MINIMUM_CONTRAST  # a dark ground under white


def test_a_transparent_png_cover_keeps_its_transparency():
    import io

    from PIL import Image

    from press.site import small_cover

    picture = Image.new("RGBA", (1200, 1700), (0, 0, 0, 0))
    picture.paste((12, 86, 107, 255), (100, 100, 1100, 1600))
    data = io.BytesIO()
    picture.save(data, format="PNG")
    small, size = small_cover(data.getvalue())
    with Image.open(io.BytesIO(small)) as result:
        assert size == (600, 850) and result.mode == "RGBA"
        assert result.getpixel((2, 2))[3] == 0 and result.getpixel((300, 400)) == (12, 86, 107, 255)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_web_edition_marks_the_print_pages_where_the_epub_does(output, site, slug):
    """A chapter's web page shows each print page's number where the EPUB's page-break
    marker is, before the same words, named for screen readers."""
    import zipfile

    from press.pages import _text_slots, not_counted

    def after_markers(root, role_of=lambda element: element.get("role")) -> list:
        slots = list(_text_slots(root, not_counted))
        found = []
        for index, (element, slot) in enumerate(slots):
            if slot == "tail" and role_of(element) == "doc-pagebreak":
                text = "".join(getattr(e, s) or "" for e, s in slots[index:index + 30])
                found.append((element.get("id"), re.sub(r"\W", "", text)[:20].casefold()))
        return found

    archive = zipfile.ZipFile(output / f"{slug}.epub")
    marked = 0
    for page in sorted((site / slug / "read").glob("*.html")):
        article = tree(page).cssselect("article")[0]
        epub = lxml.etree.fromstring(archive.read(f"EPUB/{page.stem}.xhtml"))
        section = epub.find(".//{http://www.w3.org/1999/xhtml}section")
        assert after_markers(article) == after_markers(section), page.name
        for marker in article.cssselect("[role=doc-pagebreak]"):
            number = marker.get("id").removeprefix("page-")
            assert marker.get("title") == f"Page {number}" and marker.get("data-page") == number
            marked += 1
    assert marked >= 10


def test_a_blank_print_page_shows_no_number_over_the_next(site, browser):
    """The second handbook opens its chapters on right-hand pages: page 6 is blank in
    print and marked where page 7, the first chapter's, begins: the margin shows 7 alone,
    not two numbers drawn over each other."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((site / "data-engineer" / "read" / "01-welcome.html").as_uri())
    shown = page.evaluate("""[...document.querySelectorAll('.page-break')].slice(0, 2)
        .map((marker) => [marker.id, getComputedStyle(marker, '::after').content])""")
    assert shown == [["page-6", "none"], ["page-7", '"7" / ""']]
    page.close()


# --- In another language -----------------------------------------------------------------

FRENCH = "infirmier"  # the shipped handbook in French


def _words_of(word) -> list[str]:
    return (list(word.values()) if isinstance(word, dict) else [] if isinstance(word, list)
            else [word])


def _says(fragment: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(fragment) + r"(?!\w)", text) is not None


def _readable(root) -> str:
    """What a reader gets of a page: its text and the words in its alt, title, aria-label
    and meta attributes (not its scripts nor styles)."""
    for element in root.xpath("//*[local-name()='script' or local-name()='style']"):
        element.getparent().remove(element)
    said = ["".join(root.itertext())]
    for element in root.iter():
        if isinstance(element.tag, str):
            said += [element.get(name) for name in ("alt", "title", "aria-label", "content")
                     if element.get(name)]
    return " ".join(said)


@pytest.mark.slow
def test_the_french_handbook_has_no_english_generated_word_in_any_edition(output):
    """The French handbook's PDF (its text, title and links' words), press PDF, booklet,
    fact sheet, EPUB (every page, the navigation, the package) and site pages hold none of
    English's generated words: each piece of English's words between its fields, where it
    is not a word of the handbook's own text nor of French's words too (Guide, Notes)."""
    from press import words

    english, french = words.file_words("en"), words.file_words("fr")
    folder = ROOT / "chapters" / FRENCH
    own = " ".join(path.read_text(encoding="utf-8") for path in folder.iterdir()
                   if path.suffix in (".md", ".yaml"))
    own += " " + " ".join(text for word in french.values() for text in _words_of(word))
    pieces = {piece.strip(" .,:;()") for word in english.values() for text in _words_of(word)
              for piece in re.split(r"\{\w+\}", text)}
    english_only = {piece for piece in pieces if len(piece) >= 3 and not _says(piece, own)}
    assert {"Contents", "Chapter", "Published", "out of", "Read online", "Myth"} <= english_only
    documents = {}
    assert main(["print", str(folder), "--output", str(output)]) == 0  # the site has the rest
    for name in (f"{FRENCH}.pdf", f"{FRENCH}-print.pdf", f"{FRENCH}-booklet.pdf",
                 f"{FRENCH}-flyer.pdf"):
        reader = pypdf.PdfReader(output / name)
        links = [str(annotation.get_object().get("/Contents", ""))
                 for page in reader.pages for annotation in page.get("/Annots") or ()]
        documents[name] = " ".join([page.extract_text() for page in reader.pages]
                                   + [str(reader.metadata.title)] + links)
    with zipfile.ZipFile(output / f"{FRENCH}.epub") as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                documents[name] = _readable(lxml.etree.fromstring(archive.read(name)))
    for page in web_pages(output / "site"):
        if page.is_relative_to(output / "site" / FRENCH):
            documents[str(page.relative_to(output))] = _readable(tree(page))
    assert len(documents) > 12
    found = {name: sorted(piece for piece in english_only if _says(piece, text))
             for name, text in documents.items()}
    assert not {name: pieces for name, pieces in found.items() if pieces}
    # And the French ones are there.
    office = documents[f"{FRENCH}.pdf"]
    for said in ("Sommaire", "CHAPITRE 1", "Publication", "27 novembre 2026",
                 "«\u202finfirmier\u202f»"):
        assert said in office, said
    assert "(page 9)" in office.replace("\u00a0", " ")
    assert "Dans ce guide" in documents[f"{FRENCH}-flyer.pdf"]
    # Its subtitle on two full lines, not "Soigner," alone on the first (press.patches).
    assert "Soigner, surveiller, accompagner\u202f: la formation" in documents[
        f"{FRENCH}-flyer.pdf"].replace("\u00a0", "\u202f")
    # Its pay section and its pros and cons take more than the sheet in flyer.css's 12 pt:
    # set smaller, on its one page, no word over another (WeasyPrint laid them overlapping).
    flyer = output / f"{FRENCH}-flyer.pdf"
    assert overlapping_words(flyer) == [] and max(body_sizes(flyer)) < 12
    assert "<title>Sommaire</title>" in zipfile.ZipFile(output / f"{FRENCH}.epub").read(
        "EPUB/_nav.xhtml").decode()
    page = documents[f"site/{FRENCH}/index.html"]
    assert "Lire en ligne" in page and "Télécharger" in page and "Livre numérique EPUB" in page
