"""Comments as the desk shows them: threads (a top-level comment and its replies, oldest first), each comment
marked with what the signed-in person may do to it."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import User

from claims.models import Comment
from claims.services.comments import can_delete, can_edit


def comment_threads(comments: Iterable[Comment], user: User) -> list[Comment]:
    """The top-level comments in time order, each with ``thread_replies``, and every comment with ``editable`` and
    ``deletable`` for ``user``. Reads ``comments`` once."""
    replies: dict[int, list[Comment]] = defaultdict(list)
    top: list[Comment] = []
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        comment.editable = can_edit(comment, user)  # type: ignore[attr-defined]  # for the template
        comment.deletable = can_delete(comment, user)  # type: ignore[attr-defined]
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
        else:
            top.append(comment)
    for comment in top:
        comment.thread_replies = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    return top
