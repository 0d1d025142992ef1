"""The scale tests' processes: each test gets a private redis-server and a Cluster on it and the test database."""

import shutil

import pytest
from django.conf import settings

from tests.scale.cluster import Cluster, Redis


@pytest.fixture
def start_cluster(transactional_db, tmp_path):
    """``start_cluster(**env)``: a Cluster with its own running redis-server; all stopped after the test."""
    if not settings.IS_POSTGRES or not shutil.which("redis-server"):
        pytest.skip("the scale tests need PostgreSQL and redis-server")
    started = []

    def start(separate_data: bool = False, **env: str) -> Cluster:
        redis = Redis()
        redis.start()
        started.append(Cluster(redis, tmp_path, separate_data=separate_data, **env))
        return started[-1]

    yield start
    for cluster in started:
        cluster.stop()
        cluster.redis.stop()
