"""Careers handbooks from Markdown to print PDF."""

__version__ = "0.1.0"

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent  # the folder holding chapters/, styles/ ...
STYLES = PROJECT / "styles"
TEMPLATES = PROJECT / "templates"
