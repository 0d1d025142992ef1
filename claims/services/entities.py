"""Finding, adding and editing entities. Their names show on every public page and list that mentions them, so an
edit drops those."""

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claims.arabic import normalize
from claims.models import Entity
from claims.page_cache import invalidate_lists

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def find_or_create_entity(name: str, kind: str = Entity.Kind.PERSON) -> Entity:
    """The entity one of whose names or aliases reads as ``name`` once normalized, or a new one by that name."""
    key = normalize(name)
    for entity in Entity.objects.filter(search_text__contains=key):
        if any(normalize(n) == key for n in entity.all_names()):
            return entity
    language = "ar" if ARABIC_LETTER.search(name) else "en"
    return Entity.objects.create(kind=kind, name=name, names={language: name})


@transaction.atomic
def update_entity(*, entity: Entity, **fields: Any) -> Entity:
    """Save ``fields`` on ``entity`` (the admin passes none: its form set them); public lists show it at once."""
    for name, value in fields.items():
        setattr(entity, name, value)
    entity.save()
    transaction.on_commit(invalidate_lists)
    return entity


@transaction.atomic
def delete_entities(*, entities: Iterable[Entity]) -> None:
    """Claims that named the entities lose them (claimant entity, entity list): the public lists change."""
    for entity in entities:
        entity.delete()
    transaction.on_commit(invalidate_lists)
