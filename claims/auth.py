"""The desk's authentication backend: Django's, loading each person's desk profile with them.

Every desk request reads the person's interface language; joining the profile to the one query that loads the
user keeps that free (no query per page for it).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User


class DeskBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        try:
            user = User._default_manager.select_related("desk_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
