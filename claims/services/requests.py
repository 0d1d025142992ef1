"""Reader requests ("check this"): take one in, match it at once against published claims, group it with earlier
requests for the same thing, and let the desk answer, dismiss or take it on.

Matching reuses the similar-claims scorer (claims.matching, Arabic-normalized), against published claims only:
a reader is never shown a draft. Its cost per request is bounded: at most CANDIDATES published claims and
GROUP_CANDIDATES open requests are scored, each text cut to limits.MATCHING_TEXT_MAX_CHARS.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import limits
from claims.arabic import normalize
from claims.fetching.errors import InvalidURL
from claims.fetching.urls import normalize_url
from claims.matching import ClaimText, score
from claims.models import Article, Claim, ReaderRequest
from claims.models.claims import ClaimQuerySet
from claims.services import articles as article_services
from claims.services.errors import Invalid
from claims.services.matching import claim_text, has_trigram_extension, nearest_in_wording
from claims.services.queueing import enqueue_after_commit, task

#: A published claim scoring at least this, and ANSWER_GAP above the next best, is shown to the reader as the
#: answer. On the demo's published claims reworded requests scored 0.46-0.52 and the next best at most 0.15;
#: the same words with another number ("5,000 Wagner fighters") 0.19 (docs/requests.md).
ANSWER_THRESHOLD = 0.35
ANSWER_GAP = 0.1
#: An open request scoring at least this against a new one is the same request: the new one is counted in it.
GROUP_THRESHOLD = 0.6
#: Published claims scored per request (the closest in words by pg_trgm, or the latest without it).
CANDIDATES = 100
#: Open requests scored per request when grouping by wording (the most recently asked).
GROUP_CANDIDATES = 200
#: The contact addresses kept on one grouped request.
MAX_CONTACTS = 50


@dataclass
class Intake:
    """What one submission became: the request it was filed or counted in, and the fact-check it matched."""

    request: ReaderRequest
    match: Claim | None
    #: True when it was counted in an earlier request instead of filed as a new one.
    grouped: bool


def clean_submission(*, text: str, url: str, contact_email: str) -> tuple[str, str, str]:
    """The text, normalized URL and e-mail as stored; raises Invalid with a message per field."""
    text = text.replace("\x00", "").strip()
    url, contact_email = url.strip(), contact_email.strip()
    errors: dict[str, str] = {}
    if message := limits.too_long(text, limits.READER_REQUEST_TEXT_MAX_CHARS):
        errors["text"] = message
    if url:
        try:
            url = normalize_url(url)
        except InvalidURL as error:
            errors["url"] = str(error)
    if not text and not url and "url" not in errors:
        errors["text"] = _("Write the claim you want checked, or give the address of the page it is on.")
    if contact_email:
        try:
            EmailValidator()(contact_email)
        except ValidationError:
            errors["contact_email"] = _("This is not an e-mail address; leave it empty if you want no answer.")
    if errors:
        raise Invalid(errors)
    return text, url, contact_email


def request_key(*, text: str, url: str) -> str:
    """What two requests for the same thing share: the normalized URL if there is one, else the normalized text."""
    basis = f"url:{url}" if url else "text:" + " ".join(normalize(text).split())
    return hashlib.sha256(basis.encode()).hexdigest()


def _request_text(text: str) -> ClaimText:
    return ClaimText(text=text[: limits.MATCHING_TEXT_MAX_CHARS])


def candidate_claims(text: str) -> ClaimQuerySet:
    """Published claims worth scoring against a reader's text: the closest in words by pg_trgm, or else the latest.

    Bounded whatever the memory holds (nearest_in_wording): the newest WORDING_WINDOW published claims ranked by
    word similarity, and older near-copies (WORD_NEAR_COPY) through the trigram index where those hold fewer than
    CANDIDATES. Ranking every published claim by its word similarity took seconds at a million claims
    (docs/benchmarks.md)."""
    published = Claim.objects.published()
    if has_trigram_extension():
        words = normalize(text[: limits.MATCHING_TEXT_MAX_CHARS])
        ids = nearest_in_wording(published, words, CANDIDATES, word_similarity=True)
        return Claim.objects.filter(pk__in=ids).select_related("article").prefetch_related("entities")
    return (
        published.select_related("article").prefetch_related("entities").order_by("-published_at", "-id")[:CANDIDATES]
    )


def find_published_match(*, text: str, url: str) -> Claim | None:
    """The published fact-check that answers the request: one on the page asked about, or the best-scoring one
    from ANSWER_THRESHOLD up and clearly ahead of the next (a fixed threshold alone confuses near-misses)."""
    if url:
        on_page = Claim.objects.published().filter(article__url=url).order_by("-published_at", "-id").first()
        if on_page is not None:
            return on_page
    if not text:
        return None
    asked = _request_text(text)
    ranked = sorted(
        ((score(asked, claim_text(claim)).score, -claim.pk, claim) for claim in candidate_claims(text)),
        key=lambda row: row[:2],
        reverse=True,
    )
    if not ranked or ranked[0][0] < ANSWER_THRESHOLD:
        return None
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    return ranked[0][2] if ranked[0][0] - runner_up >= ANSWER_GAP else None


def _open_twin(*, key: str, text: str) -> ReaderRequest | None:
    """An open request for the same thing: the same key, or (without a URL) a wording that scores as the same."""
    same = ReaderRequest.objects.open().filter(key=key).first()
    if same is not None or not text:
        return same
    asked = _request_text(text)
    recent = ReaderRequest.objects.open().filter(url="").exclude(text="").order_by("-last_seen_at")
    best, best_score = None, GROUP_THRESHOLD
    for other in recent.only("pk", "text")[:GROUP_CANDIDATES]:
        value = score(asked, _request_text(other.text)).score
        if value >= best_score:
            best, best_score = other, value
    return best


def _count_in(request: ReaderRequest, contact_email: str) -> ReaderRequest:
    # Locked: two readers counted at once would each read the same contacts and one address would be lost.
    request = ReaderRequest.objects.select_for_update().get(pk=request.pk)
    request.count = F("count") + 1
    request.last_seen_at = timezone.now()
    fields = ["count", "last_seen_at"]
    if contact_email and contact_email not in request.contact_emails and len(request.contact_emails) < MAX_CONTACTS:
        request.contact_emails = [*request.contact_emails, contact_email]
        fields.append("contact_emails")
    request.save(update_fields=fields)
    request.refresh_from_db(fields=["count"])
    return request


def submit_request(
    *,
    text: str = "",
    url: str = "",
    contact_email: str = "",
    language: str = "en",
    channel: str = ReaderRequest.Channel.FORM,
) -> Intake:
    """Take a reader's request: answer it with a published fact-check if one matches, and file or count it.

    A matched request is kept as answered by that claim (the desk sees what readers ask about); an unmatched one
    is filed open for the desk, or counted in the open request for the same thing. Raises Invalid.
    """
    text, url, contact_email = clean_submission(text=text, url=url, contact_email=contact_email)
    key = request_key(text=text, url=url)
    match = find_published_match(text=text, url=url)
    contacts = [contact_email] if contact_email else []
    with transaction.atomic():
        if match is not None:
            answered = (
                ReaderRequest.objects.filter(key=key, state=ReaderRequest.State.ANSWERED, matched_claim=match)
                .order_by("-last_seen_at")
                .first()
            )
            if answered is not None:
                # The reader reads the answer now: an address kept for it would only be kept.
                return Intake(_count_in(answered, ""), match, grouped=True)
            request = ReaderRequest.objects.create(
                text=text,
                url=url,
                key=key,
                language=language,
                channel=channel,
                state=ReaderRequest.State.ANSWERED,
                matched_claim=match,
                decided_at=timezone.now(),
            )
            return Intake(request, match, grouped=False)
        twin = _open_twin(key=key, text=text)
        if twin is not None:
            return Intake(_count_in(twin, contact_email), None, grouped=True)
        try:
            # A savepoint: the same key filed at the same moment by another reader breaks only this insert.
            with transaction.atomic():
                request = ReaderRequest.objects.create(
                    text=text, url=url, key=key, language=language, channel=channel, contact_emails=contacts
                )
        except IntegrityError:
            twin = ReaderRequest.objects.open().get(key=key)
            return Intake(_count_in(twin, contact_email), None, grouped=True)
    return Intake(request, None, grouped=False)


# --- abuse limits ------------------------------------------------------------------------------------------------


def rate_limited(*, address: str) -> bool:
    """Count one submission from ``address``; True once it is over READER_REQUESTS_PER_HOUR this hour.

    A fixed window in the shared cache, so every web process counts together. If the cache is unreachable the
    request goes through: an outage of Redis should not close the form.
    """
    window = 3600
    key = f"reader-requests:{address}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr, or a cache that kept nothing
        return False
    return count is not None and int(count) > int(settings.READER_REQUESTS_PER_HOUR)


# --- the desk's decisions ------------------------------------------------------------------------------------------


def _decide(request: ReaderRequest, *, by: User, state: str, **fields: object) -> ReaderRequest:
    request = ReaderRequest.objects.select_for_update().get(pk=request.pk)
    request.state, request.decided_by, request.decided_at = state, by, timezone.now()
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["state", "decided_by", "decided_at", *fields])
    return request


def _check_note(note: str) -> None:
    if message := limits.too_long(note, limits.READER_REQUEST_NOTE_MAX_CHARS):
        raise Invalid({"note": message})


@transaction.atomic
def answer_request(*, request: ReaderRequest, by: User, claim: Claim, note: str | None = None) -> ReaderRequest:
    """Mark the request answered by ``claim`` (a fact-check of it)."""
    fields: dict[str, object] = {"matched_claim": claim}
    if note is not None:
        _check_note(note)
        fields["note"] = note
    request = _decide(request, by=by, state=ReaderRequest.State.ANSWERED, **fields)
    if claim.is_public:
        queue_replies(request)
    return request


@transaction.atomic
def dismiss_request(*, request: ReaderRequest, by: User, note: str | None = None) -> ReaderRequest:
    fields: dict[str, object] = {}
    if note is not None:
        _check_note(note)
        fields["note"] = note
    return _decide(request, by=by, state=ReaderRequest.State.DISMISSED, **fields)


@transaction.atomic
def take_on_request(*, request: ReaderRequest, by: User) -> ReaderRequest:
    """Turn the request into desk work: an article of the page asked about (fetched in the background), or of
    the reader's words, to select the claim in."""
    request = ReaderRequest.objects.select_for_update().get(pk=request.pk)
    if request.article_id is None:
        article = article_services.create_article(
            title=_("Reader request #%(number)d") % {"number": request.pk},
            text="" if request.url else request.text,
            url=request.url,
            by=by,
        )
    else:
        article = Article.objects.get(pk=request.article_id)
    return _decide(request, by=by, state=ReaderRequest.State.CLAIMED, article=article)


@transaction.atomic
def update_request(
    *, request: ReaderRequest, by: User, state: str | None = None, claim: Claim | None = None, note: str | None = None
) -> ReaderRequest:
    """The API's edit: a state change through the functions above, or only the note."""
    if state == ReaderRequest.State.ANSWERED or (state is None and claim is not None):
        answer = claim or request.matched_claim
        if answer is None:
            raise Invalid({"matched_claim": _("Name the claim that answers this request.")})
        return answer_request(request=request, by=by, claim=answer, note=note)
    if state == ReaderRequest.State.DISMISSED:
        return dismiss_request(request=request, by=by, note=note)
    if state == ReaderRequest.State.CLAIMED:
        request = take_on_request(request=request, by=by)
        if note is not None:
            _check_note(note)
            ReaderRequest.objects.filter(pk=request.pk).update(note=note)
            request.note = note
        return request
    if state == ReaderRequest.State.OPEN and request.state != ReaderRequest.State.OPEN:
        raise Invalid({"state": _("A decided request cannot be opened again; a new request files a new one.")})
    if note is not None:
        _check_note(note)
        ReaderRequest.objects.filter(pk=request.pk).update(note=note)
        request.note = note
    return request


# --- writing back to the readers ---------------------------------------------------------------------------------


def _unanswered_readers(request: ReaderRequest) -> list[str]:
    return [email for email in request.contact_emails if email not in request.replied_emails]


def queue_replies(request: ReaderRequest) -> None:
    """Queue the mail that tells the request's readers of its published fact-check, after the commit."""
    if _unanswered_readers(request):
        enqueue_after_commit(task("email_request_reply"), request.pk)


def on_status_changed(*, claim: Claim, target: str, **_kw: object) -> None:
    """A claim that answers reader requests went public: the readers who left an address hear of it."""
    if not claim.is_public:
        return
    for request in ReaderRequest.objects.filter(matched_claim=claim, state=ReaderRequest.State.ANSWERED).exclude(
        contact_emails=[]
    ):
        queue_replies(request)


def send_request_reply(*, request_id: int) -> int:
    """Write to each reader of an answered request whose fact-check is public, once each, in the language they
    asked in, one message per reader (no reader sees another's address). Returns how many were sent; SMTP errors
    propagate (the task retries them), and the readers written to before the error are not written to again."""
    sent = 0
    while True:
        with transaction.atomic():
            request = (
                ReaderRequest.objects.select_for_update(of=("self",))
                .select_related("matched_claim")
                .filter(pk=request_id, state=ReaderRequest.State.ANSWERED)
                .first()
            )
            claim = request.matched_claim if request is not None else None
            if request is None or claim is None or not claim.is_public or not _unanswered_readers(request):
                return sent
            email = _unanswered_readers(request)[0]
            _send_reply(request, claim, email)
            request.replied_emails = [*request.replied_emails, email]
            request.save(update_fields=["replied_emails"])
            sent += 1


def _send_reply(request: ReaderRequest, claim: Claim, email: str) -> None:
    language = request.language if request.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        verdict = claim.verdict_info
        context = {
            "asked": request.text or request.url,
            "statement": claim.statement,
            "statement_language": claim.statement_language,
            "verdict": verdict.label(language) if verdict else "",
            "link": f"{settings.SITE_URL}{claim.public_url}",
            "SITE_NAME": settings.SITE_NAME,
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        subject = _("[%(site)s] We have checked what you asked about") % {"site": settings.SITE_NAME}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("requests/reply.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        message.attach_alternative(render_to_string("requests/reply.html", context), "text/html")
    message.send()
