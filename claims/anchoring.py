"""Anchoring: point a claim at its span of article text, and find that span again when the text changes.

Selectors are the W3C Web Annotation TextQuoteSelector (exact, prefix, suffix) plus TextPositionSelector
(start, end). Positions count Unicode code points (Python str indices), not the UTF-16 code units of
JavaScript strings; `utf16_to_codepoint` and `codepoint_to_utf16` convert at the browser boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from claims import limits

DEFAULT_CONTEXT = 32
DEFAULT_THRESHOLD = 0.75

# A fuzzy match's confidence is its quote similarity scaled by how well the surrounding text still matches:
# the quote alone earns at most this share, so a reworded quote in unrelated surroundings falls below the
# default threshold, and no match is ever more confident than the share of the quote that survived.
_QUOTE_SHARE = 0.75
# Position only breaks near-ties between candidates (Hypothesis's client weighs it 2 against 50 + 20 + 20).
_POSITION_WEIGHT = 0.02
# Code points searched on each side of the expected position before falling back to the whole text.
_WINDOW_PAD = 2_000
# Region searched around a whole-text candidate, beyond the quote's own length and allowed errors.
_REGION_PAD = 64
# Approximate match ends kept for scoring, best first; repetitive text can produce thousands.
_MAX_FUZZY_ENDS = 50

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Selector:
    """A claim's span: the quote with text around it, and its code point positions in one revision."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchoring:
    """Where a selector landed on a new text: `selector` is None when the claim's text is gone."""

    selector: Selector | None
    method: Literal["exact", "fuzzy", "orphaned"]
    confidence: float


class AnchorError(ValueError):
    """A selector that cannot be placed on the text; the message is meant for the person who sent it."""


class QuoteNotFound(AnchorError):
    def __init__(self, *, context_given: bool = False) -> None:
        if context_given:
            message = _(
                "The quote appears in the article, but not with the given text before or after it; "
                "check the prefix and suffix, or leave them out."
            )
        else:
            message = _(
                "The quote does not appear in the article; copy it again from the article's text, exactly as written."
            )
        super().__init__(message)


class QuoteAmbiguous(AnchorError):
    def __init__(self, positions: Sequence[int]) -> None:
        self.positions = tuple(positions)
        self.count = len(self.positions)
        super().__init__(
            _(
                "The quote appears %(count)s times in the article; add a prefix or suffix "
                "(text just before or after it) to say which one."
            )
            % {"count": self.count}
        )


class PositionsOutOfRange(AnchorError):
    def __init__(self, start: int, end: int, length: int) -> None:
        self.start, self.end, self.length = start, end, length
        super().__init__(
            _(
                "The positions %(start)s to %(end)s are not a span of the article, which is %(length)s "
                "characters long; give a start of at least 0 and an end after it, at most %(length)s."
            )
            % {"start": start, "end": end, "length": length}
        )


#: A selector's parts as a mismatch names them (gettext message ids).
SELECTOR_PARTS = {"quote": gettext_noop("quote"), "prefix": gettext_noop("prefix"), "suffix": gettext_noop("suffix")}


class SelectorMismatch(AnchorError):
    def __init__(self, part: str, start: int, end: int, found: str) -> None:
        self.part = part
        shown = found if len(found) <= 40 else found[:39] + "…"
        super().__init__(
            _(
                "The %(part)s does not match the article's text at positions %(start)s to %(end)s "
                "(the article has “%(shown)s” there); send the quote or the positions alone, "
                "or correct one of them."
            )
            % {"part": _(SELECTOR_PARTS.get(part, part)), "start": start, "end": end, "shown": shown}
        )


class EmptySelection(AnchorError):
    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("The selection is empty or only whitespace; select the words of the claim."))


def describe(text: str, start: int, end: int, context: int = DEFAULT_CONTEXT) -> Selector:
    """The full selector for text[start:end], with up to `context` code points of text on each side."""
    _check_whole_numbers(start, end)
    if not 0 <= start <= end <= len(text):
        raise PositionsOutOfRange(start, end, len(text))
    _require_words(text[start:end])
    return _describe(text, start, end, context)


#: The quote and its context are each capped: searching an article for a pasted megabyte is the cost this avoids.
SELECTOR_LIMITS = dict.fromkeys(("exact", "prefix", "suffix"), limits.CLAIM_QUOTE_MAX_CHARS)


def resolve_selector(text: str, selector: Mapping[str, Any]) -> Selector:
    """A selector as the desk and the API send it (any of exact, prefix, suffix, start and end) placed on ``text``,
    for a claim or a span comment alike. Raises an AnchorError whose message is for the person who selected; an
    over-long quote is refused before the text is searched."""
    if errors := limits.check_lengths(selector, SELECTOR_LIMITS):
        raise AnchorError(errors.get("exact") or next(iter(errors.values())))
    return resolve(
        text,
        exact=selector.get("exact") or None,
        prefix=selector.get("prefix") or None,
        suffix=selector.get("suffix") or None,
        start=selector.get("start"),
        end=selector.get("end"),
    )


def resolve(
    text: str,
    *,
    exact: str | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
    start: int | None = None,
    end: int | None = None,
    context: int = DEFAULT_CONTEXT,
) -> Selector:
    """Complete a partial selector: a quote (prefix and suffix narrow it down), positions, or both.

    Raises an AnchorError subclass whose message tells the user what to fix.
    """
    if exact is not None:
        _require_words(exact)
    if (start is None) != (end is None):
        raise AnchorError(_("Give both a start and an end position, or neither."))
    if start is not None and end is not None:
        return _resolve_positions(text, exact, prefix, suffix, start, end, context)
    if exact is None:
        raise EmptySelection(
            _("Nothing is selected; give the quote, or the start and end positions, of the claim's text.")
        )
    occurrences = _occurrences(text, exact)
    matches = [p for p in occurrences if _context_fits(text, p, p + len(exact), prefix or "", suffix or "")]
    if not matches:
        raise QuoteNotFound(context_given=bool(occurrences))
    if len(matches) > 1:
        raise QuoteAmbiguous(matches)
    return _describe(text, matches[0], matches[0] + len(exact), context)


def reanchor(
    selector: Selector, text: str, *, threshold: float = DEFAULT_THRESHOLD, context: int = DEFAULT_CONTEXT
) -> Anchoring:
    """Find the selector's span in a new revision of the text, exactly, approximately, or not at all.

    An exact result always holds the quote's very text; a fuzzy one holds text at least `threshold`
    similar to it, in matching surroundings; anything less is orphaned rather than moved elsewhere.
    """
    return _Anchorer(text, threshold, context).anchor(selector, selector.start)


def reanchor_all(
    selectors: Sequence[Selector], text: str, *, threshold: float = DEFAULT_THRESHOLD, context: int = DEFAULT_CONTEXT
) -> list[Anchoring]:
    """`reanchor` for every selector of one article, in the order given.

    Selectors are visited in their old text order, and each expects its span shifted as far as the previous
    one's moved, so after an edit near the start most spans are confirmed in place without a search.
    """
    anchorer = _Anchorer(text, threshold, context)
    anchorings: dict[int, Anchoring] = {}
    shift = 0
    for index in sorted(range(len(selectors)), key=lambda i: selectors[i].start):
        selector = selectors[index]
        anchoring = anchorer.anchor(selector, selector.start + shift)
        if anchoring.selector is not None:
            shift = anchoring.selector.start - selector.start
        anchorings[index] = anchoring
    return [anchorings[index] for index in range(len(selectors))]


def codepoint_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 code unit offset (as JavaScript counts) of code point offset `offset` in `text`."""
    if not 0 <= offset <= len(text):
        raise ValueError(f"Offset {offset} is outside the text, which is {len(text)} code points long.")
    return offset + sum(1 for _ in _ASTRAL.finditer(text, 0, offset))


def utf16_to_codepoint(text: str, offset: int) -> int:
    """The code point offset of UTF-16 code unit offset `offset`; refuses offsets inside a surrogate pair."""
    if offset < 0:
        raise ValueError(f"Offset {offset} is outside the text; offsets start at 0.")
    astral_before = 0
    for match in _ASTRAL.finditer(text):
        unit = match.start() + astral_before
        if offset <= unit:
            break
        if offset == unit + 1:
            raise ValueError(
                f"Offset {offset} falls between the two halves of the character "
                f"“{match.group()}”; move it before or after that character."
            )
        astral_before += 1
    codepoint = offset - astral_before
    if codepoint > len(text):
        raise ValueError(
            f"Offset {offset} is outside the text, which is "
            f"{codepoint_to_utf16(text, len(text))} UTF-16 code units long."
        )
    return codepoint


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    confidence: float
    rank: float


class _Anchorer:
    """Re-anchors selectors on one text, sharing quote occurrences between selectors with the same quote."""

    def __init__(self, text: str, threshold: float, context: int) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("The threshold must be above 0 and at most 1.")
        self.text, self.threshold, self.context = text, threshold, context
        self._occurrences: dict[str, list[int]] = {}

    def anchor(self, selector: Selector, expected: int) -> Anchoring:
        quote = selector.exact
        _require_words(quote)
        for position in dict.fromkeys((expected, selector.start)):
            if position >= 0 and _context_fits(
                self.text, position, position + len(quote), selector.prefix, selector.suffix, quote
            ):
                return self._found(quote, position, position + len(quote), 1.0)
        occurrences = self.occurrences(quote)
        if len(occurrences) == 1:
            return self._found(quote, occurrences[0], occurrences[0] + len(quote), 1.0)
        if occurrences:
            return self._accept(quote, self._best(selector, expected, ((p, p + len(quote)) for p in occurrences)))
        return self._accept(quote, self._fuzzy(selector, expected))

    def _fuzzy(self, selector: Selector, expected: int) -> _Candidate | None:
        """The best approximate match near where the span is expected, or failing that, in the whole text."""
        lo, hi = self._window(expected, len(selector.exact))
        best = self._best(selector, expected, self._approximate(selector.exact, lo, hi))
        if (best is None or best.confidence < self.threshold) and (lo, hi) != (0, len(self.text)):
            best = self._best(selector, expected, self._whole_text_candidates(selector.exact), best)
        return best

    def occurrences(self, quote: str) -> list[int]:
        if quote not in self._occurrences:
            self._occurrences[quote] = _occurrences(self.text, quote)
        return self._occurrences[quote]

    def _accept(self, quote: str, best: _Candidate | None) -> Anchoring:
        if best is None or best.confidence < self.threshold:
            return Anchoring(None, "orphaned", best.confidence if best else 0.0)
        return self._found(quote, best.start, best.end, best.confidence)

    def _found(self, quote: str, start: int, end: int, confidence: float) -> Anchoring:
        selector = _describe(self.text, start, end, self.context)
        return Anchoring(selector, "exact" if selector.exact == quote else "fuzzy", confidence)

    def _best(
        self, selector: Selector, expected: int, spans: Iterable[tuple[int, int]], best: _Candidate | None = None
    ) -> _Candidate | None:
        for start, end in spans:
            candidate = self._score(selector, expected, start, end)
            if candidate is not None and (best is None or candidate.rank > best.rank):
                best = candidate
        return best

    def _score(self, selector: Selector, expected: int, start: int, end: int) -> _Candidate | None:
        found = self.text[start:end]
        if not found.strip():
            return None
        quote_similarity = Levenshtein.normalized_similarity(selector.exact, found)
        confidence = quote_similarity * (_QUOTE_SHARE + (1 - _QUOTE_SHARE) * self._context(selector, start, end))
        proximity = 1 - abs(start - expected) / max(len(self.text), 1)
        return _Candidate(start, end, confidence, confidence + _POSITION_WEIGHT * proximity)

    def _context(self, selector: Selector, start: int, end: int) -> float:
        """How well the text around a candidate matches the selector's prefix and suffix, from 0 to 1."""
        similarities = []
        if selector.prefix:
            before = self.text[max(0, start - len(selector.prefix)) : start]
            similarities.append(Levenshtein.normalized_similarity(selector.prefix, before))
        if selector.suffix:
            after = self.text[end : end + len(selector.suffix)]
            similarities.append(Levenshtein.normalized_similarity(selector.suffix, after))
        return sum(similarities) / len(similarities) if similarities else 1.0

    def _window(self, expected: int, length: int) -> tuple[int, int]:
        pad = max(_WINDOW_PAD, 2 * length)
        expected = min(max(expected, 0), len(self.text))
        return max(0, expected - pad), min(len(self.text), expected + length + pad)

    def _approximate(self, quote: str, lo: int, hi: int) -> Iterable[tuple[int, int]]:
        """Spans of text[lo:hi] within the allowed number of edits of the quote."""
        max_errors = _max_errors(len(quote), self.threshold)
        for end, errors in _best_ends(_match_ends(quote, self.text[lo:hi], max_errors)):
            end += lo
            earliest = max(lo, end - len(quote) - errors)
            for start in range(earliest, end - len(quote) + errors + 1):
                if start < end and Levenshtein.distance(quote, self.text[start:end], score_cutoff=errors) <= errors:
                    yield start, end

    def _whole_text_candidates(self, quote: str) -> Iterable[tuple[int, int]]:
        """Approximate matches around the region of the whole text that rapidfuzz finds most like the quote."""
        alignment = fuzz.partial_ratio_alignment(quote, self.text, score_cutoff=_region_cutoff(self.threshold))
        if alignment is not None:
            slack = _max_errors(len(quote), self.threshold) + _REGION_PAD
            lo, hi = max(0, alignment.dest_start - slack), min(len(self.text), alignment.dest_end + slack)
            yield from self._approximate(quote, lo, hi)


def _describe(text: str, start: int, end: int, context: int) -> Selector:
    if context < 0:
        raise ValueError("The context length cannot be negative.")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def _resolve_positions(
    text: str, exact: str | None, prefix: str | None, suffix: str | None, start: int, end: int, context: int
) -> Selector:
    selector = describe(text, start, end, context)
    if exact is not None and exact != selector.exact:
        raise SelectorMismatch("quote", start, end, selector.exact)
    if prefix and not text.endswith(prefix, 0, start):
        raise SelectorMismatch("prefix", start, end, selector.exact)
    if suffix and not text.startswith(suffix, end):
        raise SelectorMismatch("suffix", start, end, selector.exact)
    return selector


def _check_whole_numbers(start: object, end: object) -> None:
    for value in (start, end):
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnchorError(
                _(
                    "The start and end positions must be whole numbers "
                    "(code points from the start of the article's text)."
                )
            )


def _require_words(quote: str) -> None:
    if not quote.strip():
        raise EmptySelection()


def _occurrences(text: str, quote: str) -> list[int]:
    """Every start of quote in text, overlapping ones included."""
    positions = []
    position = text.find(quote)
    while position != -1:
        positions.append(position)
        position = text.find(quote, position + 1)
    return positions


def _context_fits(text: str, start: int, end: int, prefix: str, suffix: str, quote: str | None = None) -> bool:
    """Whether text[start:end] (optionally equal to quote) sits right after prefix and right before suffix."""
    return (
        (quote is None or text.startswith(quote, start))
        and text.endswith(prefix, 0, start)
        and text.startswith(suffix, end)
    )


def _max_errors(length: int, threshold: float) -> int:
    """Edits allowed between a quote and a fuzzy match: at most half the quote, and no more than could still
    reach the threshold, since confidence never exceeds quote similarity, 1 - errors / (length + errors)."""
    reachable = int((1 - threshold) * length / threshold + 1e-9)
    return min(length // 2, reachable)


def _region_cutoff(threshold: float) -> float:
    """The lowest rapidfuzz partial_ratio a match reaching the threshold can have.

    A match within d edits of a quote of length m lies within 1.5 * d indel operations of some window of
    length m, and reaching the threshold allows d up to (1 - threshold) / threshold * m.
    """
    return max(0.0, 100 * (1 - 1.5 * (1 - threshold) / threshold))


def _match_ends(pattern: str, text: str, max_errors: int) -> list[tuple[int, int]]:
    """(end, edits) for each end in text where some substring ending there is within max_errors edits of
    pattern, with the fewest edits such a substring needs.

    Myers' bit-parallel algorithm (1999), with Python's big integers as bit vectors as long as the pattern.
    """
    length = len(pattern)
    if length == 0:
        return []
    equal: dict[str, int] = {}
    for index, char in enumerate(pattern):
        equal[char] = equal.get(char, 0) | (1 << index)
    mask = (1 << length) - 1
    last = 1 << (length - 1)
    positive, negative, score = mask, 0, length
    ends = []
    for index, char in enumerate(text):
        eq = equal.get(char, 0)
        xv = eq | negative
        xh = (((eq & positive) + positive) ^ positive) | eq
        horizontal_positive = negative | (~(xh | positive) & mask)
        horizontal_negative = positive & xh
        if horizontal_positive & last:
            score += 1
        elif horizontal_negative & last:
            score -= 1
        # Shifting in a zero leaves row 0 at zero: a match may start anywhere in the text.
        horizontal_positive = (horizontal_positive << 1) & mask
        horizontal_negative = (horizontal_negative << 1) & mask
        positive = horizontal_negative | (~(xv | horizontal_positive) & mask)
        negative = horizontal_positive & xv
        if score <= max_errors:
            ends.append((index + 1, score))
    return ends


def _best_ends(ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The fewest-edit ends of each run of adjacent ends, since neighbours describe the same match."""
    runs: list[list[tuple[int, int]]] = []
    for end, errors in ends:
        if runs and end == runs[-1][-1][0] + 1:
            runs[-1].append((end, errors))
        else:
            runs.append([(end, errors)])
    kept: list[tuple[int, int]] = []
    for run in runs:
        fewest = min(errors for _, errors in run)
        kept.extend(item for item in run if item[1] == fewest)
    kept.sort(key=lambda item: item[1])
    return kept[:_MAX_FUZZY_ENDS]
