"""Publish careers handbooks: python publish.py pdf [HANDBOOK ...] [--output DIR]."""

from press.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
