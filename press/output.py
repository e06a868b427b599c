"""The output folder: files written under temporary names, renamed into place together, and
the machine's faults (a read-only folder, a full disk) as one-line messages.

A temporary file's name carries the machine and the process that write it
(``.<name>.<host>.<pid>.<random>.tmp``), so that a later build can tell the leftovers of a
killed build from another build's work, here or on another machine sharing the folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname()) or "host"
# Our temporary files: an edition's, a stamp's, or the probe of a folder.
TEMPORARY = re.compile(r"^\.(?:.+\.(?:pdf|epub|digest|site|html|xml|css|json)|probe)"
                       r"\.([A-Za-z0-9-]+)\.(\d+)\.[^.]+\.tmp$")
# What the machine, not the pipeline, can be blamed for while files are written.
MACHINE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES,
                  errno.EPERM, errno.EIO, errno.ENOTDIR, errno.EEXIST}


class OutputError(OSError):
    """The machine would not let a file be written: the path, and the system's reason."""

    def __init__(self, path: Path | str, cause: str):
        self.path, self.cause = str(path), cause
        super().__init__(f"{self.path}: {cause}")

    def __reduce__(self):  # crosses from a build process to the command line intact
        return (OutputError, (self.path, self.cause))


class HelperDied(Exception):
    """A helper process ended before its work was done: stopped, or killed by the machine
    short of memory."""


def fault(path: Path | str, error: OSError) -> OutputError:
    """An OSError while writing ``path`` as the author reads it."""
    cause = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        cause = "the disk is full"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        cause = "permission denied (a folder the build may not write to)"
    elif error.errno in (errno.EEXIST, errno.ENOTDIR):
        cause = "a file stands where a folder must be"
    return OutputError(path, cause)


def prepare(folder: Path) -> None:
    """Make ``folder`` (and its parents) ready to take files, or OutputError saying why not;
    the leftovers of killed builds in it are removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".probe.{HOST}.{os.getpid()}.", suffix=".tmp",
                                         dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise fault(folder, error) from None
    remove_temporaries(folder, own=False)


def temporary(target: Path) -> Path:
    """A new empty temporary file beside ``target``, to be renamed onto it when complete."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.{HOST}.{os.getpid()}.",
                                        suffix=".tmp", dir=target.parent)
        os.close(handle)
        os.chmod(name, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0600
    except OSError as error:
        raise fault(target.parent, error) from None
    return Path(name)


def temporary_folder(target: Path) -> Path:
    """A new empty temporary folder beside ``target`` (a folder of the site), to be put in
    its place when complete."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.site.{HOST}.{os.getpid()}.",
                                     suffix=".tmp", dir=target.parent))
    except OSError as error:
        raise fault(target.parent, error) from None


def write(path: Path, data: bytes, shown: Path | None = None) -> None:
    """Write ``data`` to ``path``, faults named after ``shown`` (the file it will become)."""
    try:
        with open(path, "wb") as file:
            file.write(data)
    except OSError as error:
        raise fault(shown or path, error) from None


def replace(temporary_path: Path, target: Path) -> None:
    """Put ``temporary_path`` in the place of ``target``; a folder takes the place of the
    folder before it, which goes (a build stopped between the two renames leaves no
    folder there for a moment, never a mixture of two)."""
    try:
        if temporary_path.is_dir() and target.is_dir():
            old = temporary_folder(target)
            os.replace(target, old)
            os.replace(temporary_path, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary_path, target)
    except OSError as error:
        raise fault(target, error) from None


def write_atomically(target: Path, data: bytes) -> None:
    """``target`` holds ``data`` whole, or stays as it was."""
    path = temporary(target)
    try:
        write(path, data, target)
        replace(path, target)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def locked(path: Path):
    """Hold the lock file ``path`` (made if need be) while the block runs: one process at
    a time, the others wait their turn."""
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise fault(path.parent, error) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # and the lock with it


def remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise fault(path, error) from None


def remove_temporaries(folder: Path, own: bool) -> None:
    """Remove the temporary files in ``folder`` whose writer is no longer running (with
    ``own``, this process's too). Another build's files, still being written, stay."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = TEMPORARY.match(name)
        if not match or match.group(1) != HOST:
            continue  # not ours, or another machine's
        pid = int(match.group(2))
        if not _running(pid) or (own and pid == os.getpid()):
            try:
                if (folder / name).is_dir() and not (folder / name).is_symlink():
                    shutil.rmtree(folder / name)
                else:
                    (folder / name).unlink()
            except OSError:
                pass  # someone else's, or already gone: nothing of ours to keep


def _running(pid: int) -> bool:
    """Whether the process ``pid`` runs: a killed one that waits to be reaped (a zombie,
    as the helpers of a killed build can be) does not."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as status:
            return status.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc to tell: it answers, so it runs


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
