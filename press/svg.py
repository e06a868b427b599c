"""SVG pictures read as XML: what they refer to outside themselves, and their colours in ink."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import lxml.etree
import tinycss2
import tinycss2.color4

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SVG_ROOTS = frozenset({f"{{{SVG_NAMESPACE}}}svg", "svg"})
HREF_ATTRIBUTES = frozenset({"href", "{http://www.w3.org/1999/xlink}href"})
# The properties whose value is a colour (or, for fill and stroke, a paint holding one).
COLOUR_PROPERTIES = frozenset({"fill", "stroke", "stop-color", "flood-color", "lighting-color",
                               "color"})

Ink = Callable[[int, int, int], str]
"""An sRGB colour (0 to 255 a channel) as the CSS colour of an ink, such as press.inks.cmyk."""

SMALL_INLINE_PICTURE = 32 * 1024  # bytes: a data: picture inside an SVG up to this size


def is_small_inline_picture(url: str) -> bool:
    """A data: PNG or JPEG no larger than SMALL_INLINE_PICTURE (its base64 text, with the
    header). A drawing inside a drawing is not one: nothing would look inside it."""
    return (url.startswith(("data:image/png", "data:image/jpeg"))
            and len(url) <= SMALL_INLINE_PICTURE * 4 // 3 + 64)


class UnreadableSvg(ValueError):
    """Bytes that are not a well-formed SVG picture; the message says why, in a few words."""


def parse(data: bytes) -> lxml.etree._Element:
    """The root <svg> element of an SVG picture, read without fetching anything."""
    return _svg_root(_read(data, resolve_entities="internal"))


def _read(data: bytes, resolve_entities: bool | str) -> lxml.etree._Element:
    # A parser is not safe to share between threads, and costs little to make. lxml is
    # given the bytes so that it decodes them as the BOM or the XML declaration says.
    parser = lxml.etree.XMLParser(resolve_entities=resolve_entities, no_network=True,
                                  load_dtd=False, dtd_validation=False, huge_tree=False)
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as error:
        raise UnreadableSvg(f"it is not well-formed XML ({error.msg})") from None


def _svg_root(root: lxml.etree._Element) -> lxml.etree._Element:
    if root.tag not in SVG_ROOTS:
        qualified = lxml.etree.QName(root)
        where = f" in the namespace {qualified.namespace}" if qualified.namespace else ""
        raise UnreadableSvg(f"its root element is <{qualified.localname}>{where}, not an SVG <svg>")
    return root


# What a picture refers to, runs or embeds

# Elements that run code or show another document, which an e-reader might honour.
ACTIVE_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object", "audio",
                             "video", "handler", "listener"})


@dataclass(frozen=True)
class Survey:
    """What the checks need to know of an SVG picture, from one reading of it."""

    references: tuple[str, ...]  # what it would fetch from outside itself, as written
    active: tuple[str, ...]  # what in it runs code or embeds a page
    elements: int  # how many elements it draws with


def survey(data: bytes) -> Survey:
    """What an SVG picture refers to outside itself, runs, and holds. Raises UnreadableSvg.

    References are everything the picture would fetch, in document order, as written;
    links to its own parts (``#id``) and small inline PNG and JPEG pictures are not
    outside it. An external DTD (``<!DOCTYPE svg PUBLIC ... "...svg11.dtd">``) is never
    loaded, so it is not a reference; an external entity declared in the DOCTYPE is.
    What runs code or embeds a page: <script> and the like, <foreignObject>, and
    event-handler attributes (``onload=``).
    """
    # Read first with entities left as they are: that reading keeps the declarations of
    # external entities, and still succeeds where the picture uses one, which the safe
    # reading (internal entities only) refuses.
    as_written = _svg_root(_read(data, resolve_entities=False))
    dtd = as_written.getroottree().docinfo.internalDTD
    entities = [entity.system_url for entity in (dtd.iterentities() if dtd else ())
                if entity.system_url is not None]
    root = as_written
    if dtd is not None:  # without one, both readings give the same tree
        try:
            root = parse(data)
        except UnreadableSvg:
            if not entities:
                raise
            # It uses an external entity: report what the tree read as written shows.
    prolog = reversed(list(root.itersiblings(preceding=True)))
    references = [*_stylesheet_instructions(prolog), *entities, *_tree_references(root),
                  *_stylesheet_instructions(root.itersiblings())]
    active = []
    for element in root.iter(lxml.etree.Element):
        name = lxml.etree.QName(element).localname
        if name in ACTIVE_ELEMENTS:
            active.append(f"<{name}>")
        active += [f"the attribute '{lxml.etree.QName(attribute).localname}'"
                   for attribute in element.attrib
                   if lxml.etree.QName(attribute).localname.lower().startswith("on")]
    return Survey(tuple(references), tuple(dict.fromkeys(active)), sum(1 for _ in root.iter()))


def _is_outside(url: str) -> bool:
    return bool(url) and not url.startswith("#") and not is_small_inline_picture(url)


def _stylesheet_instructions(nodes: Iterable) -> Iterator[str]:
    for node in nodes:
        if node.tag is lxml.etree.PI and node.target == "xml-stylesheet":
            href = (node.get("href") or "").strip()
            if _is_outside(href):
                yield href


def _tree_references(root: lxml.etree._Element) -> Iterator[str]:
    for node in root.iter():
        if node.tag is lxml.etree.PI:
            yield from _stylesheet_instructions([node])
        if not isinstance(node.tag, str):
            continue  # a comment, an instruction or an entity
        for name, value in node.attrib.items():
            if name in HREF_ATTRIBUTES:
                if _is_outside(value.strip()):
                    yield value.strip()
            elif "(" in value:  # neither a url token nor a url() function comes without one
                yield from _css_urls(tinycss2.parse_component_value_list(value))
        if lxml.etree.QName(node).localname == "style":
            yield from _style_sheet_references("".join(node.itertext()))


def _css_urls(nodes: Iterable) -> Iterator[str]:
    for node in nodes:
        if node.type == "url":
            url = node.value
        elif node.type == "function" and node.lower_name == "url":
            url = next((token.value for token in node.arguments if token.type == "string"), "")
        else:
            yield from _css_urls(getattr(node, "arguments", None) or getattr(node, "content", None)
                                 or ())
            continue
        if _is_outside(url.strip()):
            yield url.strip()


def _style_sheet_references(text: str) -> Iterator[str]:
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" and rule.type != "qualified-rule":
            continue
        keyword = getattr(rule, "lower_at_keyword", None)
        if keyword == "import":
            # Every import is a fetch, whatever it names.
            target = next((token for token in rule.prelude
                           if token.type not in ("whitespace", "comment")), None)
            if target is not None and target.type in ("string", "url"):
                yield target.value
            elif target is not None and target.type == "function" and target.lower_name == "url":
                yield from (token.value for token in target.arguments if token.type == "string")
        elif keyword != "namespace":  # @namespace's url() names a namespace: nothing is fetched
            yield from _css_urls(rule.prelude)
            yield from _css_urls(rule.content or ())


# Colours in ink

def recolour(data: bytes, ink: Ink) -> bytes:
    """The picture with every colour value given in ``ink``, as UTF-8 with an XML declaration.

    Only colour values change: the colour properties (COLOUR_PROPERTIES) as attributes, in
    ``style`` attributes and in <style> rules; ``none``, ``currentColor``, ``inherit`` and
    ``url(#paint)`` stay (a paint's fallback colour is inked). A colour with alpha below 1
    keeps it inside the ink's function, ``device-cmyk(c m y k / 0.5)``, and ``transparent``
    is white ink with alpha 0 (an ink given as a hex or a name could not carry the alpha,
    and would come out opaque).
    What SVG colours black by default is given black ink: the root's fill and colour
    (for currentColor), and gradient stops without a stop-color. The DOCTYPE is not
    written out: the entities it declares are already replaced. Raises UnreadableSvg.
    """
    root = parse(data)
    for element in root.iter(lxml.etree.Element):
        for name, value in element.attrib.items():
            if name in COLOUR_PROPERTIES:
                inked = _inked_value(tinycss2.parse_component_value_list(value), ink)
                if inked is not None:
                    element.set(name, tinycss2.serialize(inked))
        style = element.get("style")
        if style:
            declarations = tinycss2.parse_blocks_contents(style)
            if _ink_declarations(declarations, ink):
                element.set("style", _serialize(declarations))
        if lxml.etree.QName(element).localname == "style" and element.text:
            # WeasyPrint reads the text before the first child, and so is all we ink.
            rules = tinycss2.parse_stylesheet(element.text)
            if _ink_declarations(rules, ink):
                element.text = _serialize(rules)
    black = ink(0, 0, 0)
    # A presentation attribute yields to any style rule or style attribute, so adding
    # one changes only what SVG would otherwise draw in its own, RGB, black.
    for name in ("fill", "color"):
        if not _declares(root, name):
            root.set(name, black)
    for stop in root.iter(f"{{{SVG_NAMESPACE}}}stop", "stop"):
        if not _declares(stop, "stop-color"):
            stop.set("stop-color", black)
    return lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _declares(element: lxml.etree._Element, name: str) -> bool:
    """Whether an element gives a property, as an attribute or in its style attribute."""
    if name in element.attrib:
        return True
    return any(node.type == "declaration" and node.lower_name == name
               for node in tinycss2.parse_blocks_contents(element.get("style") or ""))


def _serialize(nodes: list) -> str:
    # WeasyPrint skips what CSS cannot parse, and tinycss2 cannot write it back: leave it out.
    return tinycss2.serialize(node for node in nodes if node.type != "error")


def _ink_declarations(nodes: list, ink: Ink) -> bool:
    """Ink the colour declarations among ``nodes``, nested rules too; whether any changed."""
    changed = False
    for node in nodes:
        if node.type == "declaration" and node.lower_name in COLOUR_PROPERTIES:
            inked = _inked_value(node.value, ink)
            if inked is not None:
                node.value = inked
                changed = True
        elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
            content = tinycss2.parse_blocks_contents(node.content)
            if _ink_declarations(content, ink):
                node.content = [item for item in content if item.type != "error"]
                changed = True
    return changed


def _inked_value(tokens: list, ink: Ink) -> list | None:
    """A colour property's value with each colour in it given in ink; None if it had none."""
    result, changed = [], False
    for token in tokens:
        colour = _colour(token)
        if colour is None:
            result.append(token)
        else:
            result.extend(tinycss2.parse_component_value_list(_ink(*colour, ink)))
            changed = True
    return result if changed else None


def _colour(token) -> tuple[int, int, int, float] | None:
    """A token's colour as sRGB (0 to 255) and alpha; None for anything else."""
    if token.type not in ("hash", "ident", "function"):
        return None
    if token.type == "ident" and token.lower_value == "transparent":
        # Left as it is, WeasyPrint draws it as invisible RGB black: as ink, it is no ink.
        return 255, 255, 255, 0.0
    colour = tinycss2.color4.parse_color(token)
    if not isinstance(colour, tinycss2.color4.Color):
        return None  # not a colour, or currentColor
    red, green, blue = (round(255 * min(1.0, max(0.0, channel))) for channel in _srgb(colour))
    return red, green, blue, colour.alpha


def _ink(red: int, green: int, blue: int, alpha: float, ink: Ink) -> str:
    inked = ink(red, green, blue)
    if alpha >= 1:
        return inked
    function = tinycss2.parse_one_component_value(inked)
    if function.type != "function" or any(token == "/" for token in function.arguments):
        return inked
    channels = tinycss2.serialize(function.arguments).strip()
    return f"{tinycss2.serialize_identifier(function.name)}({channels} / {alpha:.3g})"


# From CSS Color 4 (section 10 and its sample code): each RGB space's transfer function
# to linear light, its matrix to CIE XYZ, and its white point.

def _srgb_to_linear(channel: float) -> float:
    magnitude = abs(channel)
    if magnitude <= 0.04045:
        return channel / 12.92
    return math.copysign(((magnitude + 0.055) / 1.055) ** 2.4, channel)


def _linear_to_srgb(channel: float) -> float:
    magnitude = abs(channel)
    if magnitude <= 0.0031308:
        return 12.92 * channel
    return math.copysign(1.055 * magnitude ** (1 / 2.4) - 0.055, channel)


def _a98_to_linear(channel: float) -> float:
    return math.copysign(abs(channel) ** (563 / 256), channel)


def _prophoto_to_linear(channel: float) -> float:
    magnitude = abs(channel)
    return channel / 16 if magnitude <= 16 / 512 else math.copysign(magnitude ** 1.8, channel)


def _rec2020_to_linear(channel: float) -> float:
    alpha, beta = 1.09929682680944, 0.018053968510807
    magnitude = abs(channel)
    if magnitude < beta * 4.5:
        return channel / 4.5
    return math.copysign(((magnitude + alpha - 1) / alpha) ** (1 / 0.45), channel)


# Matrices from linear light to CIE XYZ.
LINEAR_SRGB_TO_XYZ = ((0.41239079926595934, 0.357584339383878, 0.1804807884018343),
                      (0.21263900587151027, 0.715168678767756, 0.07219231536073371),
                      (0.01933081871559182, 0.11919477979462598, 0.9505321522496607))
DISPLAY_P3_TO_XYZ = ((0.4865709486482162, 0.26566769316909306, 0.1982172852343625),
                     (0.2289745640697488, 0.6917385218365064, 0.079286914093745),
                     (0.0, 0.04511338185890264, 1.043944368900976))
A98_RGB_TO_XYZ = ((0.5766690429101305, 0.1855582379065463, 0.1882286462349947),
                  (0.29734497525053605, 0.6273635662554661, 0.07529145849399788),
                  (0.02703136138641234, 0.07068885253582723, 0.9913375368376388))
PROPHOTO_RGB_TO_XYZ = ((0.7977604896723027, 0.13518583717574031, 0.0313493495815248),
                       (0.2880711282292934, 0.7118432178101014, 0.00008565396060525902),
                       (0.0, 0.0, 0.8251046025104601))
REC2020_TO_XYZ = ((0.6369580483012914, 0.14461690358620832, 0.1688809751641721),
                  (0.2627002120112671, 0.6779980715188708, 0.05930171646986196),
                  (0.0, 0.028072693049087428, 1.060985057710791))
RGB_SPACES = {  # each space's transfer to linear light, its matrix to XYZ, its white point
    "srgb-linear": (float, LINEAR_SRGB_TO_XYZ, "D65"),
    "display-p3": (_srgb_to_linear, DISPLAY_P3_TO_XYZ, "D65"),
    "a98-rgb": (_a98_to_linear, A98_RGB_TO_XYZ, "D65"),
    "prophoto-rgb": (_prophoto_to_linear, PROPHOTO_RGB_TO_XYZ, "D50"),
    "rec2020": (_rec2020_to_linear, REC2020_TO_XYZ, "D65"),
}
XYZ_TO_LINEAR_SRGB = ((3.2409699419045226, -1.537383177570094, -0.4986107602930034),
                      (-0.9692436362808796, 1.8759675015077202, 0.04155505740717559),
                      (0.05563007969699366, -0.20397695888897652, 1.0569715142428786))
D50_TO_D65 = ((0.955473421488075, -0.02309845494876471, 0.06325924320057072),  # Bradford
              (-0.0283697093338637, 1.0099953980813041, 0.021041441191917323),
              (0.012314014864481998, -0.020507649298898964, 1.330365926242124))


def _times(matrix, vector) -> tuple[float, float, float]:
    return tuple(sum(weight * value for weight, value in zip(row, vector)) for row in matrix)


def _srgb(colour: tinycss2.color4.Color) -> tuple[float, float, float]:
    """A colour of any CSS space as sRGB channels (0 to 1, not yet clipped to the gamut)."""
    if colour.space in ("srgb", "hsl", "hwb"):
        return colour.to("srgb").coordinates
    if colour.space in ("lab", "lch", "xyz-d50"):
        xyz, white = colour.to("xyz-d50").coordinates, "D50"
    elif colour.space in ("oklab", "oklch", "xyz", "xyz-d65"):
        xyz, white = colour.to("xyz-d65").coordinates, "D65"
    else:
        to_linear, matrix, white = RGB_SPACES[colour.space]
        xyz = _times(matrix, [to_linear(channel or 0.0) for channel in colour.coordinates])
    if white == "D50":
        xyz = _times(D50_TO_D65, xyz)
    return tuple(_linear_to_srgb(channel) for channel in _times(XYZ_TO_LINEAR_SRGB, xyz))
