"""One run of our pipeline for the benchmark: PDF and EPUB of each handbook given, through
the same path as the command line (so finished outputs are skipped, handbooks run in
parallel).

python bench/ours.py HANDBOOK [HANDBOOK ...] OUTPUT [--stages]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from press.publishing import publish  # noqa: E402
from press.helpers import ready_to_build  # noqa: E402
from press.timing import STAGES, TIMES  # noqa: E402


def main(argv: list[str]) -> int:
    show_stages = "--stages" in argv
    *books, output = [Path(arg) for arg in argv if arg != "--stages"]
    # Stage times are added up in this process, so they are taken from a build without
    # helpers, in a process made ready as a helper is.
    if show_stages:
        ready_to_build()
    status = publish(["pdf", "epub"], [(book, str(book)) for book in books], output,
                     parallel=not show_stages)
    if show_stages:
        print(json.dumps({name: round(TIMES[name], 4) for name in STAGES}))
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
