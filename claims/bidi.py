"""Bidirectional control characters in user text, made harmless for plain-text outputs. Pure Python.

A statement ending in U+202E (RIGHT-TO-LEFT OVERRIDE) left open reverses whatever follows it on the line: in
a feed title "statement — Accurate" the verdict reads "etaruccA". HTML isolates user text with ``dir="auto"``
or ``<bdi>``; where the text is plain (feed titles, ``<title>``, Open Graph, JSON-LD, e-mail subjects) the
text itself must carry its own boundaries.

Kept: the marks (LRM, RLM, ALM), which do not nest, and embeddings, overrides and isolates that the text opens
and closes itself (writers use them to keep a Latin name inside Arabic in order). Dropped: a closer with no
opener. Added: the closers of whatever the text leaves open, at the end and before each paragraph separator.
"""

import unicodedata

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
EMBEDDINGS = frozenset({LRE, RLE, LRO, RLO})
ISOLATES = frozenset({LRI, RLI, FSI})
#: The bidi classes that can change how neighbouring text is ordered; text without any is left unwrapped.
DIRECTIONAL_CLASSES = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
#: Openers kept at most, nested: 60 keeps the embedding level under the algorithm's limit of 125, past which
#: openers are silently ignored and the text's own closers would no longer pair as counted here.
MAX_NESTING = 60


def _is_paragraph_separator(char: str) -> bool:
    return unicodedata.bidirectional(char) == "B"


def balance(text: str) -> str:
    """``text`` with every embedding, override and isolate closed where the text meant, or at its paragraph's end.

    Pairing follows the Unicode Bidirectional Algorithm (UAX #9, rules X1-X8): PDF closes the innermost
    embedding or override opened inside the innermost open isolate; PDI closes the innermost isolate and every
    embedding opened inside it (written out here, for renderers that do not infer them); a paragraph separator
    closes everything. Unpaired closers are dropped, nothing else changes.
    """
    out: list[str] = []
    stack: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            if len(stack) < MAX_NESTING:
                stack.append(char)
                out.append(char)
        elif char == PDF:
            if stack and stack[-1] in EMBEDDINGS:
                stack.pop()
                out.append(char)
        elif char == PDI:
            if any(opener in ISOLATES for opener in stack):
                while stack[-1] in EMBEDDINGS:
                    stack.pop()
                    out.append(PDF)
                stack.pop()
                out.append(char)
        elif _is_paragraph_separator(char):
            out.extend(_closers(stack))
            stack.clear()
            out.append(char)
        else:
            out.append(char)
    out.extend(_closers(stack))
    return "".join(out)


def _closers(stack: list[str]) -> list[str]:
    return [PDI if opener in ISOLATES else PDF for opener in reversed(stack)]


def isolate_plain(text: str) -> str:
    """``text`` for a one-line plain-text output, unable to reorder what is written before or after it.

    Line breaks become spaces, the controls are balanced, and text that has right-to-left letters, Arabic
    digits or controls is wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, so a verdict written after
    it keeps its own order. Latin-only text comes back unchanged but for the line breaks.
    """
    line = "".join(" " if _is_paragraph_separator(char) else char for char in text)
    line = balance(line)
    if any(unicodedata.bidirectional(char) in DIRECTIONAL_CLASSES for char in line):
        return f"{FSI}{line}{PDI}"
    return line
