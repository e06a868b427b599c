"""Pictures in CMYK ink for the press edition, through the FOGRA39 profile shipped in styles/."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

from PIL import Image, ImageCms

from . import STYLES, svg

PRESS_PROFILE = STYLES / "color" / "FOGRA39-coated.icc"


@lru_cache(maxsize=1)
def _transform() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                   ImageCms.getOpenProfile(str(PRESS_PROFILE)),
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@lru_cache(maxsize=None)
def cmyk(red: int, green: int, blue: int) -> str:
    """An sRGB colour as the press's CMYK ink, in CSS: ``device-cmyk(c m y k)``."""
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), (red, green, blue)), _transform())
    return "device-cmyk({})".format(" ".join(f"{value / 255:.3g}" for value in pixel.getpixel((0, 0))))


def drawing_ink(red: int, green: int, blue: int) -> str:
    """A colour of a drawing as the press's ink: black and greys in black ink alone, as the
    text is, other colours through the press profile."""
    if red == green == blue:
        return f"device-cmyk(0 0 0 {1 - red / 255:.3g})"
    return cmyk(red, green, blue)


def picture_in_cmyk(data: bytes, kind: str) -> tuple[bytes, str]:
    """A PNG or JPEG as a CMYK JPEG, an SVG with its colours as CMYK; anything else as it is."""
    if kind == "image/svg+xml":
        return svg.recolour(data, drawing_ink), kind
    if kind not in ("image/png", "image/jpeg"):
        return data, kind
    with Image.open(io.BytesIO(data)) as picture:
        if picture.mode in ("RGBA", "LA", "P"):
            picture = picture.convert("RGBA")
            flat = Image.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.getchannel("A"))  # on white paper
            picture = flat
        inked = ImageCms.applyTransform(picture.convert("RGB"), _transform())
        output = io.BytesIO()
        inked.save(output, format="JPEG", quality=95, subsampling=0)
    return output.getvalue(), "image/jpeg"



OVERPRINT, KNOCKOUT = "/PressOverprint", "/PressKnockout"  # our graphics states' names
BLACK = (0.0, 0.0, 0.0, 1.0)
FILL_COLOURS = ("k", "sc", "scn", "g", "rg")
OTHER_PAINT = ("Do", "sh", "INLINE IMAGE")  # pictures, forms and shadings


def overprint_black(data: bytes) -> bytes:
    """The press PDF with what is printed in solid black (text above all, 100 % K) set to
    overprint, as a print shop expects: the black ink goes over the other inks instead of
    leaving a white gap for them, so that a slight misregistration never shows a halo
    round the letters. Everything else (tints, colours, pictures) knocks out as before."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        states = {OVERPRINT: pdf.make_indirect(pikepdf.Dictionary(
                      Type=pikepdf.Name.ExtGState, op=True, OPM=1)),
                  KNOCKOUT: pdf.make_indirect(pikepdf.Dictionary(
                      Type=pikepdf.Name.ExtGState, op=False))}
        done: set = set()
        for page in pdf.pages:
            _overprint_stream(pdf, page, page.obj.get("/Resources"), states, done)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
    return output.getvalue()


def _overprint_stream(pdf, owner, resources, states, done) -> None:
    """Rewrite the content of ``owner`` (a page or a form) and of the forms it draws."""
    import pikepdf

    if resources is not None:
        graphics = resources.get("/ExtGState")
        if graphics is None:
            resources.ExtGState = graphics = pikepdf.Dictionary()
        for name, state in states.items():
            graphics[name] = state
        for form in resources.get("/XObject", {}).values():
            if form.get("/Subtype") == "/Form" and form.objgen not in done:
                done.add(form.objgen)
                _overprint_stream(pdf, form, form.get("/Resources"), states, done)
    instructions = pikepdf.parse_content_stream(owner)
    rewritten = pikepdf.unparse_content_stream(_overprinted(instructions))
    if isinstance(owner, pikepdf.Page):
        owner.obj.Contents = pdf.make_stream(rewritten)
    else:
        owner.write(rewritten)


def _overprinted(instructions) -> list:
    """The instructions with our graphics states set where solid black begins and ends
    (followed through q and Q, and round pictures and forms, which knock out)."""
    import pikepdf

    def state(name: str):
        return pikepdf.ContentStreamInstruction([pikepdf.Name(name)], pikepdf.Operator("gs"))

    out, saved = [], []
    black = on = False
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator == "q":
            saved.append((black, on))
        elif operator == "Q" and saved:
            black, on = saved.pop()
        if operator in OTHER_PAINT and on:
            out += [state(KNOCKOUT), instruction, state(OVERPRINT)]
            continue
        out.append(instruction)
        if operator in FILL_COLOURS:
            values = tuple(float(value) for value in instruction.operands
                           if isinstance(value, (int, float, Decimal)))
            black = values == BLACK
            if black != on:
                out.append(state(OVERPRINT if black else KNOCKOUT))
                on = black
    return out
