"""Template context shared by the desk and the public pages."""

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from claims.services.notifications import unread_count
from claims.services.roles import roles_of
from claims.workflow import Role


def site(request: HttpRequest) -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The desk header's unread count (one COUNT query, run only by a page that shows it) and whether to offer the
    admins' pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "desk_admin": False}
    return {
        # A cached callable, not a lazy object: the template calls it and gets an int, which the Arabic plural
        # rule (n % 100) needs; a SimpleLazyObject has no % and made every Arabic desk page with an unread
        # notification a 500.
        "unread_notifications": functools.cache(lambda: unread_count(user)),
        # The desk views' access check has read the roles already (roles_of keeps them on the user): no query.
        "desk_admin": SimpleLazyObject(lambda: Role.ADMIN in roles_of(user)),
    }
