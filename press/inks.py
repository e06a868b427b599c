"""Pictures in CMYK ink for the press edition, through the FOGRA39 profile shipped in styles/."""

from __future__ import annotations

import io
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

