"""How worth checking a sentence is, from 0 to 1: a logistic regression over hashed word and character n-grams
and a few hand features (numbers, years, speech verbs, names, questions, first person), Arabic and English.

The weights come from `bench/train_checkworthiness.py`, trained on the CLEF CheckThat! claim data (see
docs/checkworthiness.md); the package ships them in `claims/data/checkworthiness.json.gz`, read once per
process. Pure Python, no download: one sentence costs a few hundred hash look-ups.
"""

import gzip
import json
import math
import re
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from claims.arabic.language import detect_language
from claims.arabic.normalization import normalize
from claims.arabic.number_words import lexicon

MODEL_PATH = Path(__file__).resolve().parent / "data" / "checkworthiness.json.gz"
BUCKETS = 1 << 20  # hashed feature space; a model stores only the buckets it learnt a weight for
FORMAT = "checkworthiness/1"

_URL_RE = re.compile(r"https?://\S+|www\.\S+")
_MENTION_RE = re.compile(r"@\w+")
_HASHTAG_RE = re.compile(r"#(\w+)")
_WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")
_DIGITS_RE = re.compile(r"[0-9]")
_YEAR_RE = re.compile(r"\b(?:1[89][0-9]{2}|20[0-9]{2})\b")
_PERCENT_RE = re.compile(r"[0-9]\s*(?:%|٪|per ?cent\b|بالمئه|بالمائه|في المئه|في المائه)")
_CAPITALISED_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_EMOJI_RE = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_YOU_SAID_RE = re.compile(r"\byou (?:said|voted|were|wanted|supported|called)\b")
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")

# Small lexicons, in normalized form (normalize(): alef forms → ا, ة → ه, ى → ي, lower case). Whitespace-separated
# words, split once at import.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPEECH_VERBS = _words(
    "said says say told announced announces reported reports confirmed confirms claimed claims according "
    "stated revealed warned denied declared added قال قالت يقول تقول اعلن اعلنت يعلن اكد اكدت يؤكد صرح "
    "صرحت افاد افادت ذكر ذكرت كشف كشفت وفقا بحسب حسب اشار اشارت نفي نفت زعم زعمت"
)
_FIRST_PERSON = _words("i me my mine we us our ours i'm انا نحن لي لنا عندي اعتقد اظن")
_OPINION = _words(
    "think believe feel hope wish love hate should must beautiful amazing awesome terrible please pray "
    "thank thanks congratulations lol اتمني ارجو الله اللهم يارب رب شكرا مبروك جميل رائع ادعو دعاء حفظ يا"
)
_QUESTION_WORDS = _words("why what how who when where which هل لماذا كيف متي ماذا من اين ليش")
_DATE_WORDS = _words(
    "yesterday today monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december امس اليوم غدا الاثنين الثلاثاء "
    "الاربعاء الخميس الجمعه السبت الاحد يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر "
    "نوفمبر ديسمبر"
)
# Words of comparison and records ("the lowest since 1977", "more than any other country"), of money and
# magnitudes, of a vote or a stand taken, of a modal or future (a prediction is seldom checkable), and the
# imperatives that open advice ("stay home", "wear a mask").
_COMPARISON = _words(
    "most least best worst biggest largest highest lowest greatest smallest fewest fastest first last only "
    "record ever never every all more less fewer than increase increased decrease decreased doubled tripled "
    "rise rose fall fell grew grown cut cuts "
    "اكثر اقل اكبر اصغر اعلي ادني افضل اسوا اول اخر فقط كل جميع ارتفاع انخفاض ارتفع انخفض زياده تراجع ضعف"
)
_MONEY = _words(
    "million millions billion billions trillion trillions thousand thousands hundred hundreds dollars dollar "
    "percent percentage tax taxes jobs budget deficit debt pay paid cost costs spending spend spent "
    "مليون ملايين مليار مليارات الف الاف دولار دولارات بالمئه بالمائه نسبه ضريبه ميزانيه"
)
_STANCE = _words("voted vote votes supported opposed passed signed wanted called endorsed")
_MODAL = _words("will would could might may can should must shall gonna wanna سوف قد ربما يمكن")
_ADVICE = _words("stay wear wash keep get please let join follow watch read check share help protect")


@dataclass(frozen=True)
class Model:
    """The learnt weights: bucket → weight, and the bias."""

    weights: dict[int, float]
    bias: float
    buckets: int = BUCKETS
    about: dict[str, object] = field(default_factory=dict)  # what it was trained on, and how


_lock = threading.Lock()
_loaded: dict[Path, Model] = {}


def load_model(path: Path | None = None) -> Model:
    """The model stored at `path` (default: the packaged one), read once per process and path."""
    path = path or MODEL_PATH
    with _lock:
        if path not in _loaded:
            _loaded[path] = read_model(path)
        return _loaded[path]


def read_model(path: Path) -> Model:
    """Read a model file: gzip'd JSON with sorted buckets as deltas and weights as integers over `scale`."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        stored = json.load(stream)
    if stored.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} model")
    scale = float(stored["scale"])
    weights: dict[int, float] = {}
    bucket = 0
    for delta, weight in zip(stored["deltas"], stored["weights"], strict=True):
        bucket += int(delta)
        weights[bucket] = int(weight) / scale
    about = stored.get("about") if isinstance(stored.get("about"), dict) else {}
    return Model(weights=weights, bias=float(stored["bias"]), buckets=int(stored["buckets"]), about=about)


def write_model(model: Model, path: Path, *, scale: int = 10000) -> None:
    """Store `model` at `path` (weights rounded to 1/`scale`; those that round to 0 are dropped)."""
    kept = sorted((bucket, round(weight * scale)) for bucket, weight in model.weights.items())
    kept = [(bucket, weight) for bucket, weight in kept if weight]
    deltas = [bucket - previous for (bucket, _), previous in zip(kept, [0] + [b for b, _ in kept[:-1]], strict=True)]
    stored = {
        "format": FORMAT,
        "about": model.about,
        "buckets": model.buckets,
        "bias": round(model.bias, 6),
        "scale": scale,
        "deltas": deltas,
        "weights": [weight for _, weight in kept],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same weights give the same bytes, so a retrain that learns nothing new changes no file.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(json.dumps(stored, separators=(",", ":")).encode("utf-8"))


def features(text: str, language: str) -> list[str]:
    """The named features of `text` (before hashing): what the model looks at, for training and `explain`."""
    names: list[str] = []
    urls = len(_URL_RE.findall(text))
    text = _URL_RE.sub(" ", text)
    mentions = len(_MENTION_RE.findall(text))
    hashtags = len(_HASHTAG_RE.findall(text))
    raw = _MENTION_RE.sub(" ", text)
    capitalised = len(_CAPITALISED_RE.findall(raw))
    plain = normalize(_HASHTAG_RE.sub(lambda found: " " + found.group(1).replace("_", " "), raw))
    words = _WORD_RE.findall(plain)
    lang = "ar" if language == "ar" else "en" if language == "en" else "xx"
    keys = [_word_key(word, lang) for word in words]
    names.extend(f"w:{key}" for key in keys)
    names.extend(f"b:{first} {second}" for first, second in zip(["<s>", *keys], [*keys, "</s>"], strict=True))
    for word in keys:
        if len(word) > 3 and not word[0].isdigit():
            padded = f"<{word}>"
            names.extend(f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3))
    hand = _hand_features(raw, plain, words, lang)
    hand.extend(
        [f"urls:{min(urls, 2)}", f"mentions:{min(mentions, 3)}", f"hashtags:{min(hashtags, 3)}"]
        + [f"capitalised:{min(capitalised, 4)}"] * (lang != "ar")
    )
    names.extend(hand)
    names.extend(f"{lang}|{name}" for name in hand)
    return names


def _word_key(word: str, lang: str) -> str:
    if word[0].isdigit():
        return "<num>" if len(word) != 4 else "<year>" if _YEAR_RE.fullmatch(word) else "<num4>"
    if lang == "ar":
        for clitic in _ARABIC_CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                return word[len(clitic) :]
    return word


def _hand_features(raw: str, plain: str, words: list[str], lang: str) -> list[str]:
    found = set(words)
    numbers = _DIGITS_RE.search(plain) is not None
    number_words = any(word in _number_lexicon() for word in words)
    hand = [
        f"length:{min(len(words) // 5, 8)}",
        f"number:{int(numbers)}",
        f"number_word:{int(number_words)}",
        f"year:{int(_YEAR_RE.search(plain) is not None)}",
        f"percent:{int(_PERCENT_RE.search(plain) is not None)}",
        f"date_word:{int(not found.isdisjoint(_DATE_WORDS))}",
        f"speech_verb:{int(not found.isdisjoint(_SPEECH_VERBS))}",
        f"first_person:{int(not found.isdisjoint(_FIRST_PERSON))}",
        f"opinion:{int(not found.isdisjoint(_OPINION))}",
        f"question:{int('?' in raw or '؟' in raw)}",
        f"question_word:{int(bool(words) and words[0] in _QUESTION_WORDS)}",
        f"exclamation:{int('!' in raw)}",
        f"comparison:{int(not found.isdisjoint(_COMPARISON))}",
        f"money:{int(not found.isdisjoint(_MONEY) or '$' in raw)}",
        f"stance:{int(not found.isdisjoint(_STANCE))}",
        f"modal:{int(not found.isdisjoint(_MODAL))}",
        f"advice:{int(bool(words) and words[0] in _ADVICE)}",
        f"emoji:{min(len(_EMOJI_RE.findall(raw)), 3)}",
        f"you_said:{int(_YOU_SAID_RE.search(plain) is not None)}",
    ]
    return hand


@cache
def _number_lexicon() -> frozenset[str]:
    """The one-word number words (ثلاثة, آلاف, million, ...) in normalized form."""
    return frozenset(normalize(word) for word in lexicon() if " " not in word)


def hashed(names: Iterable[str], buckets: int = BUCKETS) -> dict[int, float]:
    """Feature names → buckets with values, each feature counted once, scaled to unit length."""
    indexes = {zlib.crc32(name.encode("utf-8")) % buckets for name in names}
    if not indexes:
        return {}
    value = 1.0 / math.sqrt(len(indexes))
    return dict.fromkeys(indexes, value)


def _language(text: str, language: str) -> str:
    language = (language or detect_language(text)).lower().split("-")[0].split("_")[0]
    return language


def score(text: str, *, language: str = "", model: Model | None = None) -> float:
    """How check-worthy `text` (a sentence or a tweet) is: the probability, from 0 to 1, that it carries a
    verifiable factual claim. `language` is an ISO 639-1 code ('ar', 'en'); empty means detect it.
    0.5 is the decision threshold the benchmark's accuracy uses.
    """
    model = model or load_model()
    vector = hashed(features(text, _language(text, language)), model.buckets)
    margin = model.bias + sum(model.weights.get(bucket, 0.0) * value for bucket, value in vector.items())
    return _sigmoid(margin)


def explain(text: str, *, language: str = "", model: Model | None = None, limit: int = 10) -> list[tuple[str, float]]:
    """The features of `text` that moved its score most, strongest first, with their contribution to the logit."""
    model = model or load_model()
    names = features(text, _language(text, language))
    vector = hashed(names, model.buckets)
    contributions: dict[str, float] = {}
    for name in dict.fromkeys(names):
        bucket = zlib.crc32(name.encode("utf-8")) % model.buckets
        contributions[name] = model.weights.get(bucket, 0.0) * vector[bucket]
    return sorted(contributions.items(), key=lambda item: -abs(item[1]))[:limit]


def _sigmoid(margin: float) -> float:
    if margin >= 0:
        return 1.0 / (1.0 + math.exp(-margin))
    exp = math.exp(margin)
    return exp / (1.0 + exp)
