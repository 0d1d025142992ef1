"""A comment's body as the desk shows it: escaped, with its resolved @mentions as badges."""

from django import template
from django.utils.safestring import SafeString

from claims.mentions import render_body
from claims.models import Comment

register = template.Library()


@register.filter
def comment_body(comment: Comment) -> SafeString:
    # mentions.all() reads the prefetch of Comment.objects.for_display(): no query per comment.
    return render_body(comment.body, [user.username for user in comment.mentions.all()])
