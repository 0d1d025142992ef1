"""Entities named in text: the registry's names and aliases matched word by word, normalized (claims.arabic), the
clitics و ف ب ل ك and ال stripped from the first word (لمجموعة فاغنر, لحفتر), spelling variants of words of four
letters or more accepted (Shoygu/Shoigu). Pure: the registry comes in as plain entries."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claims.arabic import similar_words, skeleton, strip_clitics
from claims.arabic.words import Token, scan


@dataclass(frozen=True)
class RegistryEntry:
    """An entity the text may name: its id, every name and alias, its kind and the name the desk shows."""

    id: int
    names: tuple[str, ...]
    kind: str = "person"
    name: str = ""


@dataclass(frozen=True)
class Mention:
    entity: RegistryEntry
    first: int  # token indices [first, last)
    last: int


class Registry:
    """Entity names indexed for matching in text: normalized words, clitics (و ب ل ال) stripped, and spelling
    variants (similar_words) for words of four letters or more."""

    def __init__(self, entries: Iterable[RegistryEntry]) -> None:
        self._by_key: dict[str, list[tuple[tuple[str, ...], RegistryEntry]]] = {}
        self._by_skeleton: dict[str, list[tuple[tuple[str, ...], RegistryEntry]]] = {}
        for entry in entries:
            for name in {*entry.names, entry.name} - {""}:
                keys = tuple(token.text for token in scan(name) if token.kind != "symbol")
                if not keys:
                    continue
                self._by_key.setdefault(keys[0], []).append((keys, entry))
                if len(keys[0]) >= 4:
                    self._by_skeleton.setdefault(skeleton(keys[0]), []).append((keys, entry))
        for table in (self._by_key, self._by_skeleton):
            for candidates in table.values():
                candidates.sort(key=lambda candidate: -len(candidate[0]))

    def mentions(self, found: Sequence[Token], first: int, last: int) -> list[Mention]:
        """The entities named in found[first:last], longest name first at each position, in text order."""
        result: list[Mention] = []
        index = first
        while index < last:
            hit = self._match(found, index, last)
            if hit is None:
                index += 1
                continue
            result.append(hit)
            index = hit.last
        return result

    def _match(self, found: Sequence[Token], index: int, last: int) -> Mention | None:
        if found[index].kind == "symbol":
            return None
        readings = strip_clitics(found[index].text)
        candidates = [c for reading in readings for c in self._by_key.get(reading, ())]
        candidates += [c for reading in readings for c in self._by_skeleton.get(skeleton(reading), ())]
        candidates.sort(key=lambda candidate: -len(candidate[0]))
        for keys, entry in candidates:
            words = _words_from(found, index, last, len(keys))
            if len(words) == len(keys) and all(_same_word(words[k], key, k == 0) for k, key in enumerate(keys)):
                return Mention(entry, index, _token_after(found, index, words[-1]))
        return None


def _words_from(found: Sequence[Token], index: int, last: int, count: int) -> list[Token]:
    words: list[Token] = []
    while index < last and len(words) < count:
        if found[index].kind != "symbol":
            words.append(found[index])
        elif found[index].text not in ('"', "'", "-"):
            break
        index += 1
    return words


def _token_after(found: Sequence[Token], index: int, word: Token) -> int:
    while found[index] is not word:
        index += 1
    return index + 1


def _same_word(token: Token, key: str, first: bool) -> bool:
    readings = strip_clitics(token.text) if first else (token.text,)
    return any(reading == key or (len(key) >= 4 and similar_words(reading, key)) for reading in readings)
