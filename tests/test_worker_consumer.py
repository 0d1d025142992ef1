"""The workers' consumer goes on to reconnect when closing the lost broker connection fails
(project/worker_consumer.py), against a real redis-server that goes away."""

import contextlib
import shutil
import socket

import pytest
from kombu import Exchange, Queue

from project.celery import app
from project.worker_consumer import Consumer
from tests.scale.cluster import Redis

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


class Pool:
    """The consumer asks its pool only how many processes it has."""

    num_processes = 2
    is_green = False


class Worker:
    use_eventloop = False


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    if server.proc.poll() is None:
        server.stop()


def consuming_connection(url: str):
    """A connection in the state a worker's is in: a task message delivered and not yet acknowledged (acks_late),
    a broadcast queue (as remote control and gossip use), and a BRPOP waiting for the next message."""
    connection = app.connection_for_read(url)
    tasks = Queue("captures", Exchange("captures"), "captures")
    with app.connection_for_write(url) as producer:
        producer.Producer().publish({"capture": 1}, exchange=tasks.exchange, routing_key="captures", declare=[tasks])
    delivered = []
    connection.Consumer(tasks, callbacks=[lambda body, message: delivered.append(message)]).consume()
    broadcast = Queue("factdesk.broadcast", Exchange("factdesk.broadcast", type="fanout"), auto_delete=True)
    connection.Consumer(broadcast, callbacks=[lambda body, message: None]).consume()
    connection.drain_events(timeout=5)
    assert delivered
    with contextlib.suppress(socket.timeout):
        connection.drain_events(timeout=0.05)  # nothing more: the BRPOP for the next message waits in flight
    return connection


def test_losing_redis_with_a_task_unacknowledged_leaves_the_consumer_ready_to_reconnect(redis):
    connection = consuming_connection(redis.url)
    redis.stop()
    consumer = Consumer(None, hostname="probe@test", pool=Pool(), app=app, timer=None, controller=Worker())
    consumer.connection = connection

    consumer.on_connection_error_after_connected(ConnectionError("Connection closed by server."))

    assert consumer.connection is None  # what Consumer.start needs to connect again
