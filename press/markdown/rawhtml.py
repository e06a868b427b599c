"""The author's raw HTML read as WeasyPrint's HTML parser reads it, recorded for the
checks and written out again with only the allowed tags and attributes."""

from __future__ import annotations

import html
import io
from contextlib import contextmanager
from dataclasses import dataclass

from markdown import Extension
from markdown.inlinepatterns import ENTITY_RE, HTML_RE, HtmlInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.util import HtmlStash
from tinyhtml5.constants import Token, ascii_upper_to_lower, tag_token_types
from tinyhtml5.tokenizer import HTMLTokenizer

from ..config import CONTROL

# The tags an author may write, each with the attributes it may carry.
ALLOWED = {"br": (), "sup": (), "sub": (), "abbr": ("title",), "kbd": (), "span": ("class",)}
VOID = frozenset({"br"})  # allowed tags that have no end tag: "</br>" is a <br>

# Elements whose content the HTML parser reads as text, and the tokenizer state it reads
# it in (as tinyhtml5's tree builder switches it, scripting off as in WeasyPrint).
TEXT_CONTENT = {
    "title": "rcdata_state", "textarea": "rcdata_state",
    "style": "rawtext_state", "xmp": "rawtext_state", "iframe": "rawtext_state",
    "noembed": "rawtext_state", "noframes": "rawtext_state",
    "script": "script_data_state", "plaintext": "plaintext_state",
}
# The end of the text in these places leaves what was read as text; at any other
# "...eof..." parse error the tokenizer drops a tag or swallows the rest into a comment.
TEXT_AT_END = frozenset({"expected-closing-tag-but-got-eof", "eof-in-script-in-script"})


@dataclass(frozen=True)
class Tag:
    """A start or end tag as the HTML parser reads it; ``offset`` is where its ``<``
    stands in the text."""

    name: str  # lower case
    attributes: tuple[str, ...]  # names, lower case, each once
    closing: bool
    offset: int
    classes: tuple[str, ...] = ()  # the names in its class attribute


@dataclass(frozen=True)
class RawHtml:
    """One piece of the author's raw HTML as Markdown stashed it, and the tags in it.

    ``unfinished``: the text ends inside a tag, a comment or a doctype, which the parser
    would drop or let swallow what follows; a tag cut off so is the last of ``tags``.
    """

    text: str
    tags: tuple[Tag, ...]
    unfinished: bool


class _WholeText(io.StringIO):
    """The text in one read, so that the tokenizer's positions are offsets into it."""

    def read(self, size=-1):
        return super().read(0 if size == 0 else -1)  # read(0) tells text from bytes


def _noting_less_than_sign(state):
    """A tokenizer state that first notes where the "<" just read stands."""
    def noting(self):
        self._at_less_than_sign()
        return state(self)

    return noting


class _Tokenizer(HTMLTokenizer):
    """WeasyPrint's HTML tokenizer, noting where each tag starts and whether the text
    ends inside a tag, a comment or a doctype."""

    def __init__(self, text: str):
        # A reader, not the string: given a short string, tinyhtml5 reads the file it names.
        super().__init__(_WholeText(text))
        self.line_starts = [0] + [index + 1 for index, character in enumerate(text)
                                  if character == "\n"]
        self.tag_start = 0
        self.unfinished = False
        self.cut_off = None  # the tag the text ends inside

    def _at_less_than_sign(self):
        line, column = self.stream.position()
        self.tag_start = self.line_starts[line - 1] + column - 1  # the "<" just read

    # Every state entered right after a "<" that may begin a tag notes where it stands.
    tag_open_state = _noting_less_than_sign(HTMLTokenizer.tag_open_state)
    rcdata_less_than_sign_state = _noting_less_than_sign(
        HTMLTokenizer.rcdata_less_than_sign_state)
    rawtext_less_than_sign_state = _noting_less_than_sign(
        HTMLTokenizer.rawtext_less_than_sign_state)
    script_data_less_than_sign_state = _noting_less_than_sign(
        HTMLTokenizer.script_data_less_than_sign_state)
    script_data_escaped_less_than_sign_state = _noting_less_than_sign(
        HTMLTokenizer.script_data_escaped_less_than_sign_state)

    def emit_current_token(self):
        if self.current_token["type"] in tag_token_types:
            self.current_token["offset"] = self.tag_start
        super().emit_current_token()

    def parse_error(self, _data, **datavars):
        if "eof" in _data and _data not in TEXT_AT_END:
            self.unfinished = True
            if self.current_token and self.current_token["type"] in tag_token_types:
                self.cut_off = self.current_token
                self.cut_off["offset"] = self.tag_start
        super().parse_error(_data, **datavars)


def read_html(text: str) -> tuple[RawHtml, str]:
    """A piece of raw HTML as the parser reads it, and its canonical form.

    The canonical form holds the allowed tags with their allowed attributes, values
    escaped; text, entities decoded, escaped again. Every other tag and attribute,
    comments, doctypes and processing instructions are dropped, but the text around and
    inside them stays (escaped), as a reader would see it: ``<script>x</script>`` leaves
    ``x``. It holds no markup that the record does not list.
    """
    tokenizer = _Tokenizer(text)
    tags, parts, last = [], [], None
    for token in tokenizer:
        kind = token["type"]
        if kind is Token.PARSE_ERROR:
            continue
        last = kind
        if kind in (Token.CHARACTERS, Token.SPACE_CHARACTERS):
            parts.append(html.escape(_drawable(token["data"]), quote=False))
        elif kind in tag_token_types:
            tag = _tag(token)
            tags.append(tag)
            parts.append(_canonical(tag, token))
            if not tag.closing and tag.name in TEXT_CONTENT:
                tokenizer.state = getattr(tokenizer, TEXT_CONTENT[tag.name])
    if tokenizer.cut_off is not None:
        tags.append(_tag(tokenizer.cut_off))
    # A comment with no ">" left runs to the end of the text (a bogus one, "<!x" or "<?x",
    # without a parse error).
    unfinished = tokenizer.unfinished or (last is Token.COMMENT and not text.endswith(">"))
    return RawHtml(text, tuple(tags), unfinished), "".join(parts)


def _tag(token) -> Tag:
    attributes = token["data"]  # a dict on start tags; pairs on end and cut-off tags
    names = attributes if isinstance(attributes, dict) else (name for name, _ in attributes)
    classes = attributes.get("class", "").split() if isinstance(attributes, dict) else ()
    return Tag(name=token["name"].translate(ascii_upper_to_lower),
               attributes=tuple(dict.fromkeys(name.translate(ascii_upper_to_lower)
                                              for name in names)),
               closing=token["type"] is Token.END_TAG, offset=token["offset"],
               classes=tuple(classes))


def _canonical(tag: Tag, token) -> str:
    if tag.name not in ALLOWED:
        return ""
    if tag.closing and tag.name not in VOID:
        return f"</{tag.name}>"
    values = token["data"] if not tag.closing else {}
    # A self-closing flag ("<span/>") means nothing on HTML elements: it is left off.
    return f"<{tag.name}" + "".join(
        f' {name}="{html.escape(_drawable(values[name]), quote=True)}"'
        for name in ALLOWED[tag.name] if name in values) + ">"


def _drawable(text: str) -> str:
    """Text without the characters no reader shows, which Markdown also uses as its own
    placeholders' marks (STX, ETX): a reference such as ``&#2;`` must not forge one."""
    return CONTROL.sub("", text)


class AuthorHtmlStash(HtmlStash):
    """Python-Markdown's stash, knowing which of its pieces are raw HTML that the author
    wrote (others hold code blocks, typographic quotes...)."""

    def __init__(self):
        super().__init__()
        self.storing_authors = False
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.authors: list[int] = []  # the keys of the author's pieces, in stash order
        self.replaced = 0  # how many of them have been read and replaced
        self.blank: list[int] = []  # keys of those whose canonical form is white space

    @contextmanager
    def from_author(self):
        """Pieces stored meanwhile are the author's."""
        before, self.storing_authors = self.storing_authors, True
        try:
            yield
        finally:
            self.storing_authors = before

    def store(self, html) -> str:
        if self.storing_authors:
            self.authors.append(self.html_counter)  # the key of the placeholder
        return super().store(html)


class AuthorHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    """Block-level raw HTML, stashed as the author's."""

    def run(self, lines):
        self.md.raw_html = []  # a conversion starts
        with self.md.htmlStash.from_author():
            return super().run(lines)


class AuthorHtmlInlineProcessor(HtmlInlineProcessor):
    """Inline tags and entities, stashed as the author's."""

    def handleMatch(self, m, data):
        with self.md.htmlStash.from_author():
            return super().handleMatch(m, data)


class AuthorHtmlPostprocessor(Postprocessor):
    """Read each piece of the author's HTML, record it in ``md.raw_html`` and put its
    canonical form in the stash for ``raw_html`` (30) to write out.

    Runs once per heading too (toc runs the postprocessors on each), so it reads
    whatever is new in the stash, whatever the text.
    """

    def run(self, text):
        self._check_processors()
        stash = self.md.htmlStash
        for key in stash.authors[stash.replaced:]:
            record, canonical = read_html(stash.rawHtmlBlocks[key])
            self.md.raw_html.append(record)
            stash.rawHtmlBlocks[key] = canonical
            if not canonical.strip():
                stash.blank.append(key)
        stash.replaced = len(stash.authors)
        for key in stash.blank:  # a dropped block (a comment, say) leaves no empty <p>
            placeholder = stash.get_placeholder(key)
            text = text.replace(f"<p>{placeholder}</p>", placeholder)
        return text

    def _check_processors(self):
        """Raw HTML stashed by a processor that another extension registered in place of
        these would reach the editions unread."""
        md = self.md
        if not isinstance(md.htmlStash, AuthorHtmlStash):
            raise RuntimeError("an extension registered after RawHtmlExtension replaced "
                               "md.htmlStash")
        for registry, name, kind in (
                (md.preprocessors, "html_block", AuthorHtmlBlockPreprocessor),
                (md.inlinePatterns, "html", AuthorHtmlInlineProcessor),
                (md.inlinePatterns, "entity", AuthorHtmlInlineProcessor)):
            if name in registry and not isinstance(registry[name], kind):
                raise RuntimeError(f"an extension registered after RawHtmlExtension "
                                   f"replaced the '{name}' processor")


class RawHtmlExtension(Extension):
    """Only the allowed raw HTML reaches the output; ``md.raw_html`` lists what the author
    wrote, for the checks. Register it after ``smarty`` and any extension that stashes HTML.

    Like Python-Markdown's own state, the records are cleared by ``md.reset()``; a
    conversion of a blank text runs no processor and leaves them as they were.
    """

    def extendMarkdown(self, md):
        self.md = md
        md.registerExtension(self)  # for reset()
        md.htmlStash = AuthorHtmlStash()
        md.raw_html = []
        md.preprocessors.register(AuthorHtmlBlockPreprocessor(md), "html_block", 20)
        # The tag pattern in place: the stock one, or smarty's stricter one for << and >>.
        in_place = md.inlinePatterns["html"] if "html" in md.inlinePatterns else None
        tags = getattr(in_place, "pattern", HTML_RE)
        md.inlinePatterns.register(AuthorHtmlInlineProcessor(tags, md), "html", 90)
        md.inlinePatterns.register(AuthorHtmlInlineProcessor(ENTITY_RE, md), "entity", 80)
        # Just before raw_html (30) writes the stash out.
        md.postprocessors.register(AuthorHtmlPostprocessor(md), "author-html", 31)

    def reset(self):
        self.md.raw_html = []
