"""What the checkers found: an edition claims a conformance (the EPUB's EPUB Accessibility
1.1 at WCAG 2.1 AA, the PDF's and the fact sheet's PDF/UA-1) only where `validate` ran the
checkers on the very file the same inputs make, and they found nothing.

`validate` builds the claiming editions, checks them and records each verdict here, by
the digest of the inputs and the claim; a later build claims only what a passing verdict
for those very inputs records, and otherwise writes the edition without the claim. The
site's accessibility statement is made from the same verdicts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .cache import STAMPS
from .output import write_atomically

CLAIMING = ("pdf", "epub", "flyer")  # the editions that can claim a conformance
# The checkers of each, by their names (joined as the handbook's language lists names).
CHECKERS = {"pdf": ("page-validation",), "flyer": ("page-validation",),
            "epub": ("EPUBCheck", "axe-core")}


@dataclass(frozen=True)
class Verdict:
    """What the checkers found on one edition of a handbook."""

    digest: str  # the inputs (and the claim) of the file checked
    passed: bool
    checked: str  # the day, as an ISO date
    checkers: tuple[str, ...]
    findings: int = 0


def claiming_digest(digest: str) -> str:
    """The digest of an edition made from the inputs ``digest`` stands for, with its claim."""
    return hashlib.sha256(digest.encode() + b"+claims").hexdigest()


def path(output: Path, slug: str) -> Path:
    return output / STAMPS / f"{slug}.verdicts"


def read(output: Path, slug: str) -> dict[str, Verdict]:
    try:
        recorded = json.loads(path(output, slug).read_text(encoding="utf-8"))
        return {edition: Verdict(**{**verdict, "checkers": _names(verdict["checkers"])})
                for edition, verdict in recorded.items() if edition in CLAIMING}
    except (OSError, ValueError, TypeError):
        return {}


def _names(recorded) -> tuple[str, ...]:
    """The checkers' names as recorded: a list (or one text, as they were once kept)."""
    return (recorded,) if isinstance(recorded, str) else tuple(recorded)


def fingerprint(output: Path, slug: str) -> bytes:
    """The recorded verdicts as bytes, for the digest of what the site is made from."""
    try:
        return path(output, slug).read_bytes()
    except OSError:
        return b""


def claims(output: Path, slug: str, edition: str, digest: str) -> bool:
    """Whether the edition made from the inputs ``digest`` stands for may claim its
    conformance: the checkers passed the file those inputs make, with the claim."""
    verdict = read(output, slug).get(edition)
    return (edition in CLAIMING and verdict is not None and verdict.passed
            and verdict.digest == claiming_digest(digest))


def record(output: Path, slug: str, found: dict[str, tuple[str, int]],
           day: datetime.date | None = None) -> None:
    """Record each checked edition's verdict (``found``: edition -> the digest of the file
    checked, and how many findings the checkers had)."""
    verdicts = {edition: verdict.__dict__ for edition, verdict in read(output, slug).items()}
    when = (day or datetime.date.today()).isoformat()
    for edition, (digest, count) in found.items():
        verdicts[edition] = Verdict(digest, count == 0, when, list(CHECKERS[edition]),
                                    count).__dict__
    write_atomically(path(output, slug),
                     json.dumps(verdicts, indent=1, sort_keys=True).encode())
