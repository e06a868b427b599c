"""Skipping what is already built: each output remembers a digest of all it was made from.

The digest covers the handbook folder, the theme, the templates, the pipeline's own code
and its pinned libraries, the edition and SOURCE_DATE_EPOCH: change any of them and the
output is built again; change none and the build is skipped. This module imports nothing
heavy, so that a build with nothing to do is over in a moment.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from . import PROJECT
from .output import remove, write_atomically
from .editions import EDITIONS, SITE
from .folder import Unreadable, open_file, walk

PROJECT_INPUTS = ("press", "styles", "templates", "words", "requirements.txt")
STAMPS = ".press-built"  # a folder in the output folder


def output_path(output: Path, slug: str, edition: str) -> Path:
    return EDITIONS[edition].path(output, slug)


def _files(root: Path):
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
            yield path


def _add(digest, root: Path, base: Path) -> None:
    for path in _files(root):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


@lru_cache(maxsize=1)
def project_digest() -> bytes:
    """The digest of the pipeline itself: its code, theme, templates, generated words and
    pinned libraries."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        _add(digest, PROJECT / name, PROJECT)
    return digest.digest()


def outputs(output: Path, slug: str) -> list[Path]:
    """The files builds write into ``output`` for the handbook ``slug``: no part of the
    handbook, should the output folder lie inside it (its stamps and temporary files are
    hidden files, which no handbook holds); the site's folder, which holds every handbook's."""
    return [output_path(output, slug, edition) for edition in EDITIONS] + [output / SITE]


def handbook_digest(folder: Path, output: Path | None = None) -> bytes:
    """The digest of what every edition of the handbook in ``folder`` is made from: its
    files as the build reads them (a link by where it leads, never followed outside), the
    ``output`` folder's files left out."""
    digest = hashlib.sha256(project_digest())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
    folder = folder.resolve()
    for name, path, link in walk(folder, outputs(output, folder.name) if output else []):
        digest.update(os.fsencode(name) + b"\0")  # any name the file system holds
        digest.update(_file_digest(folder, name) if path else
                      b"link\0" + link.encode(errors="surrogateescape"))
    return digest.digest()


def _file_digest(folder: Path, name: str) -> bytes:
    try:
        with open_file(folder, name) as file:
            return hashlib.file_digest(file, "sha256").digest()
    except (Unreadable, OSError):  # gone or unreadable since the walk: the build will say
        return b"unreadable\0"


def edition_digest(handbook: bytes, edition: str) -> str:
    """The digest of everything an edition is made from (``handbook``: the handbook_digest)."""
    return hashlib.sha256(handbook + edition.encode()).hexdigest()


def stamp_path(output: Path, slug: str, edition: str) -> Path:
    name = EDITIONS[edition].file.format(slug=slug).replace("/", "-")
    return output / STAMPS / f"{name}.digest"


def up_to_date(slug: str, output: Path, edition: str, digest: str) -> bool:
    """Whether the edition's file exists and was made from the inputs ``digest`` stands for."""
    stamp = stamp_path(output, slug, edition)
    try:
        return output_path(output, slug, edition).exists() and stamp.read_text() == digest
    except (OSError, UnicodeDecodeError):
        return False  # no stamp, or none that can be read: build it again


def forget(output: Path, slug: str, edition: str) -> None:
    """Drop the edition's stamp: done before its file is replaced, so that a build killed
    between the two never leaves a file that a stamp describes wrongly."""
    remove(stamp_path(output, slug, edition))


def remember(output: Path, slug: str, edition: str, digest: str) -> None:
    """Note the inputs the edition's file, now in place, was made from."""
    write_atomically(stamp_path(output, slug, edition), digest.encode())
