"""factory_boy factories for the desk's data; users come with a desk role."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Article, ArticleRevision, Attendee, Claim, Entity, Evidence, Series, SeriesMember, Source
from claims.services.roles import ensure_role_groups
from claims.workflow import Role

DEFAULT_TEXT = (
    "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو ورئيس الأركان فاليري غراسيموف.\n"
    "وعقب هذه الزيارة، كشفت تقارير موثوقة عن وجود جنود مرتزقة روس ويقدر عددهم بحوالي ألفين.\n"
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(ensure_role_groups()[Role(extracted)])
        if create:
            user.save()


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"مقال رقم {n}")
    language = "ar"
    direction = "rtl"

    @factory.post_generation
    def text(article, create, extracted, **kwargs):
        if not create:
            return
        revision = ArticleRevision.objects.create(article=article, number=1, text=extracted or DEFAULT_TEXT)
        article.current_revision = revision
        article.save(update_fields=["current_revision"])


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    kind = "person"
    name = factory.Sequence(lambda n: f"Person {n}")
    names = factory.LazyAttribute(lambda e: {"en": e.name})


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first occurrence of ``quote`` (default: the article's first 20 code points)."""

    class Meta:
        model = Claim
        exclude = ("quote",)
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    revision = factory.LazyAttribute(lambda c: c.article.current_revision)
    quote = None
    start = factory.LazyAttribute(lambda c: c.revision.text.index(c.quote) if c.quote else 0)
    end = factory.LazyAttribute(lambda c: c.start + (len(c.quote) if c.quote else 20))
    exact = factory.LazyAttribute(lambda c: c.revision.text[c.start : c.end])
    kind = "other"
    statement = factory.Sequence(lambda n: f"Claim statement {n}")
    statement_language = "en"

    @factory.post_generation
    def public_anchor(claim, create, extracted, **kwargs):
        """A claim made public here is seen by readers as the publishing service would show it: where it is."""
        if not create or not claim.is_public or claim.public_revision_id:
            return
        claim.public_revision, claim.public_selector = claim.revision, claim.selector
        claim.save(update_fields=["public_revision", "public_selector"])
        Article.objects.filter(pk=claim.article_id, public_revision=None).update(public_revision=claim.revision)
        claim.article.refresh_from_db(fields=["public_revision"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    original_url = factory.LazyAttribute(lambda s: s.url)
    kind = "news"
    title = factory.Sequence(lambda n: f"Story {n}")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = "supports"


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    slug = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"Fighters in Libya {n}")
    subject = "fighters in Libya"
    unit = "fighters"


class QuantityClaimFactory(ClaimFactory):
    """A published quantity claim: ``value`` fighters in Libya as of ``as_of``."""

    class Params:
        value = 2000
        as_of = "2019"

    kind = "quantity"
    status = "published"
    verdict = "accurate"
    rationale = "Checked."
    published_at = factory.LazyFunction(timezone.now)
    details = factory.LazyAttribute(
        lambda c: {"subject": "fighters in Libya", "value": c.value, "unit": "fighters", "as_of": c.as_of}
    )


class SeriesMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesMember

    series = factory.SubFactory(SeriesFactory)
    claim = factory.SubFactory(QuantityClaimFactory)
    state = "accepted"
    score = 1.0


def make_meetings(focus: Entity, count: int, *, status: str = "published", pool: int | None = None) -> list[Claim]:
    """``count`` meeting claims ``focus`` attends, each with two other attendees drawn from a pool of entities (one
    per meeting unless ``pool``), statuses and dates varied; bulk-created, as the benchmarks seed them."""
    from django.utils import timezone

    article = ArticleFactory()
    others = Entity.objects.bulk_create(Entity(name=f"Met {i}", names={"en": f"Met {i}"}) for i in range(pool or count))
    public = status in ("published", "corrected", "retracted")
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            revision=article.current_revision,
            exact=article.current_revision.text[:20],
            start=0,
            end=20,
            kind="meeting",
            statement=f"Meeting {i}",
            details={"date": f"{2000 + i % 20}-{1 + i % 12:02d}", "place": "Moscow", "channel": "in_person"},
            status=status,
            verdict="accurate" if public else "",
            published_at=timezone.now() if public else None,
        )
        for i in range(count)
    )
    statuses = ["confirmed", "disputed", "unverified"]
    Attendee.objects.bulk_create(
        Attendee(claim=c, entity=e, status=statuses[(i + k) % 3], order=k)
        for i, c in enumerate(claims)
        for k, e in enumerate([focus, others[i % len(others)], others[(i + 1) % len(others)]])
        if k == 0 or e != focus
    )
    through = Claim.entities.through
    through.objects.bulk_create(through(claim_id=c.pk, entity_id=focus.pk) for c in claims)
    return claims
