"""Roles are Django groups; this module turns a user into the workflow's Actor and sets the groups up."""

from django.contrib.auth.models import AnonymousUser, Group, Permission, User

from claims.workflow import Actor, Role

ROLE_GROUPS = {Role.EDITOR: "editor", Role.REVIEWER: "reviewer", Role.ADMIN: "admin"}

# Model permissions each group holds in the admin and the desk (reviewers and admins can do all editors can).
_EDITOR_PERMS = [
    "add_article",
    "change_article",
    "view_article",
    "add_articlerevision",
    "view_articlerevision",
    "add_claim",
    "change_claim",
    "delete_claim",
    "view_claim",
    "add_attendee",
    "change_attendee",
    "delete_attendee",
    "view_attendee",
    "add_entity",
    "change_entity",
    "view_entity",
    "add_source",
    "change_source",
    "view_source",
    "add_evidence",
    "change_evidence",
    "delete_evidence",
    "view_evidence",
    "view_capture",
    "view_claimevent",
    "view_claimlink",
    "add_claimlink",
    "change_claimlink",
    "add_tag",
    "view_tag",
]
_ADMIN_EXTRA = [
    "delete_article",
    "delete_entity",
    "delete_source",
    "add_page",
    "change_page",
    "delete_page",
    "view_page",
    "delete_tag",
    "view_desksettings",
    "change_desksettings",
]


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    cached = getattr(user, "_desk_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role, group in ROLE_GROUPS.items() if group in names)
        # A per-request memo on the user object, which the user model does not declare (so not user._desk_roles).
        setattr(user, "_desk_roles", cached)  # noqa: B010
    return cached


def actor_for(user: User) -> Actor:
    return Actor(id=user.pk, roles=roles_of(user))


def ensure_role_groups(
    *, group_model: type[Group] = Group, permission_model: type[Permission] = Permission
) -> dict[Role, Group]:
    """Create the three groups with their permissions; safe to run any number of times.

    A data migration passes its historical ``Group`` and ``Permission`` models.
    """
    groups = {}
    for role, name in ROLE_GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        codenames = _EDITOR_PERMS + (_ADMIN_EXTRA if role == Role.ADMIN else [])
        group.permissions.set(permission_model.objects.filter(content_type__app_label="claims", codename__in=codenames))
        groups[role] = group
    return groups
