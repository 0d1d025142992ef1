"""Editing entities. Their names show on every public page and list that mentions them, so an edit drops those."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claims.models import Entity
from claims.public.cache import invalidate_lists


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
