"""The helper processes that build editions side by side: started before the sources are
checked, ended with the command line, and a helper that dies (killed, out of memory) a
fault of the machine rather than a build that waits for ever."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .output import HelperDied

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def cores() -> int:
    """The cores this process may run on: one helper, or one part of a book (press.parts),
    a core."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Helpers:
    """``count`` helper processes, one a core, each ready to build."""

    def __init__(self, count: int):
        self.executor = ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("fork"),
            initializer=prepare_builder, initargs=(os.getpid(),))
        # Started with the first job (all of them, as they are forked): start them now,
        # so that each loads the layout engine while this process checks the sources.
        self.executor.submit(int)

    def map(self, function, jobs) -> list:
        """``function`` of each job, in order, run by the helpers."""
        try:
            return list(self.executor.map(function, jobs))
        except BrokenProcessPool:
            raise HelperDied() from None

    def stop(self) -> None:
        """End every helper now: nothing of theirs is wanted."""
        processes = getattr(self.executor, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def prepare_builder(parent: int) -> None:
    """Make this helper process ready to build: it ends with the command line's process
    (``parent``) and leaves Ctrl-C to it."""
    _end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command line stops the helpers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and ends them so: at once
    ready_to_build()


def ready_to_build() -> None:
    """Have the pipeline loaded, and garbage collected less often.

    Laying out a book makes millions of short-lived objects; Python's collector, run every
    700 of them over a heap of hundreds of thousands, took a fifth of the layout time.
    """
    from . import build, pdf, tagging  # noqa: F401  (loaded now, while the sources are checked)

    gc.freeze()  # what is loaded lives as long as the process: the collector skips it
    gc.set_threshold(20_000, 20, 100)


def _end_with_parent(parent: int) -> None:
    """Have the kernel end this helper the moment the command line's process ends, so that
    no helper of a killed build writes anything afterwards."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the command line ends its helpers itself
    if os.getppid() != parent:  # the parent ended before the request took hold
        os._exit(1)
