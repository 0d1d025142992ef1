"""Desk access by role: every desk view is wrapped in one of these decorators."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from claims.services.roles import roles_of
from claims.workflow import ROLE_NAMES, Role


class DeskRequest(HttpRequest):
    """The request a view wrapped in ``desk_member_required`` gets: its user is a signed-in desk member."""

    user: User


def desk_member_required[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Signed-in members of the desk (editor, reviewer, admin); others are sent to log in or refused (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user):
            raise PermissionDenied(gettext("Your account has no desk role; ask an admin to add you to a group."))
        return view(request, *args, **kwargs)

    return cast(V, wrapper)


def role_required[V: Callable[..., HttpResponseBase]](*roles: Role) -> Callable[[V], V]:
    def decorator(view: V) -> V:
        @wraps(view)
        @desk_member_required
        def wrapper(request: DeskRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user_roles = roles_of(request.user)
            if Role.ADMIN not in user_roles and not (user_roles & set(roles)):
                raise PermissionDenied(
                    gettext("This page is for: %(roles)s.")
                    % {"roles": gettext(", ").join(gettext(ROLE_NAMES[r]) for r in roles)}
                )
            return view(request, *args, **kwargs)

        return cast(V, wrapper)

    return decorator
