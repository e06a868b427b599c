"""One run of our pipeline for the benchmark: PDF and EPUB of each handbook given.

python bench/ours.py HANDBOOK [HANDBOOK ...] OUTPUT [--stages]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from press.build import build, load_and_check  # noqa: E402
from press.timing import STAGES, TIMES  # noqa: E402


def main(argv: list[str]) -> int:
    show_stages = "--stages" in argv
    paths = [Path(arg) for arg in argv if arg != "--stages"]
    *books, output = paths
    for book in books:
        checked = load_and_check(book, str(book))
        build(checked.book, ["pdf", "epub"], output, checked.chapters)
    if show_stages:
        print(json.dumps({name: round(TIMES[name], 4) for name in STAGES}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
