"""`new`: a handbook to start from, which shows every feature of the format once (a table
with a caption, ratings in the text and in a cell, each kind of callout, a testimonial, a
link between chapters, a footnote, a PNG and an SVG picture with alt text) and builds with
``--strict`` and no finding. Its files are in ``templates/new/``; ``book.yaml.j2`` takes the
title and the language."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

from . import TEMPLATES
from .config import BCP47

SKELETON = TEMPLATES / "new"


class NewError(Exception):
    """The folder or the options given to `new` are wrong: nothing was written."""


def title_from(folder: Path) -> str:
    """A title from the folder's name: ``chapters/nursing`` gives "Nursing"."""
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "New handbook"


def new_handbook(folder: Path, title: str | None = None, language: str = "en-GB",
                 today: datetime.date | None = None) -> list[Path]:
    """Make the skeleton in ``folder``, which must not exist; returns the files made. It is
    made beside the folder under another name and then renamed: a stopped `new` leaves no
    half-made handbook."""
    from .render import environment

    if os.path.lexists(folder):
        raise NewError(f"{folder}: already exists; new makes a handbook in a new folder "
                       "and never writes over one")
    if not BCP47.match(language):
        raise NewError(f"--language {language}: not a BCP 47 language tag such as en-GB")
    title = title if title is not None and title.strip() else title_from(folder)
    today = today or datetime.date.today()
    if not folder.resolve().parent.is_dir():
        raise NewError(f"{folder.parent}: no such folder")
    making = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    try:
        shutil.copytree(SKELETON, making, ignore=shutil.ignore_patterns("*.j2"))
        book = environment().get_template("new/book.yaml.j2").render(
            title=title, language=language, year=today.year, date=today.isoformat())
        (making / "book.yaml").write_text(book + "\n", encoding="utf-8")
        os.rename(making, folder)
    except BaseException:
        shutil.rmtree(making, ignore_errors=True)
        raise
    return sorted(path for path in folder.rglob("*") if path.is_file())
