"""A task that ends after its broker connection was lost must not crash the worker when it acknowledges."""

import uuid

import pytest
from celery.worker.request import Request as CeleryRequest
from django.conf import settings
from kombu import Connection

import claims.tasks  # noqa: F401 (registers the tasks)
from project.celery import app
from project.worker_request import Request, connection_lost


@pytest.fixture
def message_of_a_lost_connection():
    """An unacknowledged message taken from the configured broker, then its connection lost the way the worker saw
    it: the transport detached from its connection while the channel stayed open (a close stopped half way)."""
    name = f"test-lost-{uuid.uuid4().hex}"
    connection = Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    queue = connection.SimpleQueue(name)
    queue.put({"hello": "world"})
    message = queue.get(timeout=5)
    # The state a close that stopped half way leaves (project/worker_consumer.py): the channel's pool dropped, the
    # transport detached from its connection, the channel itself still open.
    message.channel._pool = None
    connection._do_close_transport()
    yield message
    # Its message was never acknowledged: kombu would try to restore it at interpreter exit, through the transport
    # this fixture detached, and print a traceback at the end of the run. The queue is cleared below instead.
    message.channel.qos.restore_at_shutdown = False
    with Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as c:
        c.SimpleQueue(name).clear()


def _request(cls, message):
    request = object.__new__(cls)  # only what acknowledge/reject read: the message and its callbacks
    request._message = message
    request._on_ack = message.ack_log_error
    request._on_reject = message.reject_log_error
    request._connection_errors = ()
    request._eventer = None
    request.id = "a-capture"
    request.acknowledged = False
    return request


def test_the_app_s_tasks_use_the_request_that_survives_a_lost_connection():
    assert app.tasks["claims.tasks.capture_source"].Request == "project.worker_request:Request"


@pytest.mark.skipif(not settings.REDIS_URL, reason="the fault is kombu's Redis transport's")
def test_a_late_acknowledgement_on_a_lost_connection_is_dropped_not_raised(message_of_a_lost_connection):
    assert connection_lost(message_of_a_lost_connection)
    with pytest.raises(AttributeError):  # what crashed the worker: Celery's own request
        _request(CeleryRequest, message_of_a_lost_connection).acknowledge()
    request = _request(Request, message_of_a_lost_connection)
    request.acknowledge()
    assert request.acknowledged


@pytest.mark.skipif(not settings.REDIS_URL, reason="the fault is kombu's Redis transport's")
def test_a_rejection_on_a_lost_connection_is_dropped_not_raised(message_of_a_lost_connection):
    request = _request(Request, message_of_a_lost_connection)
    request.reject(requeue=True)
    assert request.acknowledged
