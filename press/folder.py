"""The only way into a handbook folder's files: every path resolved once, symbolic links and
all, and refused if it leads out of the folder, before a byte of it is read.

Light on purpose: a build with nothing to do takes the digest of the folder through it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator

KIB = 1024


def size(count: int) -> str:
    """A number of bytes as the author reads it: 512 KB, 1 MB."""
    if count >= KIB * KIB and count % (KIB * KIB) == 0:
        return f"{count // (KIB * KIB)} MB"
    return f"{count // KIB} KB"


# Why a path of the handbook is not read.
MISSING, OUTSIDE, BROKEN, NOT_A_FILE, TOO_LARGE, TOO_MUCH, FAILED = (
    "missing", "outside", "broken", "not a file", "too large", "too much", "failed")


class Unreadable(Exception):
    """A path of the handbook that the build does not read, and why."""

    def __init__(self, name: str, kind: str, detail: str = "", line: int | None = None):
        self.name, self.kind, self.detail, self.line = name, kind, detail, line
        super().__init__(f"{name}: {self.reason}")

    @property
    def reason(self) -> str:
        """The end of a sentence that starts with the path: "'x.png' " + reason."""
        return {
            MISSING: "does not exist",
            OUTSIDE: "leads outside the handbook folder"
                     + (f" (it is a link to '{self.detail}')" if self.detail else ""),
            BROKEN: f"is a link that leads nowhere ('{self.detail}')",
            NOT_A_FILE: "is a folder, not a file",
            TOO_LARGE: f"is larger than the {self.detail} a build reads",
            TOO_MUCH: f"takes the handbook's pictures past the {self.detail} a build reads",
            FAILED: f"cannot be read: {self.detail}",
        }[self.kind]


def _hidden(name: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..")
               for part in PurePosixPath(name).parts)


def locate(root: Path, name: str) -> Path:
    """The real file that ``name``, a path inside the handbook folder ``root`` (resolved),
    leads to, links followed; Unreadable if it leads outside, nowhere, or to a folder."""
    given = root / name
    if PurePosixPath(name).is_absolute() or _hidden(name) or "\0" in name:
        raise Unreadable(name, OUTSIDE if PurePosixPath(name).is_absolute() else MISSING)
    real = Path(os.path.realpath(given))
    if not real.is_relative_to(root):
        raise Unreadable(name, OUTSIDE, os.readlink(given) if given.is_symlink() else "")
    if _hidden(real.relative_to(root).as_posix()):
        raise Unreadable(name, MISSING)  # a link into a hidden folder: not the handbook's
    if not real.exists():
        if os.path.lexists(given):
            raise Unreadable(name, BROKEN, os.readlink(given) if given.is_symlink() else "")
        raise Unreadable(name, MISSING)
    if not real.is_file():
        raise Unreadable(name, NOT_A_FILE)
    return real


def open_file(root: Path, name: str) -> BinaryIO:
    """The file ``name`` of the handbook folder ``root``, opened for reading through
    ``locate``: the file the name was resolved to (a link put in its very place since is
    not followed)."""
    real = locate(root, name)
    try:
        return os.fdopen(os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb")
    except OSError as error:
        raise Unreadable(name, FAILED, error.strerror or str(error)) from None


def read(root: Path, name: str, limit: int | None = None) -> bytes:
    """The bytes of the file ``name`` of the handbook folder ``root``, through ``open_file``;
    Unreadable if it is larger than ``limit`` bytes (its ``line``: where the limit falls)."""
    try:
        with open_file(root, name) as file:
            data = file.read() if limit is None else file.read(limit + 1)
    except OSError as error:
        raise Unreadable(name, FAILED, error.strerror or str(error)) from None
    if limit is not None and len(data) > limit:
        raise Unreadable(name, TOO_LARGE, size(limit), line=data[:limit].count(b"\n") + 1)
    return data


def walk(root: Path, exclude: Iterable[Path] = ()) -> Iterator[tuple[str, Path | None, str]]:
    """Every entry of the handbook folder ``root`` (resolved) but hidden ones, folder by
    folder in name order, links not followed: (name, the file, "") for a file, (name, None,
    where it leads) for a link. Paths in ``exclude`` (what builds write there) are left out."""
    excluded = {Path(os.path.realpath(path)) for path in exclude}
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(name for name in folders if not name.startswith(".")
                            and here / name not in excluded)
        entries = sorted(files + [name for name in folders if (here / name).is_symlink()])
        for entry in entries:
            path = here / entry
            if entry.startswith(".") or path in excluded:
                continue
            name = path.relative_to(root).as_posix()
            if path.is_symlink():
                yield name, None, os.readlink(path)
            elif stat.S_ISREG(path.lstat().st_mode):
                yield name, path, ""
