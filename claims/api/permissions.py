"""API permissions by role. Desk endpoints need a desk member (editor, reviewer or admin); writes follow roles."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from claims.services.roles import roles_of
from claims.workflow import Role


class IsDeskMember(BasePermission):
    message = "Sign in as a desk member (editor, reviewer or admin) or send 'Authorization: Token <key>'."

    def has_permission(self, request, view) -> bool:
        return bool(roles_of(request.user))


class IsEditorOrReadOnly(IsDeskMember):
    """Any desk member reads; editors, reviewers and admins write (every role can edit drafts)."""

    def has_permission(self, request, view) -> bool:
        roles = roles_of(request.user)
        if not roles:
            return False
        return request.method in SAFE_METHODS or bool(roles & {Role.EDITOR, Role.REVIEWER, Role.ADMIN})


class IsDeskAdmin(IsDeskMember):
    """Desk admins only (webhooks: they send the desk's work to other systems)."""

    message = "Only desk admins can do this."

    def has_permission(self, request, view) -> bool:
        return Role.ADMIN in roles_of(request.user)


class IsEditorReadOrAdminDelete(IsEditorOrReadOnly):
    """Desk members read and create; only admins delete (tags: removing one untags every claim)."""

    message = "Only an admin may delete this."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method != "DELETE" or Role.ADMIN in roles_of(request.user) or request.user.is_superuser
