"""SVG pictures read as XML: the references found outside them, and their colours in ink."""

from __future__ import annotations

import base64
import io
import re

import lxml.etree
import pypdf
import pytest
import tinycss2.color5

from press import inks, svg
from press.pdf import render_pdf
from press.sources import load_book

from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, drawn_streams, write_handbook

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">')
ILLUSTRATOR_DOCTYPE = ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                       '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" '
                       '[<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>')


def svg_of(body: str, prolog: str = "", encoding: str = "utf-8") -> bytes:
    """An SVG picture holding ``body``, after ``prolog`` (a DOCTYPE, instructions)."""
    return f"{prolog}{SVG_OPEN}{body}</svg>".encode(encoding)


def marked(red: int, green: int, blue: int) -> str:
    """An ink that shows which sRGB colour it was given."""
    return f"ink({red} {green} {blue})"


def recoloured(body: str, prolog: str = "", encoding: str = "utf-8") -> lxml.etree._Element:
    """The root of the picture holding ``body`` once recoloured in ``marked`` ink."""
    return lxml.etree.fromstring(svg.recolour(svg_of(body, prolog, encoding), marked))


def data_picture(size: int) -> str:
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"\0" * size).decode()


# What a picture refers to outside itself

@pytest.mark.parametrize("prolog, body, reference", [
    ("", '<image href="http://x.org/a.png"/>', "http://x.org/a.png"),
    ("", '<image xlink:href="pictures/b.png"/>', "pictures/b.png"),
    ("", '<rect fill="url(other.svg#paint)"/>', "other.svg#paint"),
    ("", """<rect style="stroke: red; fill: url('paint.svg#p')"/>""", "paint.svg#p"),
    ("", "<style>rect { fill: url(sheet.svg#p) }</style>", "sheet.svg#p"),
    ("", "<style>@font-face { font-family: F; src: url(f.woff2) }</style>", "f.woff2"),
    ("", "<style>@import url(a.css);</style>", "a.css"),
    ("", '<style>@import "b.css" print;</style>', "b.css"),
    ("", '<style><![CDATA[@import url("c.css");]]></style>', "c.css"),
    ('<?xml-stylesheet type="text/css" href="x.css"?>', "", "x.css"),
    ("", '<g><?xml-stylesheet href="late.css"?></g>', "late.css"),
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "<text>&x;</text>",
     "file:///etc/passwd"),
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "", "file:///etc/passwd"),
    ('<!DOCTYPE svg [<!ENTITY x PUBLIC "-//X//Y" "http://x.org/y.xml">]>', "",
     "http://x.org/y.xml"),
    ('<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://x.org/p.dtd"> %p;]>', "",
     "http://x.org/p.dtd"),
    ('<!DOCTYPE svg [<!ENTITY site "http://x.org/">]>', '<image href="&site;a.png"/>',
     "http://x.org/a.png"),
    ('<!DOCTYPE svg [<!ENTITY sheet "@import &apos;e.css&apos;;">]>', "<style>&sheet;</style>",
     "e.css"),
    ("", '<image href="&#104;ttp://x.org/c.png"/>', "http://x.org/c.png"),
])
def test_each_kind_of_outside_reference_is_found(prolog, body, reference):
    assert svg.survey(svg_of(body, prolog)).references == (reference,)


def test_references_come_in_document_order_as_written():
    picture = svg_of(
        '<style>@import "first.css"; rect { fill: url( "third.svg#a" ) }</style>'
        '<image xlink:href="fourth.png" clip-path="url(fifth.svg#c)"/>'
        '<use href=" sixth.svg#b "/>',
        prolog='<?xml-stylesheet href="zero.css"?>')
    assert svg.survey(picture).references == (
        "zero.css", "first.css", "third.svg#a", "fourth.png", "fifth.svg#c", "sixth.svg#b")


def test_its_own_parts_and_small_inline_pictures_are_not_outside_it():
    small = data_picture(1000)
    picture = svg_of(
        f'<defs><linearGradient id="g"/></defs><use href="#g" xlink:href="#g"/>'
        f'<rect fill="url(#g)" style="fill: url(\'#g\') red" mask="url(#m)"/>'
        f'<style>rect {{ stroke: url(#g) }}'
        f'@namespace svg url(http://www.w3.org/2000/svg);</style>'
        f'<image href="{small}"/><rect style="fill: url({small})"/>'
        f'<a href=""><text>a link to itself</text></a><path d="M0 0 L10 10"/>')
    assert svg.survey(picture).references == ()


def test_a_large_inline_picture_is_outside_it():
    large = data_picture(svg.SMALL_INLINE_PICTURE + 100)
    assert svg.survey(svg_of(f'<image href="{large}"/>')).references == (large,)
    assert not svg.is_small_inline_picture(large)
    assert svg.is_small_inline_picture(data_picture(100))
    assert not svg.is_small_inline_picture("data:text/css,rect{}")


def test_the_standard_svg_doctype_that_illustrator_writes_is_not_a_reference():
    picture = svg_of('<rect fill="#000"/>', prolog=ILLUSTRATOR_DOCTYPE).replace(
        b'xmlns="http://www.w3.org/2000/svg"', b'xmlns="&ns_svg;"')
    assert svg.survey(picture).references == ()
    assert svg.parse(picture).tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("data, reason", [
    (b"", "not well-formed XML"),
    (b"GIF89a", "not well-formed XML"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed XML"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>', "not well-formed XML"),
    (b"<html><body/></html>", "root element is <html>"),
    (b'<svg xmlns="http://example.org/"/>', "in the namespace http://example.org/"),
])
def test_what_is_not_an_svg_picture_is_unreadable(data, reason):
    for read in (svg.parse, svg.survey, lambda data: svg.recolour(data, marked)):
        with pytest.raises(svg.UnreadableSvg, match=re.escape(reason)):
            read(data)


def test_an_entity_that_multiplies_itself_is_refused_not_expanded():
    laughs = "".join(f'<!ENTITY e{n + 1} "{f"&e{n};" * 10}">' for n in range(8))
    picture = svg_of("<text>&e8;</text>", prolog=f'<!DOCTYPE svg [<!ENTITY e0 "ha">{laughs}]>')
    with pytest.raises(svg.UnreadableSvg):
        svg.parse(picture)


def test_an_unnamespaced_svg_is_read_and_its_encoding_comes_from_its_declaration():
    root = svg.parse('<?xml version="1.0" encoding="ISO-8859-1"?><svg><text>café</text></svg>'
                     .encode("latin-1"))
    assert (root.tag, root[0].text) == ("svg", "café")


# Colours in ink

def test_only_colour_values_change_never_ids_links_text_or_other_attributes():
    root = recoloured('<defs><g id="fff"/></defs><use href="#bad" xlink:href="#fab"/>'
                      '<text class="black" fill="black" data-tint="#fff">black</text>'
                      '<rect id="rect" mask="url(#fff)" d="M0 0" fill="#fff"/>')
    defs, use, text, rect = root
    assert defs[0].get("id") == "fff"
    assert use.attrib == {"href": "#bad", "{http://www.w3.org/1999/xlink}href": "#fab"}
    assert (text.text, text.get("class"), text.get("data-tint")) == ("black", "black", "#fff")
    assert text.get("fill") == "ink(0 0 0)"
    assert rect.attrib == {"id": "rect", "mask": "url(#fff)", "d": "M0 0",
                           "fill": "ink(255 255 255)"}


@pytest.mark.parametrize("attribute, value, ink", [
    ("fill", "#f00", "ink(255 0 0)"),
    ("fill", "#FF8000", "ink(255 128 0)"),
    ("stroke", "rgb(0, 0, 255)", "ink(0 0 255)"),
    ("stroke", "rgb(100% 50% 0%)", "ink(255 128 0)"),
    ("stop-color", "rebeccapurple", "ink(102 51 153)"),
    ("flood-color", "DarkOliveGreen", "ink(85 107 47)"),
    ("lighting-color", "hsl(120 100% 50%)", "ink(0 255 0)"),
    ("color", "white", "ink(255 255 255)"),
    ("fill", "color(display-p3 1 1 1)", "ink(255 255 255)"),
    ("fill", "lab(0 0 0)", "ink(0 0 0)"),
    ("fill", "oklch(1 0 0)", "ink(255 255 255)"),
    ("fill", "url(#g) #00f", "url(#g) ink(0 0 255)"),
])
def test_every_form_of_colour_in_an_attribute_becomes_ink(attribute, value, ink):
    assert recoloured(f'<rect {attribute}="{value}"/>')[0].get(attribute) == ink


@pytest.mark.parametrize("value, ink", [
    ("#f008", "ink(255 0 0 / 0.533)"),
    ("#ff000080", "ink(255 0 0 / 0.502)"),
    ("rgba(0, 0, 255, 0.25)", "ink(0 0 255 / 0.25)"),
    ("transparent", "ink(255 255 255 / 0)"),
])
def test_a_colour_with_alpha_keeps_it_in_its_ink(value, ink):
    assert recoloured(f'<rect fill="{value}"/>')[0].get("fill") == ink


@pytest.mark.parametrize("value", ["none", "currentColor", "inherit", "url(#g)", "context-fill"])
def test_what_is_not_a_colour_is_left_as_it_is(value):
    root = recoloured(f'<rect fill="{value}" stroke="{value}"/>')
    assert (root[0].get("fill"), root[0].get("stroke")) == (value, value)


def declarations(style) -> dict[str, str]:
    """The declarations of a style attribute or a rule's content, by name, as written."""
    return {node.lower_name: tinycss2.serialize(node.value).strip() + " !important" * node.important
            for node in tinycss2.parse_blocks_contents(style) if node.type == "declaration"}


def test_colours_in_style_attributes_become_ink_and_the_rest_stays():
    rect = recoloured('<rect style="fill: #0f0; stroke:rgb(255,0,0) !important; '
                      'stroke-width: 2; font-family: black"/>')[0]
    assert declarations(rect.get("style")) == {
        "fill": "ink(0 255 0)", "stroke": "ink(255 0 0) !important", "stroke-width": "2",
        "font-family": "black"}


def test_colours_in_style_rules_become_ink_nested_rules_too():
    style = recoloured('<style>#fff, .black { fill: #fff; stroke-width: 1 }'
                       '@media print { rect { stop-color: black } }'
                       '@import "x.css";</style>')[0]
    rules = tinycss2.parse_stylesheet(style.text, skip_whitespace=True)
    assert [tinycss2.serialize(rule.prelude).strip() for rule in rules] == [
        "#fff, .black", "print", '"x.css"']
    assert declarations(rules[0].content) == {"fill": "ink(255 255 255)", "stroke-width": "1"}
    nested = tinycss2.parse_blocks_contents(rules[1].content, skip_whitespace=True)
    assert declarations(nested[0].content) == {"stop-color": "ink(0 0 0)"}


def test_a_latin1_picture_recolours_and_its_text_comes_back_as_written():
    data = svg.recolour(svg_of('<text fill="#000">Café é</text>',
                               prolog='<?xml version="1.0" encoding="ISO-8859-1"?>',
                               encoding="latin-1"), marked)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Café é" in data.decode("utf-8")
    text = lxml.etree.fromstring(data)[0]
    assert (text.text, text.get("fill")) == ("Café é", "ink(0 0 0)")


def test_what_svg_draws_black_by_default_is_given_black_ink():
    root = recoloured('<linearGradient><stop offset="0"/><stop offset="1" stop-color="red"/>'
                      '<stop offset="1" style="stop-color: blue"/></linearGradient>')
    assert (root.get("fill"), root.get("color")) == ("ink(0 0 0)", "ink(0 0 0)")
    assert [stop.get("stop-color") for stop in root[0]] == ["ink(0 0 0)", "ink(255 0 0)", None]
    assert declarations(root[0][2].get("style")) == {"stop-color": "ink(0 0 255)"}


@pytest.mark.parametrize("root_attributes", ['fill="none" color="red"',
                                             'style="fill: #00f; color: currentColor"'])
def test_a_root_that_has_its_own_fill_and_colour_is_not_given_others(root_attributes):
    picture = svg_of("").replace(b"<svg ", f"<svg {root_attributes} ".encode())
    root = lxml.etree.fromstring(svg.recolour(picture, marked))
    assert set(root.attrib) == set(lxml.etree.fromstring(picture).attrib)


def test_the_press_inks_an_svg_picture_in_cmyk():
    picture = svg_of('<rect fill="red"/><text>black</text>',
                     prolog='<?xml version="1.0" encoding="ISO-8859-1"?>', encoding="latin-1")
    data, kind = inks.picture_in_cmyk(picture, "image/svg+xml")
    root = lxml.etree.fromstring(data)
    red = tinycss2.color5.parse_color(root[0].get("fill"))
    assert kind == "image/svg+xml" and red.space == "device-cmyk"
    cyan, magenta, yellow, black = red.coordinates
    assert cyan < 0.05 and magenta > 0.9 and yellow > 0.9 and black < 0.05
    assert root[1].text == "black"
    assert tinycss2.color5.parse_color(root.get("fill")).coordinates == (0, 0, 0, 1)  # black ink


def test_weasyprint_draws_device_cmyk_from_attributes_style_attributes_and_style_rules(tmp_path):
    """The press PDF paints each colour in DeviceCMYK, whichever way the SVG gave it."""
    picture = svg_of('<style>.rule { fill: #00f }</style>'
                     '<rect width="5" height="5" fill="#f00"/>'
                     '<rect x="5" width="5" height="5" style="fill: #0f0"/>'
                     '<rect x="10" width="5" height="5" class="rule"/>'
                     '<rect x="15" width="5" height="5" fill="rgba(255, 0, 0, 0.5)"/>'
                     '<rect x="20" width="5" height="5" fill="transparent" stroke="currentColor"/>')
    book = load_book(write_handbook(tmp_path / "h", {"book.yaml": MINIMAL_BOOK,
                                                     "01-a.md": MINIMAL_CHAPTER}), "h")
    pdf, _ = render_pdf(book, '<html lang="en"><img src="p.svg" alt="p">', {"p.svg": picture},
                        press=True)
    # (Its one page is the last: the press PDF has blank pages before it, to four.)
    streams = b"\n".join(drawn_streams(page) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    painted = re.findall(rb"/DeviceCMYK (?:cs|CS)\s+([\d. ]+) (?:scn|SCN)", streams)
    expected = [inks.cmyk(*rgb) for rgb in ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 0, 0))]
    # No ink for the transparent fill, and black in black ink alone, as text is printed.
    expected += ["device-cmyk(0 0 0 0)", "device-cmyk(0 0 0 1)"]
    assert [f"device-cmyk({values.decode()})" for values in painted] == expected
    assert b"/a0.5 gs" in streams  # the half-transparent red keeps its alpha
    assert not re.search(rb"(^|\s)[\d.]+ [\d.]+ [\d.]+ (rg|RG)\s", streams)
