"""Desk access by role: every desk view is wrapped in one of these decorators."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from claims.services.roles import roles_of
from claims.workflow import Role


def desk_member_required(view):
    """Signed-in members of the desk (editor, reviewer, admin); others are sent to log in or refused (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user):
            raise PermissionDenied("Your account has no desk role; ask an admin to add you to a group.")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        @desk_member_required
        def wrapper(request, *args, **kwargs):
            user_roles = roles_of(request.user)
            if Role.ADMIN not in user_roles and not (user_roles & set(roles)):
                raise PermissionDenied(f"This page is for: {', '.join(r.value for r in roles)}.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
