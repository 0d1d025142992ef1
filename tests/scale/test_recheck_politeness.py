"""Beat re-checks many due sources of one host through several capture worker processes, and the host never sees
more requests at once than the per-host limit, shared by every worker through Redis."""

from collections import Counter

import pytest
from django.utils import timezone

from claims.models import Capture, Source
from tests.scale.cluster import page_server, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

N_SOURCES = 300
LIMIT = 2


@pytest.fixture
def cluster(start_cluster):
    pages = page_server(delay=0.03)
    cluster = start_cluster(
        FETCH_PER_HOST_CONCURRENCY=str(LIMIT),
        FETCH_POLITENESS_DELAY="0",
        RECAPTURE_SCHEDULE_SECONDS="1",
        SWEEP_SECONDS="3600",
    )
    cluster.pages = pages
    yield cluster
    pages.shutdown()


def test_beat_rechecks_a_hosts_sources_within_its_limit(cluster):
    port = cluster.pages.server_address[1]
    Source.objects.bulk_create(
        Source(
            url=f"http://127.0.0.1:{port}/story/{i}",
            original_url=f"http://127.0.0.1:{port}/story/{i}",
            title=f"Story {i}",
            next_check_at=timezone.now(),
        )
        for i in range(N_SOURCES)
    )
    # Six capture processes against a limit of two: the limit, not the workers, must bound the host's load.
    for i in range(2):
        cluster.worker(f"capture{i}", "captures", concurrency=3)
    cluster.worker("other", "default", concurrency=1)
    cluster.beat()

    wait_until(
        lambda: Capture.objects.filter(state="done").count() >= N_SOURCES,
        240,
        lambda: (
            f"{Capture.objects.filter(state='done').count()} of {N_SOURCES} re-checked; "
            f"{cluster.log('capture0')[-3000:]}"
        ),
    )
    assert cluster.pages.highest <= LIMIT, f"{cluster.pages.highest} requests at once, limit {LIMIT}"
    assert cluster.pages.highest == LIMIT  # and the work did run in parallel up to it
    per_source = Counter(Capture.objects.filter(state="done").values_list("source_id", flat=True))
    assert len(per_source) == N_SOURCES and set(per_source.values()) == {1}, "each source re-checked once"
    assert set(Capture.objects.values_list("trigger", flat=True)) == {"schedule"}
    assert "Task claims.tasks.schedule_recaptures[" in cluster.log("other")
    for name in ("capture0", "capture1"):
        assert "Task claims.tasks.capture_source[" in cluster.log(name), f"{name} took no capture"
