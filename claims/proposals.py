"""Candidate claims proposed in an article's text: clauses with a kind, pre-filled fields and a score.

Pure: text in, proposals out; the entity registry comes in as plain entries so no ORM is touched. The steps:

1. sentences end at ``. ! ? ؟ … ؛`` before a space, and at line ends; ``Speaker: words`` lines (two or more in
   the text make it a transcript) give every proposal of their line that speaker as claimant;
2. a sentence splits into clauses at a comma only where a new clause begins (كما، ثم، لكن، بينما… or a clause
   verb such as ويتحدث), before a relative pronoun (الذي، التي; which, who) once the clause already has six
   words, and before و/ف on a clause verb (وتلقى) once it has eight; a short first segment (والأربعاء، وفي المقابل) is a lead-in: its dates count, its words are not quoted;
3. each clause gets one kind, first match wins: a quantity (digits or number words, via claims.arabic.numbers);
   a meeting (meeting word, attendees from the registry) or a statement (speech verb, speaker), whichever word
   comes first; an opinion (يرى، I think); an event (a date, resolved against the publication date); other;
4. the score combines claims.checkworthiness with the evidence for the kind.

Positions are code points of the article text; every proposal's ``exact`` is ``text[start:end]``.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from claims import anchoring, checkworthiness
from claims.arabic import find_quantities, normalize, search_key, strip_clitics
from claims.arabic.numbers import find_unit
from claims.arabic.words import Token, scan
from claims.dates import ResolvedDate, find_dates
from claims.details import DetailsError, clean_details
from claims.entity_names import Mention, Registry, RegistryEntry

__all__ = ["Proposal", "Registry", "RegistryEntry", "fingerprint", "propose"]

#: Proposals scoring below this are not worth an editor's look.
MIN_SCORE = 0.3
#: Longest speaker label of a ``Speaker: words`` line, in words.
SPEAKER_MAX_WORDS = 4


def _keys(words: str) -> frozenset[str]:
    return frozenset(search_key(word) for word in words.split())


_MEETING_STEMS = _keys("لقاء لقاءات التقى التقت يلتقي تلتقي التقيا اجتماع اجتماعات اجتمع اجتمعت يجتمع قمة محادثات")
_MEETING_EN = _keys("met meet meets meeting meetings talks summit")
_PRONOUN_SUFFIXES = ("", "ات", "ه", "ها", "هما", "هم", "ا")
_SPEECH = _keys(
    "قال قالت يقول تقول أعلن أعلنت يعلن أكد أكدت يؤكد أضاف أضافت أوضح أوضحت ذكر ذكرت صرح صرحت أفاد أفادت "
    "نفى نفت ينفي دعا دعت يدعو طالب طالبت أخبر أخبرت أبلغ أبلغت كشف كشفت يتحدث تتحدث تحدث زعم زعمت أشار أشارت "
    "said says told announced stated claimed denied confirmed added warned urged called insisted"
)
_OPINION = _keys("يرى ترى يرون رأى يعتقد تعتقد يعتقدون أعتقد نعتقد أرى think thinks believe believes")
_OPENERS = _keys("كما ثم لكن لكنه لكنها بينما فيما حيث إذ غير but while whereas although though")
_CLAUSE_VERBS = _SPEECH | _MEETING_STEMS | _keys("زار استقبل أجرى عقد شارك رفض قتل هاجم شن تلقى وقع أصدر")
_LEADS = _keys(
    "في عقب بعد قبل منذ خلال آنذاك حينها وقتها المقابل بالمقابل كذلك أيضا لذلك بذلك أمس اليوم عام "
    "in after before meanwhile however yesterday today on then also since"
)
_WEEKDAYS = _keys(
    "الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت monday tuesday wednesday thursday friday saturday sunday"
)
_RELATIVES = _keys("الذي التي الذين اللذان اللتان اللواتي which who")
_COMPLEMENTIZERS = _keys("أن إن بأن ان إلى الى that to")
_VAGUE = _keys(
    "البعض بعض مصادر تقارير مراقبون خبراء مسؤولون ناشطون شهود أوساط some sources reports observers experts "
    "officials critics"
)
_HEDGES = _keys("يتردد يقال يشاع يزعم يعتقد يرجح ربما reportedly allegedly rumoured rumored purportedly")
_VIDEO = _keys("المغلقة الفيديو فيديو المرئي video videoconference")
_PHONE = _keys("هاتفي هاتفيا هاتفية phone telephone")
_VISIT = _keys("زار زيارة visited visit")
_SENTENCE_END = re.compile(r"[.!?؟…؛;]+[\"'”»’)]*(?=\s|$)|\n")
_TRANSCRIPT_LINE = re.compile(r"^[ \t]*([^\n:：.،,؟?!]{1,60}?)[ \t]*[:：][ \t]+(\S[^\n]*)$", re.MULTILINE)
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bSt|\bNo|\bvs)\.$")
_COMMAS = {"،", ","}


@dataclass(frozen=True)
class Proposal:
    """One candidate claim: the span's selector, its kind and pre-filled details (meeting attendees included as
    ``{"entity": id, "name": …}``), who makes it, any hedge word, and the score it is ranked by."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    kind: str
    details: dict[str, Any]
    score: float
    claimant: str = ""
    claimant_entity: int | None = None
    entities: tuple[int, ...] = ()
    hedge: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.exact, self.kind)

    @property
    def selector(self) -> dict[str, Any]:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}


def fingerprint(exact: str, kind: str) -> str:
    """What stays the same when the same span is proposed again: its normalized words and its kind."""
    return hashlib.sha256(f"{normalize(exact)}\x1f{kind}".encode()).hexdigest()[:40]


@dataclass
class _Clause:
    first: int  # token indices [first, last)
    last: int
    lead: int  # first token of the sentence's lead-in, == first when there is none
    speaker: str = ""
    words: list[int] = field(default_factory=list)


def propose(
    text: str,
    *,
    published: dt.date | None = None,
    language: str = "",
    registry: Registry | Iterable[RegistryEntry] = (),
) -> list[Proposal]:
    """The candidate claims of ``text``, best score first. Relative dates resolve against ``published``; without
    it only dates written in full are filled in."""
    if not isinstance(registry, Registry):
        registry = Registry(registry)
    found = scan(text)
    speakers = _transcript_speakers(text)
    proposals = []
    for clause in _clauses(text, found, speakers):
        proposal = _propose_clause(text, found, clause, published, language, registry)
        # Opinions are shown, last, so the editor can mark them not checkable rather than meet them again unranked.
        if proposal is not None and (proposal.score >= MIN_SCORE or proposal.kind == "opinion"):
            proposals.append(proposal)
    proposals.sort(key=lambda p: (-p.score, p.start))
    return proposals


def _transcript_speakers(text: str) -> dict[int, tuple[str, int]]:
    """Line start → (speaker, where the words start), when two or more lines read ``Speaker: words``."""
    lines = {}
    for match in _TRANSCRIPT_LINE.finditer(text):
        speaker = match.group(1).strip()
        if 0 < len(speaker.split()) <= SPEAKER_MAX_WORDS and not any(c.isdigit() for c in speaker):
            lines[match.start()] = (speaker, match.start(2))
    return lines if len(lines) >= 2 else {}


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() == "." and _ABBREVIATION.search(text[max(0, match.start() - 4) : match.end()]):
            continue
        if text[start : match.end()].strip():
            spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _clauses(text: str, found: list[Token], speakers: dict[int, tuple[str, int]]) -> list[_Clause]:
    clauses: list[_Clause] = []
    index = 0
    line_starts = sorted(speakers)
    for start, end in _sentences(text):
        speaker = ""
        line = _line_of(line_starts, start)
        if line is not None:
            speaker, words_start = speakers[line]
            start = max(start, words_start)
        while index < len(found) and found[index].start < start:
            index += 1
        first = index
        while index < len(found) and found[index].end <= end:
            index += 1
        clauses.extend(_split_sentence(found, first, index, speaker))
    return clauses


def _line_of(line_starts: list[int], position: int) -> int | None:
    before = [line for line in line_starts if line <= position]
    return before[-1] if before else None


def _split_sentence(found: list[Token], first: int, last: int, speaker: str) -> list[_Clause]:
    segments: list[list[int]] = [[]]
    for index in range(first, last):
        if found[index].text in _COMMAS:
            segments.append([])
        elif found[index].kind != "symbol" or found[index].text in ('"', "%", "$", "(", ")"):
            segments[-1].append(index)
    segments = [segment for segment in segments if segment]
    if not segments:
        return []
    lead = segments[0][0]
    if len(segments) > 1 and _is_lead_in(found, segments[0]):
        segments = segments[1:]
    clauses: list[list[int]] = []
    for segment in segments:
        if clauses and not _opens_clause(found, segment[0]):
            clauses[-1].extend(segment)
        else:
            clauses.append(list(segment))
    result = []
    for words in _split_relatives(found, clauses):
        result.append(_Clause(words[0], words[-1] + 1, min(lead, words[0]), speaker, words))
        lead = words[-1] + 1  # only the first clause has the sentence's lead-in
    return result


def _split_relatives(found: list[Token], clauses: list[list[int]]) -> list[list[int]]:
    result = []
    for words in clauses:
        current: list[int] = []
        for index in words:
            count = _word_count(found, current)
            if (found[index].text in _RELATIVES and count >= 6) or (count >= 8 and _joins_clause(found, index)):
                result.append(current)
                current = []
            current.append(index)
        result.append(current)
    return [words for words in result if words]


def _joins_clause(found: list[Token], index: int) -> bool:
    """و or ف written onto a clause verb: وتلقى, فأعلن."""
    key = found[index].text
    return key[:1] in ("و", "ف") and len(key) > 3 and _is_verb(key[1:])


def _word_count(found: list[Token], indices: list[int]) -> int:
    return sum(1 for index in indices if found[index].kind != "symbol")


def _is_lead_in(found: list[Token], segment: list[int]) -> bool:
    """A short opening adverbial: والأربعاء، وفي المقابل، وعقب هذه الزيارة، Meanwhile,"""
    if _word_count(found, segment) > 3:
        return False
    first = found[segment[0]].text
    readings = (first, first[1:]) if first[:1] in ("و", "ف") and len(first) > 2 else (first,)
    return any(reading in _LEADS or reading in _WEEKDAYS for reading in readings)


def _opens_clause(found: list[Token], index: int) -> bool:
    key = found[index].text
    if key in _OPENERS:
        return True
    stems = (key, key[1:]) if key[:1] in ("و", "ف") and len(key) > 3 else (key,)
    return any(stem in _OPENERS or _is_verb(stem) for stem in stems)


def _is_verb(stem: str) -> bool:
    """A clause verb, also with the feminine or plural ending of the past (رفضت، شاركوا)."""
    return stem in _CLAUSE_VERBS or any(
        stem.endswith(ending) and stem[: -len(ending)] in _CLAUSE_VERBS for ending in ("ت", "وا")
    )


def _has_word(found: list[Token], indices: list[int], lexicon: frozenset[str]) -> int | None:
    """The first of ``indices`` whose word (without و ف ب ل ال, or with a pronoun suffix) is in ``lexicon``."""
    for index in indices:
        if found[index].kind != "word":
            continue
        for reading in strip_clitics(found[index].text):
            if reading in lexicon or any(
                reading.endswith(suffix) and reading[: len(reading) - len(suffix)] in lexicon
                for suffix in _PRONOUN_SUFFIXES[1:]
                if len(reading) - len(suffix) >= 4
            ):
                return index
    return None


def _propose_clause(
    text: str,
    found: list[Token],
    clause: _Clause,
    published: dt.date | None,
    language: str,
    registry: Registry,
) -> Proposal | None:
    words = clause.words
    if _word_count(found, words) < 4:
        return None
    start, end = found[clause.first].start, found[clause.last - 1].end
    exact = text[start:end]
    context_start = found[clause.lead].start
    mentions = registry.mentions(found, clause.lead, clause.last)
    people = _unique([m.entity for m in mentions if m.first >= clause.first and m.entity.kind != "place"])
    places = _unique([m.entity for m in mentions if m.entity.kind == "place"])
    dates = _dates(text[context_start:end], published)
    quantities = find_quantities(exact)
    meeting_word = _has_word(found, words, _MEETING_STEMS | _MEETING_EN)
    speech_word = _has_word(found, words, _SPEECH)
    opinion_word = _has_word(found, words, _OPINION)
    hedge_at = _has_word(found, words, _HEDGES)
    claimant, claimant_entity = clause.speaker, _entity_named(registry, clause.speaker)
    details: dict[str, Any]
    if quantities:
        kind, evidence, details = "quantity", 0.9, _quantity_details(exact, quantities[0], dates, places)
    elif meeting_word is not None and people and (speech_word is None or meeting_word < speech_word):
        kind, evidence = "meeting", 0.6 + 0.1 * min(len(people), 3)
        details = _meeting_details(found, words, dates, places, people)
    elif opinion_word is not None and (speech_word is None or opinion_word < speech_word):
        kind, evidence = "opinion", 0.1
        details = {"holder": claimant or _phrase_after(text, found, words, opinion_word)}
    elif speech_word is not None or clause.speaker:
        named, speaker_text = _speaker(text, found, words, speech_word, mentions, clause)
        if named:
            kind, evidence = "quote", 0.75
            details = {
                "speaker": speaker_text,
                "words": _words_said(text, found, words, speech_word),
                "date": _first_date(dates),
                "place": places[0].name if places else "",
            }
            claimant = claimant or speaker_text
            claimant_entity = claimant_entity or _first_id(mentions, clause)
        else:
            kind, evidence, details = "other", 0.45, {}
            claimant = claimant or speaker_text
    elif dates and people:
        kind, evidence = "event", 0.7
        details = {
            "what": _strip_lead_word(exact),
            "date": _first_date(dates),
            "date_text": dates[0].matched if dates[0].relative else "",
            "place": places[0].name if places else "",
            "who": [entity.name for entity in people if entity.kind == "person"],
        }
    elif people and _word_count(found, words) >= 6:
        kind, evidence, details = "other", 0.4, {}
    else:
        return None
    details = _valid(kind, details)
    if kind == "meeting":
        details["attendees"] = [{"entity": entity.id, "name": entity.name} for entity in people]
    # A hedge lowers the claim it hedges: the model scores the words without the hedge, and the hedge costs 0.1
    # (the model alone may rank "reportedly …" higher than the plain claim: hedged tweets are often check-worthy).
    scored = exact
    if hedge_at is not None:
        hedge_start, hedge_end = found[hedge_at].start - start, found[hedge_at].end - start
        scored = (exact[:hedge_start] + exact[hedge_end:]).replace("  ", " ")
    value = (
        0.5 * checkworthiness.score(scored, language=language) + 0.5 * evidence - (0.1 if hedge_at is not None else 0.0)
    )
    selector = anchoring.describe(text, start, end)
    return Proposal(
        start=start,
        end=end,
        exact=exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        kind=kind,
        details=details,
        score=round(min(1.0, max(0.0, value)), 3),
        claimant=claimant[:300],
        claimant_entity=claimant_entity,
        entities=tuple(entity.id for entity in _unique([m.entity for m in mentions])),
        hedge=text[found[hedge_at].start : found[hedge_at].end] if hedge_at is not None else "",
    )


def _unique(entities: list[RegistryEntry]) -> list[RegistryEntry]:
    return list({entity.id: entity for entity in reversed(entities)}.values())[::-1]


def _valid(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    """The details as claims.details keeps them; a field it refuses is left for the editor to fill in."""
    try:
        return clean_details(kind, details)
    except DetailsError as error:
        return clean_details(kind, {k: v for k, v in details.items() if k not in error.errors})


def _dates(context: str, published: dt.date | None) -> list[ResolvedDate]:
    found = find_dates(context, published or dt.date(9999, 12, 31))
    return [date for date in found if published is not None or not date.relative]


def _first_date(dates: list[ResolvedDate]) -> str:
    """The first date, or a period when two years stand joined by a dash or و (1977-1978)."""
    if not dates:
        return ""
    first = dates[0]
    if len(dates) > 1 and first.date.precision == dates[1].date.precision == "year":
        second = dates[1]
        if second.start - first.end <= 3 and second.date.year > first.date.year:
            return f"{first.date}/{second.date}"
    return str(first.date)


def _quantity_details(exact: str, quantity: Any, dates: list[ResolvedDate], places: list[RegistryEntry]) -> dict:
    unit = quantity.unit or find_unit(exact)
    subject = ""
    if unit and not quantity.unit:
        subject = _subject_around(exact, unit)
    return {
        "value": _number(quantity.value),
        "lower": _number(quantity.lower),
        "upper": _number(quantity.upper),
        "approximate": quantity.approximate,
        "unit": unit or "",
        "subject": subject,
        "as_of": _first_date(dates),
        "place": places[0].name if places else "",
    }


def _subject_around(exact: str, unit: str) -> str:
    """What is counted: the words from the one before the unit word, six at most."""
    found = [token for token in scan(exact) if token.kind == "word"]
    for position, token in enumerate(found):
        if find_unit(exact[token.start : token.end]) == unit:
            chosen = found[max(0, position - 1) : position + 5]
            return exact[chosen[0].start : chosen[-1].end]
    return ""


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _meeting_details(
    found: list[Token], words: list[int], dates: list[ResolvedDate], places: list[RegistryEntry], people: list
) -> dict:
    channel = ""
    if _has_word(found, words, _VIDEO) is not None:
        channel = "video"
    elif _has_word(found, words, _PHONE) is not None:
        channel = "phone"
    elif _has_word(found, words, _VISIT) is not None:
        channel = "in_person"
    return {"date": _first_date(dates), "place": places[0].name if places else "", "channel": channel}


def _speaker(
    text: str, found: list[Token], words: list[int], verb: int | None, mentions: list[Mention], clause: _Clause
) -> tuple[bool, str]:
    """(whether the speaker is named, the speaker as written or as the registry names them)."""
    if clause.speaker:
        return True, clause.speaker
    assert verb is not None
    after = [index for index in words if index > verb]
    stop = next((i for i in after if found[i].text in _COMPLEMENTIZERS), after[-1] + 1 if after else verb + 1)
    speakers = [m.entity for m in mentions if verb < m.first < stop and m.entity.kind != "place"]
    if not speakers:  # English order: "Shoigu said"
        speakers = [m.entity for m in mentions if clause.first <= m.first < verb and m.entity.kind != "place"]
    if speakers:
        return True, ", ".join(entity.name for entity in _unique(speakers))
    phrase = [i for i in after if i < stop][:4]
    if not phrase:
        return False, ""
    written = text[found[phrase[0]].start : found[phrase[-1]].end]
    vague = any(reading in _VAGUE for index in phrase[:2] for reading in strip_clitics(found[index].text))
    return not vague, written


def _first_id(mentions: list[Mention], clause: _Clause) -> int | None:
    for mention in mentions:
        if mention.entity.kind != "place" and mention.first >= clause.first:
            return mention.entity.id
    return None


def _words_said(text: str, found: list[Token], words: list[int], verb: int | None) -> str:
    if verb is None:
        return text[found[words[0]].start : found[words[-1]].end]
    after = [index for index in words if index > verb]
    said = next((i for i in after if found[i].text in _COMPLEMENTIZERS), None)
    rest = [index for index in after if said is not None and index > said]
    return text[found[rest[0]].start : found[rest[-1]].end] if rest else ""


def _phrase_after(text: str, found: list[Token], words: list[int], verb: int) -> str:
    """Up to three words after ``verb``, stopping before أن/that."""
    after: list[int] = []
    for index in (index for index in words if index > verb):
        if found[index].text in _COMPLEMENTIZERS or len(after) == 3:
            break
        after.append(index)
    return text[found[after[0]].start : found[after[-1]].end] if after else ""


def _strip_lead_word(exact: str) -> str:
    """The clause without a leading كما or و, as the event's description."""
    stripped = re.sub(r"^(?:كما|ثم)\s+", "", exact.strip())
    return stripped[:300]


def _entity_named(registry: Registry, name: str) -> int | None:
    if not name:
        return None
    found = scan(name)
    mentions = registry.mentions(found, 0, len(found))
    return mentions[0].entity.id if mentions else None
