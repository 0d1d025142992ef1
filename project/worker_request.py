"""The workers' task requests: Celery's, except that a late acknowledgement of a message whose broker connection
was lost is dropped instead of crashing the worker.

A capture task is ``acks_late``: its message is acknowledged when it ends, or when its time limit fires. When Redis
goes away mid-task, Celery collects the lost connection, which detaches its transport (kombu sets the transport's
``client`` to None), and reconnects. A task of the old connection that ends or times out afterwards then
acknowledges through that detached transport, and kombu 5.7's Redis channel raises ``AttributeError: 'NoneType'
object has no attribute 'hostname'``. That is not one of the connection errors the acknowledgement ignores, so it
escaped the event loop as "Unrecoverable error" and the worker stopped consuming (seen in
tests/scale/test_scale_out.py after a Redis restart). Nothing can be acknowledged on a lost connection: its
unacknowledged messages come back by the visibility timeout, and the capture's lease and fencing make the second
run harmless.
"""

import logging

from celery import Task as CeleryTask
from celery.worker.request import Request as CeleryRequest

log = logging.getLogger(__name__)


def connection_lost(message) -> bool:
    """Whether ``message`` came on a broker connection that has since been collected: its channel has lost its
    transport, or the transport its connection."""
    channel = getattr(message, "channel", None)
    if channel is None:
        return False
    transport = getattr(channel, "connection", None)
    return transport is None or getattr(transport, "client", None) is None


class Request(CeleryRequest):
    def acknowledge(self) -> None:
        if not self.acknowledged and connection_lost(self.message):
            log.warning(
                "task %s ended after its broker connection was lost: its message comes back by the visibility timeout",
                self.id,
            )
            self.acknowledged = True
            return
        super().acknowledge()

    def reject(self, requeue=False) -> None:
        if not self.acknowledged and connection_lost(self.message):
            log.warning(
                "task %s rejected after its broker connection was lost: its message comes back by the "
                "visibility timeout",
                self.id,
            )
            self.acknowledged = True
            return
        super().reject(requeue=requeue)


class Task(CeleryTask):
    """The app's task class (``task_cls``): every task's requests are the ones above."""

    Request = "project.worker_request:Request"
