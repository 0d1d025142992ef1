"""Fail when a template line runs past the limit: `make lint` runs this beside ruff, which checks only Python.

A long template line is wrapped where a newline changes nothing the reader sees: between the attributes of a
tag, inside a `{% blocktranslate trimmed %}`, or between table cells. A choice between labels belongs in the view.
"""

import sys
from pathlib import Path

LIMIT = 200
TEMPLATES = Path(__file__).resolve().parent.parent / "claims" / "templates"


def long_lines(root: Path = TEMPLATES, limit: int = LIMIT) -> list[str]:
    """Each line longer than ``limit`` characters (not bytes: Arabic and "…" count once), as path:line: length."""
    found = []
    for path in sorted(root.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if len(line) > limit:
                found.append(f"{path.relative_to(root.parent.parent)}:{number}: {len(line)} characters")
    return found


def main() -> int:
    found = long_lines()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} template line(s) longer than {LIMIT} characters: wrap them.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
