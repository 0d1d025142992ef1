"""Which language a text is in, and which way it is written."""

import re
import threading
from functools import cache
from typing import Any

# The languages a desk is likely to meet; a short list keeps py3langid from guessing exotic neighbours
# (Moroccan and Egyptian Arabic are folded into Arabic).
CANDIDATE_LANGUAGES = (
    "ar", "ary", "arz", "en", "fr", "es", "de", "it", "pt", "nl", "ru", "uk", "pl", "tr", "fa", "ur", "ps", "ku",
    "he", "hi", "bn", "zh", "ja", "ko", "id", "ms", "sw", "am", "so", "ha",
)  # fmt: skip
_FOLDED = {"ary": "ar", "arz": "ar"}
UNDETERMINED = "und"  # BCP 47 "undetermined", valid in a lang attribute

_RTL_LANGUAGES = {"ar", "fa", "ur", "he", "iw", "ps", "yi", "ji", "dv", "sd", "ug", "ckb", "syr", "arc", "ks"}
_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "samr", "mand"}

_LETTER_RE = re.compile(r"[^\W\d_]")
_ARABIC_SCRIPT_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Letters that Persian, Urdu, Pashto or Kurdish use and Arabic does not.
_NON_ARABIC_LETTER_RE = re.compile(
    "[\u067e\u0686\u0698\u06af\u06a9\u06cc"  # Persian: پ چ ژ گ ک ی
    "\u0679\u0688\u0691\u06ba\u06d2"  # Urdu: ٹ ڈ ڑ ں ے
    "\u0681\u0685\u0689\u0693\u0696\u069a\u06ab\u06bc"  # Pashto: ځ څ ډ ړ ږ ښ ګ ڼ
    "\u06c6\u06ce\u06b5\u0695]"  # Kurdish: ۆ ێ ڵ ڕ
)
_identifier_lock = threading.Lock()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language of `text` ('ar', 'en', ...), or 'und' when it has no letters.

    Text that is mostly Arabic letters, without letters only Persian, Urdu or Pashto use, is Arabic at once;
    anything else goes to py3langid, restricted to `CANDIDATE_LANGUAGES`.
    """
    letters = _LETTER_RE.findall(text)
    if not letters:
        return UNDETERMINED
    arabic_script = sum(1 for letter in letters if _ARABIC_SCRIPT_RE.match(letter))
    if arabic_script / len(letters) > 0.6 and not _NON_ARABIC_LETTER_RE.search(text):
        return "ar"
    with _identifier_lock:  # py3langid's restricted model is shared state
        language: str = _identifier().classify(text)[0]
    return _FOLDED.get(language, language)


@cache
def _identifier() -> Any:  # py3langid ships no types
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATE_LANGUAGES)
    return identifier


def direction_for(language: str) -> str:
    """'rtl' or 'ltr' for a language code or BCP 47 tag ('ar', 'ar-EG', 'fa_IR', 'az-Arab', 'und')."""
    subtags = language.replace("_", "-").lower().split("-")
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            return "rtl" if subtag in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"
