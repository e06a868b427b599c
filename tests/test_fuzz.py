"""Generated handbooks, sound and broken: the pipeline builds them or reports source errors,
and never fails in any other way.

The default run is short, for CI; `make fuzz` runs 10 000 cases (FUZZ_EXAMPLES) and reports
the count.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from press.build import load_and_check, print_html
from press.cli import main
from press.epub import chapter_file, picture_files, xhtml_body
from press import limits
from press.findings import SourceError

from .helpers import picture, png_of, write_handbook

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZING = "FUZZ_EXAMPLES" in os.environ
GENERATED = {"handbooks": 0, "built": 0, "refused": 0, "whole way": 0}

SOUND_WORDS = ["salary", "data", "engineer", "café", "naïve", "über", "—", "–", "…",
               "“quoted”", "it’s", "🤖", "&", "\u200d", "\ufe0f", "x" * 60,
               "https://example.org/a_(b)."]
BROKEN_WORDS = ["Ã©", "â€”", "โ", "ข้อมูล", "\ue000", "★", "<b>", "Die StraÃŸe"]


def pick(sound: bool, good: list, bad: list):
    """A choice among the sound values, and among the broken ones too unless ``sound``."""
    return st.sampled_from(good if sound else good + bad)


def text(sound: bool):
    return st.lists(pick(sound, SOUND_WORDS, BROKEN_WORDS), min_size=1, max_size=8).map(" ".join)


def ratings(sound: bool):
    pairs = pick(sound, ["0/5", "3/5", "4.5/5", "9/10", "10/10", "1/1"],
                 ["11/10", "-1/5", "3.3/5", "x/5", "9/5", "3/0", "3/ten"])
    return st.one_of(pairs.map(lambda pair: f"[stars: {pair}]"),
                     st.builds(lambda n: f"[stars: {n}]", pick(sound, ["4", "2.5"], ["5.5", "", "w"])))


@st.composite
def blocks(draw, sound: bool, name: str) -> str:
    """A block of chapter ``name``; ``#part`` leads somewhere only in 02-b.md."""
    words = text(sound)
    kind = draw(st.integers(0, 14))
    if kind == 0:
        return f"{draw(pick(sound, ['##', '###'], ['#', '####']))} {draw(words)}"
    if kind == 1:
        return f"{draw(words)} {draw(ratings(sound))} {draw(words)}"
    if kind == 2:
        return draw(ratings(sound))
    if kind == 3:
        title = draw(st.one_of(st.just(""), words.map(lambda t: f' "{t}"')))
        callout = draw(pick(sound, ["note", "tip", "warning", "pros", "cons", "myth"], ["danger"]))
        return f"!!! {callout}{title}\n    - {draw(words)}\n    - {draw(words)}"
    if kind == 4:
        dash = draw(pick(sound, ["—", "---", "--", ""], []))
        return f"> {draw(words)}\n>\n> {dash} {draw(words)}"
    if kind == 5:
        rows = "\n".join(f"| {draw(words)} | {draw(ratings(sound))} |"
                         for _ in range(draw(st.integers(1, 4))))
        caption = draw(pick(sound, ["", "\n\nTable: A caption."], ["\nTable: Too close."]))
        return f"| A | B |\n|---|:---:|\n{rows}{caption}"
    if kind == 6:
        here = ["#part"] if name == "02-b.md" else []
        target = draw(pick(sound, ["01-a.md", "02-b.md", "02-b.md#part", *here,
                                   "mailto:a@example.org", "https://example.org"],
                           ["02-b.md#nowhere", "03-missing.md", "images/p.png",
                            "javascript:alert(1)", "../outside.md", "#nowhere"]))
        return f"{draw(words)} [{draw(words)}]({target}) {draw(words)}"
    if kind == 7:
        alt = draw(pick(sound, ["A picture"], [""]))
        picture = draw(pick(sound, ["images/p.png", "images/p.svg"],
                            ["images/missing.png", "http://127.0.0.1:9/x.png", "../x.png",
                             "images/bad.png", "images/active.svg", "images/a%00.png"]))
        return f"![{alt}]({picture})"
    if kind == 8:
        tag = draw(pick(sound, ["<br>", "<sup>2</sup>", '<abbr title="t">T</abbr>', "<kbd>K</kbd>",
                                '<span class="c">s</span>'],
                        ["<script>x</script>", "<iframe></iframe>", '<span onclick="x">s</span>',
                         "<div>d</div>"]))
        return f"{draw(words)} {tag} {draw(words)}"
    if kind == 9:
        return f"{draw(words)}[^n{kind}]\n\n[^n{kind}]: {draw(words)}"
    if kind == 10:
        return f"- {draw(words)}\n    - {draw(words)}\n\n1. {draw(words)}"
    if kind == 11:  # HTML over several lines, or hiding in attribute values
        return draw(pick(sound, ['<abbr\ntitle="t">T</abbr>', '<span\n  class="c">s</span>',
                                 "<!-- a note\nover two lines -->", '<abbr title="<b>">x</abbr>'],
                         ['<span class="x"\nonclick="y">s</span>', '<iframe\nsrc="x"></iframe>',
                          '<span title=">" onclick="x">s</span>', "<SCRIPT>x</SCRIPT>",
                          '<span title="x', "<div>\n<style>p{}</style>\n</div>"]))
    if kind == 12:  # reference links and pictures, shortcut ones too
        if draw(st.booleans()):
            use = draw(st.sampled_from(["![{t}][{r}]", "![{r}]"]))
            target = draw(pick(sound, ["images/p.png", "images/p.svg"],
                               ["http://127.0.0.1:9/p.png", "//127.0.0.1:9/p.png",
                                "images/outside.png", "../x.png"]))
        else:
            use = draw(st.sampled_from(["[{t}][{r}]", "[{r}]", "[{t}][]"]))
            target = draw(pick(sound, ["02-b.md", "https://example.org", "mailto:a@example.org"],
                               ["javascript:alert(1)", "//example.org/x", "ftp://x",
                                "03-nope.md", "images/p.png", "jav&#97;script:x"]))
        return use.format(t=draw(words), r=LABEL) + f"\n\n[{LABEL}]: {target}"
    if kind == 13:  # too big or too deep to build, or just short of it
        depth = draw(pick(sound, [3, 8], [limits.MAX_DEPTH + 1, 200]))
        size = draw(pick(sound, [40, 200], [limits.MAX_WORD + 1]))
        return draw(st.sampled_from([
            "> " * depth + draw(words), "- " * depth + draw(words),
            "".join(f"{'    ' * level}- {level}\n" for level in range(depth)),
            "y" * size,
            "[stars:3] " * draw(pick(sound, [30], [limits.MAX_RATINGS + 1])),
            f"![A bomb](images/{draw(pick(sound, ['p.png'], ['bomb.png']))})"]))
    return draw(words)


@st.composite
def chapters(draw, name: str, sound: bool) -> str:
    keys = ["title", "summary"] + ([] if sound else draw(
        st.lists(st.sampled_from(["sumary", "titel", "short_title"]), unique=True, max_size=2)))
    if not sound and draw(st.booleans()):
        keys.remove("title")
    values = {key: draw(text(True)) for key in keys}
    fence = "---" if sound else draw(st.sampled_from(["---", "---", ""]))
    header = f"{fence}\n" + "".join(f"{key}: {values[key]!r}\n" for key in keys) + f"{fence}\n"
    body = "\n\n".join(block.replace(LABEL, f"ref{number}") for number, block in  # one each
                         enumerate(draw(st.lists(blocks(sound, name), min_size=0, max_size=8))))
    heading = "## Part\n\n" if name == "02-b.md" else ""
    return header + "\n" + heading + body + "\n"


@st.composite
def handbooks(draw) -> tuple[bool, dict[str, str | bytes], dict[str, str]]:
    """Whether the handbook is sound (it must build), its files, and the symbolic links in
    it (name: where it leads); a handbook drawn as broken may happen to be sound too."""
    sound = draw(st.booleans())
    book_yaml = "title: A handbook\nlanguage: en-GB\n"
    extra = {"page_size": pick(sound, ["A5", "A4", "Letter"], ["A3"]),
             "date": pick(sound, ["2026-01-15"], ["2026-13-01", "soon"]),
             "url": pick(sound, ["https://example.org/h"], ["example.org"]),
             "theme": pick(sound, ["default", "evergreen"], ["nope"]),
             "subtitle": text(True).map(repr)}
    if not sound:
        extra.update({"titel": st.just("x"), "language": st.sampled_from(["english", "th"])})
    for key in draw(st.lists(st.sampled_from(sorted(extra)), unique=True, max_size=4)):
        book_yaml += f"{key}: {draw(extra[key])}\n"
    files: dict[str, str | bytes] = {"book.yaml": book_yaml,
                                     "01-a.md": draw(chapters("01-a.md", sound)),
                                     "02-b.md": draw(chapters("02-b.md", sound)),
                                     "images/p.png": PNG, "images/bad.png": b"\x89PNG broken",
                                     "images/p.svg": SVG}
    if not sound and draw(st.integers(0, 5)) == 0:
        files["01-a.md"] = draw(st.binary(min_size=1, max_size=40))  # not UTF-8, or not text
    if not sound:
        files["images/bomb.png"] = BOMB
        files["images/active.svg"] = ACTIVE_SVG
    # Symbolic links: inside the handbook (followed), or out of it, or nowhere (refused).
    links = {}
    for name, inside in draw(st.lists(st.sampled_from(LINKED), unique=True, max_size=2)):
        targets = ([inside] if inside else []) + ([] if sound else OUTSIDE_TARGETS)
        if targets:
            links[name] = draw(st.sampled_from(targets))
    return sound, files, links


LABEL = "\x00label\x00"  # a reference's label, made unique in its chapter

# Files that may be links, and where a link that stays inside the handbook may lead.
LINKED = [("03-c.md", "02-b.md"), ("images/q.png", "p.png"), ("images/outside.png", "p.png"),
          ("book.yaml", None)]
OUTSIDE_TARGETS = ["../outside.md", "../outside.png", "/etc/passwd", "nowhere"]
PNG = picture("png")
SVG = picture("svg")
BOMB = png_of(20_000, 20_000)  # 400 megapixels in 60 KB
ACTIVE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" onload="alert(1)">'
              b'<script>alert(2)</script></svg>')

# A sound handbook that links to a heading in the other chapter and one in its own: it is
# tried first, so every run builds at least one handbook the whole way.
SOUND = (True, {"book.yaml": "title: A handbook\nlanguage: en-GB\ndate: 2026-01-15\n",
                "01-a.md": "---\ntitle: A\nsummary: S.\n---\n\nSee [the part](02-b.md#part).\n",
                "02-b.md": "---\ntitle: B\nsummary: S.\n---\n\n## Part\n\n"
                           "Back to [the part](#part) and ![A picture](images/p.png).\n",
                "images/p.png": PNG}, {"images/q.png": "p.png"})


@pytest.fixture(scope="module", autouse=True)
def report_count():
    yield
    assert GENERATED["built"] >= 1 and GENERATED["whole way"] >= (0 if FUZZING else 1), GENERATED
    if FUZZING:
        print(f"\nfuzz: {GENERATED['handbooks']} handbooks generated: {GENERATED['built']} built,"
              f" {GENERATED['refused']} refused with source errors, 0 failed otherwise")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not FUZZING, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=handbooks())
@example(case=SOUND)
def test_pipeline_builds_or_reports_source_errors(case):
    sound, files, links = case
    GENERATED["handbooks"] += 1
    with tempfile.TemporaryDirectory() as directory:
        folder = write_handbook(Path(directory) / "fuzzed", files)
        write_handbook(Path(directory), {"outside.md": "---\ntitle: Out\n---\n\nOutside.\n",
                                         "outside.png": PNG})
        for name, target in links.items():  # "../" leads out of the handbook from any depth
            (folder / name).unlink(missing_ok=True)
            (folder / name).symlink_to("../" * name.count("/") + target
                                       if target.startswith("../") else target)
        try:
            checked = load_and_check(folder, "fuzzed")
        except SourceError as error:
            GENERATED["refused"] += 1
            assert not sound, "refused though sound:\n" + "\n".join(map(str, error.findings))
            assert error.findings and all(f.severity == "error" for f in error.findings)
            assert all(str(f).startswith("fuzzed") for f in error.findings)
            return
        GENERATED["built"] += 1
        # Everything but the layout: the print document and the EPUB's XHTML.
        assert "<article" in print_html(checked.book, [], checked.chapters)
        files_by_anchor = {c.chapter.anchor: chapter_file(c.chapter) for c in checked.chapters}
        for rendered in checked.chapters:
            xhtml_body(rendered, files_by_anchor, picture_files(checked.files))
        if GENERATED["built"] <= 2 and not FUZZING:  # and, a few times, the whole way
            assert main(["all", str(folder), "--output", str(Path(directory) / "out")]) == 0
            GENERATED["whole way"] += 1
