from django.contrib.sitemaps.views import index
from django.urls import path

from claims.public import entities, memento, requests, series, sitemaps, views
from claims.public.feeds import ClaimsFeed

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/<int:pk>/<str:slug>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-short"),
    path("claims/<int:pk>/sources/<int:source_pk>/archive/", views.archived_copy, name="archive"),
    path("memento/timemap/<path:url>", memento.timemap, name="memento-timemap"),
    path("memento/timegate/<path:url>", memento.timegate, name="memento-timegate"),
    path("entities/<int:pk>/", entities.entity_detail, name="entity"),
    path("entities/<int:pk>/meetings/graph/", entities.entity_graph, name="entity-graph"),
    path("entities/<int:pk>/feed.atom", entities.EntityClaimsFeed(), name="entity-feed"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("series/<slug:series_slug>/", series.series_detail, name="series"),
    path("series/<slug:series_slug>/estimates.csv", series.series_csv, name="series-csv"),
    # str, not slug: a topic's address keeps its Arabic letters.
    path("topic/<str:slug>/", views.topic_detail, name="topic"),
    path("search/", views.search_view, name="search"),
    path("check/", requests.check, name="check"),
    path("feed.atom", ClaimsFeed(), name="feed"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "public:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("<slug:slug>/", views.page, name="page"),
]
