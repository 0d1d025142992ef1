"""Token authentication whose answer is cached: DRF's TokenAuthentication, the token's user and roles kept for a
few minutes under the desk's auth generation (claims/write_generation.py).

Without the cache a token request costs two queries before the view runs (the token with its user, the user's
groups), about what a cached list page costs in all. Any write to the users, their groups or the tokens moves the
auth generation: a revoked token, a deactivated user or a changed role is refused or seen at once, whether the
change came through the admin, a service, a bulk update or raw SQL.

The cache holds no secret: the entry's key is the token's SHA-256, and its value the user's fields without the
password hash (left deferred: read, it is loaded from the database; saved, the user keeps it) and the token's date.
Only a token that authenticates is cached; an unknown one is looked up each time, as before.
"""

import hashlib

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from claims import page_cache, write_generation
from claims.services.roles import roles_of
from claims.workflow import Role

#: Seconds a token's answer is kept; the auth generation in the key is what keeps it current. At most the page
#: cache's PAGE_TIMEOUT (a process that could not move a generation keeps trying that long).
TOKEN_TIMEOUT = 300
#: Changes with the shape of the cached entry.
TOKEN_FORMAT = 1
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields if field.attname != "password"]


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        # DRF makes an authenticator per request: the request is kept for its generations, read once for the
        # request (the list reads them too), and only when it does send a token.
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        request = getattr(self, "request", None)
        generations = write_generation.for_request(request) if request is not None else None
        if generations is None:
            return self._looked_up(key)
        entry_key = f"desk:api:token:{TOKEN_FORMAT}:{generations.auth}:{hashlib.sha256(key.encode()).hexdigest()}"
        entry = page_cache.get_page(entry_key, timeout=TOKEN_TIMEOUT)
        if entry is not None:
            return _rebuilt(key, entry)
        user, token = self._looked_up(key)  # raises for an unknown token or an inactive user: nothing is cached
        entry = {
            "user": [getattr(user, name) for name in _USER_FIELDS],
            "roles": sorted(roles_of(user)),
            "created": token.created,
        }
        page_cache.set_page(entry_key, entry, timeout=TOKEN_TIMEOUT)
        return user, token

    def _looked_up(self, key) -> tuple[User, Token]:
        user, token = super().authenticate_credentials(key)
        roles_of(user)  # the role query, now: its answer goes into the entry
        return user, token


def _rebuilt(key: str, entry: dict) -> tuple[User, Token]:
    """The user and token as the database gave them, from a cached entry (no query)."""
    user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, entry["user"])
    # roles_of's per-request memo (claims/services/roles.py), which the user model does not declare.
    setattr(user, "_desk_roles", frozenset(Role(role) for role in entry["roles"]))  # noqa: B010
    token = Token.from_db(DEFAULT_DB_ALIAS, ["key", "user_id", "created"], [key, user.pk, entry["created"]])
    token.user = user
    return user, token
