"""Careers handbooks from Markdown to print PDF."""

__version__ = "0.1.0"
