"""Topics (tags) on claims and articles: create, delete, and set or change a claim's or an article's tags."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from claims.models import Article, Claim, ClaimEvent, Tag
from claims.models.team import tag_slug
from claims.page_cache import invalidate_claim, invalidate_lists
from claims.services.errors import TagInvalid
from claims.services.history import record_event
from claims.services.roles import actor_for
from claims.workflow import Role

TAG_MAX_CHARS = 80


def _check_member(by: User) -> None:
    if not actor_for(by).has(Role.EDITOR):
        raise TagInvalid({"tags": _("Only desk members may tag claims and articles.")})


def find_or_create_tag(*, name: str, by: User) -> tuple[Tag, bool]:
    """The tag called ``name`` (or with that address), made if new (then True). Arabic names keep their letters."""
    _check_member(by)
    name = " ".join(str(name).split())
    if not name:
        raise TagInvalid({"name": _("Give the tag a name.")})
    if len(name) > TAG_MAX_CHARS:
        raise TagInvalid({"name": _("A tag name has at most %(n)d characters.") % {"n": TAG_MAX_CHARS}})
    slug = tag_slug(name)
    if not slug:
        raise TagInvalid({"name": _("A tag name needs at least one letter or digit.")})
    found = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
    if found is not None:
        return found, False
    return Tag.objects.get_or_create(slug=slug, defaults={"name": name})


def delete_tag(*, tag: Tag, by: User) -> None:
    """Admins only: the tag leaves every claim and article; published claims' topic pages drop it."""
    if not actor_for(by).has(Role.ADMIN):
        raise TagInvalid({"tag": _("Only an admin may delete a tag.")})
    public = list(Claim.objects.published().filter(tags=tag).values_list("pk", flat=True))
    tag.delete()
    if public:
        transaction.on_commit(invalidate_lists)


def resolve_tags(values: Iterable[object], *, by: User) -> list[Tag]:
    """Tags named by id, slug or name (new names are created)."""
    tags: list[Tag] = []
    for value in values:
        if isinstance(value, Tag):
            tags.append(value)
            continue
        text = str(value).strip()
        if not text:
            continue
        by_id = text.isascii() and text.isdigit()  # "²" is a digit to str.isdigit() and not to int()
        found = Tag.objects.filter(pk=int(text)).first() if by_id else Tag.objects.filter(slug=text).first()
        tags.append(found or find_or_create_tag(name=text, by=by)[0])
    return list({tag.pk: tag for tag in tags}.values())


@transaction.atomic
def change_claim_tags(
    *,
    claim: Claim,
    by: User,
    tags: Iterable[Tag] | None = None,
    add: Iterable[Tag] = (),
    remove: Iterable[Tag] = (),
) -> list[Tag]:
    """Set the claim's tags to ``tags`` (when given), then add ``add`` and take off ``remove``; the history says
    what changed. A published claim's public pages are refreshed (its topics are shown there)."""
    _check_member(by)
    before = {tag.pk: tag for tag in claim.tags.all()}
    after = dict(before) if tags is None else {tag.pk: tag for tag in tags}
    after |= {tag.pk: tag for tag in add}
    for tag in remove:
        after.pop(tag.pk, None)
    if set(after) == set(before):
        return list(before.values())
    claim.tags.set(list(after.values()))
    record_event(
        claim=claim,
        actor=by,
        action=ClaimEvent.Action.TAGGED,
        changes={"tags": [sorted(t.name for t in before.values()), sorted(t.name for t in after.values())]},
    )
    if claim.is_public:
        transaction.on_commit(lambda: invalidate_claim(claim.pk))
    return list(after.values())


@transaction.atomic
def change_article_tags(
    *,
    article: Article,
    by: User,
    tags: Iterable[Tag] | None = None,
    add: Iterable[Tag] = (),
    remove: Iterable[Tag] = (),
) -> list[Tag]:
    _check_member(by)
    current = {tag.pk: tag for tag in article.tags.all()}
    after = dict(current) if tags is None else {tag.pk: tag for tag in tags}
    after |= {tag.pk: tag for tag in add}
    for tag in remove:
        after.pop(tag.pk, None)
    if set(after) != set(current):
        article.tags.set(list(after.values()))
    return list(after.values())
