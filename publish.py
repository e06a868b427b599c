"""Publish careers handbooks: python publish.py pdf [HANDBOOK ...] [--output DIR]."""

import importlib.util
import sys

# What every command needs; a Python without them (the system's, not the project's own in
# .venv) is told where the right one is, not shown a traceback.
NEEDED = ("yaml", "markdown", "jinja2", "lxml", "weasyprint", "ebooklib", "pikepdf")

if __name__ == "__main__":
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        print(f"publish.py: error: this Python ({sys.executable}) lacks {', '.join(missing)}, "
              "which the pipeline needs. Run 'make pdf' (or 'make check', ...), which sets up "
              "the project's own Python in .venv, or run '.venv/bin/python publish.py ...'",
              file=sys.stderr)
        raise SystemExit(1)
    from press.cli import main

    raise SystemExit(main())
