"""The public site's own pages (about, methodology...): written in the admin, cached like every public page."""

from collections.abc import Iterable

from django.db import transaction

from claims.models import Page
from claims.page_cache import invalidate_lists


@transaction.atomic
def save_page(*, page: Page) -> Page:
    """Save ``page`` as its form set it; readers see the new text at once (pages share the lists' generation)."""
    page.save()
    transaction.on_commit(invalidate_lists)
    return page


@transaction.atomic
def delete_pages(*, pages: Iterable[Page]) -> None:
    for page in pages:
        page.delete()
    transaction.on_commit(invalidate_lists)
