"""Desk pages for an article's text: importing one (pasted, uploaded or by URL) and editing its text and metadata."""

from collections import Counter
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import limits
from claims.desk.access import DeskRequest, desk_member_required
from claims.fetching.decode import decode_html
from claims.fetching.extract import extract, visible_text
from claims.models import Article, ArticleRevision, Claim
from claims.services import articles as article_services
from claims.services.errors import ArticleInvalid


class ArticleImportForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    text = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 14, "dir": "auto"})
    )
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("A .txt or .html file; HTML is reduced to its text.")
    )
    url = forms.URLField(label=_("Web address of the article"), required=False, max_length=2000, assume_scheme="https")
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    published_at = forms.DateField(
        label=_("Published on"), required=False, help_text=_("YYYY-MM-DD; relative dates resolve against it.")
    )
    language = forms.CharField(
        label=_("Language"), required=False, max_length=12, help_text=_("Left empty, it is detected from the text.")
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("Detect")), *Article.Direction.choices]
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = limits.article_upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s; the limit is %(limit)s. Paste the article's text instead, or trim the file."
                )
                % {"size": limits.human_size(upload.size), "limit": limits.human_size(limit)}
            )
        if not upload.name.lower().endswith((".txt", ".html", ".htm")):
            raise forms.ValidationError(gettext("Upload a .txt or .html file."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        given = [name for name in ("text", "file", "url") if data.get(name) and str(data[name]).strip()]
        if {"text", "file"} <= set(given):
            raise forms.ValidationError(gettext("Paste the text or upload a file, not both."))
        if not self.errors and not data.get("file"):  # a file's text is read, and checked, in the view
            try:
                article_services.require_text_or_url(text=data.get("text") or "", url=data.get("url") or "")
            except ArticleInvalid as exc:
                raise forms.ValidationError(exc.errors["text"]) from exc
        return data


def read_uploaded_article(upload) -> tuple[str, str]:
    """(text, title) of an uploaded .txt or .html file; HTML markup is never kept, only the text it shows."""
    body = upload.read()
    if upload.name.lower().endswith(".txt"):
        text, _ = decode_html(body, "text/plain")
        return text, ""
    html, _ = decode_html(body, upload.content_type)
    extracted = extract(html, url="")
    return (extracted.text or visible_text(html)), extracted.title


@desk_member_required
def article_new(request: DeskRequest) -> HttpResponse:
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text, title, origin = data["text"], data["title"], ArticleRevision.Origin.PASTE
        if data["file"]:
            text, found_title = read_uploaded_article(data["file"])
            title, origin = title or found_title, ArticleRevision.Origin.UPLOAD
            if not text.strip():
                form.add_error("file", gettext("No article text was found in this file."))
        if not form.errors:
            try:
                article = article_services.create_article(
                    title=title,
                    text=text,
                    url=data["url"],
                    publisher=data["publisher"],
                    language=data["language"],
                    direction=data["direction"],
                    published_at=data["published_at"],
                    origin=origin,
                    by=request.user,
                )
            except ArticleInvalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                if article.import_state == Article.ImportState.FETCHING:
                    messages.info(
                        request, gettext("The article waits in 'fetching' until its text arrives from the URL.")
                    )
                return redirect(article.get_absolute_url())
    return render(
        request, "desk/article_form.html", {"form": form, **_limits_context()}, status=400 if form.errors else 200
    )


def _limits_context() -> dict[str, Any]:
    return {
        "max_chars": f"{limits.ARTICLE_TEXT_MAX_CHARS:,}",
        "max_chars_raw": limits.ARTICLE_TEXT_MAX_CHARS,
        "upload_limit": limits.human_size(limits.article_upload_max_bytes()),
    }


class ArticleEditForm(forms.Form):
    text = forms.CharField(label=_("Text"), strip=False, widget=forms.Textarea(attrs={"rows": 24}))
    title = forms.CharField(label=_("Title"), max_length=500)
    language = forms.CharField(label=_("Language"), max_length=12)
    direction = forms.ChoiceField(label=_("Direction"), choices=Article.Direction.choices)
    published_at = forms.DateField(label=_("Published on"), required=False)


@desk_member_required
def article_edit(request: DeskRequest, pk: int) -> HttpResponse:
    """Edit an article's text (a new revision; claims are re-anchored, never rewritten) and its metadata."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    initial = {
        "text": article.text,
        "title": article.title,
        "language": article.language,
        "direction": article.direction,
        "published_at": article.published_at,
    }
    form = ArticleEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            revision = article_services.update_article(
                article=article,
                by=request.user,
                text=data["text"],
                **{name: data[name] for name in ("title", "language", "direction", "published_at")},
            )
        except ArticleInvalid as exc:
            form.add_error("text", exc.errors.get("text", str(exc)))
        else:
            if revision is not None:
                messages.success(request, reanchor_summary(article, revision))
            return redirect(article.get_absolute_url())
    return render(
        request, "desk/article_edit.html", {"article": article, "form": form}, status=400 if form.errors else 200
    )


def reanchor_summary(article: Article, revision: ArticleRevision) -> str:
    claims = article.claims.all()
    if claims.exclude(revision=revision).exclude(anchor=Claim.Anchor.ORPHANED).exists():
        return gettext("Saved as revision r%(number)s; its claims are being re-anchored in the background.") % {
            "number": revision.number
        }
    counts = Counter(claims.values_list("anchor", flat=True))
    return gettext(
        "Saved as revision r%(number)s. Claims re-anchored: %(exact)s exactly, "
        "%(fuzzy)s fuzzily (check them), %(orphaned)s orphaned (fix them)."
    ) % {"number": revision.number, "exact": counts["exact"], "fuzzy": counts["fuzzy"], "orphaned": counts["orphaned"]}
