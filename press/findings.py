"""Diagnostics about handbook sources: what is wrong, where, and how to fix it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in a source file, with its place and a hint for the author."""

    code: str
    path: str
    line: int | None
    message: str
    hint: str | None = None
    severity: str = ERROR

    def __str__(self) -> str:
        place = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{place}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class SourceError(Exception):
    """The sources cannot be built; carries every finding of the run."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = tuple(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))

    def __reduce__(self):  # crosses from a build process to the command line intact
        return (SourceError, (self.findings,))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known name an author most likely meant, if any is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_key_hint(key: str, known: Iterable[str]) -> str:
    """A hint naming the closest known key, or listing them all."""
    known = sorted(known)
    guess = closest(key, known)
    if guess:
        return f"did you mean '{guess}'?"
    return "known keys: " + ", ".join(known)
