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

PROJECT_INPUTS = ("press", "styles", "templates", "requirements.txt")
OUTPUT_NAMES = {"pdf": "{slug}.pdf", "epub": "{slug}.epub", "print": "{slug}-print.pdf",
                "booklet": "{slug}-booklet.pdf", "flyer": "{slug}-flyer.pdf"}
STAMPS = ".press-built"  # a folder in the output folder


def output_path(output: Path, slug: str, edition: str) -> Path:
    return output / OUTPUT_NAMES[edition].format(slug=slug)


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
def _project_digest() -> bytes:
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        _add(digest, PROJECT / name, PROJECT)
    return digest.digest()


def handbook_digest(folder: Path) -> bytes:
    """The digest of what every edition of the handbook in ``folder`` is made from."""
    digest = hashlib.sha256(_project_digest())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
    _add(digest, folder.resolve(), folder.resolve())
    return digest.digest()


def inputs_digest(folder: Path, edition: str, handbook: bytes | None = None) -> str:
    """The digest of everything the ``edition`` of the handbook in ``folder`` is made from
    (``handbook``: its handbook_digest, where already taken)."""
    return hashlib.sha256((handbook or handbook_digest(folder)) + edition.encode()).hexdigest()


def _stamp(output: Path, slug: str, edition: str) -> Path:
    return output / STAMPS / f"{output_path(output, slug, edition).name}.digest"


def up_to_date(folder: Path, output: Path, edition: str, digest: str) -> bool:
    """Whether the edition's file exists and was made from the inputs ``digest`` stands for."""
    slug = folder.resolve().name
    stamp = _stamp(output, slug, edition)
    return (output_path(output, slug, edition).is_file() and stamp.is_file()
            and stamp.read_text() == digest)


def remember(folder: Path, output: Path, edition: str, digest: str) -> None:
    """Note the inputs the edition's file was just made from."""
    stamp = _stamp(output, folder.resolve().name, edition)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
