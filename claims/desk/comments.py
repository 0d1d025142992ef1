"""Desk pages that write comments: on a claim, on a span of an article, replies, edits and deletions; and the
members autocomplete behind @mentions. Each works as a plain form post; reading.js only adds the autocomplete
and opens the span comment form from a selection."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.views import render_claim_page, render_reading_view
from claims.models import Article, Claim, Comment
from claims.services import comments as comment_services
from claims.services.errors import CommentInvalid, CommentRefused


def _parent(post, **where) -> Comment | None:
    """The comment a reply answers, of this claim or article only; None for a new thread."""
    value = post.get("parent", "")
    return get_object_or_404(Comment, pk=int(value), **where) if value.isdigit() else None


def _form(post, exc: CommentInvalid) -> dict:
    return {"body": post.get("body", ""), "parent": post.get("parent", ""), "errors": exc.errors}


@require_POST
@desk_member_required
def claim_comment(request: DeskRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    try:
        comment = comment_services.add_comment(
            by=request.user, claim=claim, parent=_parent(request.POST, claim=claim), body=request.POST.get("body", "")
        )
    except CommentInvalid as exc:
        return render_claim_page(request, pk, comment_form=_form(request.POST, exc), status=400)
    messages.success(request, _("Comment added."))
    return redirect(comment.get_absolute_url())


def _selector(post) -> dict:
    selector: dict = {key: post.get(key, "") for key in ("exact", "prefix", "suffix")}
    for key in ("start", "end"):
        if post.get(key, "").isdigit():
            selector[key] = int(post[key])
    return selector


@require_POST
@desk_member_required
def article_comment(request: DeskRequest, pk: int) -> HttpResponse:
    """A comment on the selected words of the article (its start, end and exact quote), or a reply to one."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    parent = _parent(request.POST, article=article)
    try:
        comment = comment_services.add_comment(
            by=request.user,
            article=article,
            parent=parent,
            selector=None if parent else _selector(request.POST),
            body=request.POST.get("body", ""),
        )
    except CommentInvalid as exc:
        form = _form(request.POST, exc) | {"selection": _selector(request.POST)}
        return render_reading_view(request, article, comment_form=form, status=400)
    messages.success(request, _("Comment added."))
    return redirect(comment.get_absolute_url())


@desk_member_required
def comment_edit(request: DeskRequest, pk: int) -> HttpResponse:
    """The author's edit form (GET) and its save (POST), within the edit window."""
    comment = get_object_or_404(Comment.objects.for_display(), pk=pk)
    body = request.POST.get("body", comment.body) if request.method == "POST" else comment.body
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            comment_services.edit_comment(comment=comment, by=request.user, body=body)
        except CommentInvalid as exc:
            errors = exc.errors
        except CommentRefused as exc:
            messages.error(request, str(exc))
            return redirect(comment.get_absolute_url())
        else:
            messages.success(request, _("Comment saved."))
            return redirect(comment.get_absolute_url())
    elif not comment_services.can_edit(comment, request.user):
        messages.error(request, _("You can no longer edit this comment: only its author can, for a while."))
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "desk/comment_edit.html",
        {"comment": comment, "body": body, "errors": errors, "minutes": settings.COMMENT_EDIT_WINDOW},
        status=400 if errors else 200,
    )


@require_POST
@desk_member_required
def comment_delete(request: DeskRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    try:
        comment_services.delete_comment(comment=comment, by=request.user)
    except CommentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Comment deleted."))
    return redirect(comment.get_absolute_url())


@require_GET
@desk_member_required
def member_search(request: DeskRequest) -> JsonResponse:
    """Desk members for the @mention autocomplete: by username, first or last name, Arabic or Latin."""
    found = comment_services.search_members(request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username}
                for user in found
            ]
        }
    )
