"""The workers' consumer: Celery's, going on to reconnect when tearing down a lost broker connection fails.

On a connection loss Celery collects the connection (which detaches its transport) and then closes it, ignoring the
connection errors of that close. With kombu 5.7's Redis transport the first close can stop half way, when a read of
the dead connection raises (the reply of a BRPOP in flight, or deleting a fanout queue), leaving the channel open;
the second close then restores the unacknowledged messages of acks_late tasks through a transport that has no
connection any more and raises ``AttributeError: 'NoneType' object has no attribute 'hostname'``. That error is not
a connection error, so it escaped the consumer's reconnect loop: "Unrecoverable error", and the worker stopped
consuming while it waited for its tasks to end (seen in tests/scale/test_broker_outages.py under flapping). The
connection is lost either way: its messages come back by the visibility timeout, and the consumer reconnects.
"""

import logging

from celery.worker.consumer import Consumer as CeleryConsumer

log = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    """The consumer (``worker_consumer`` in settings)."""

    def on_connection_error_after_connected(self, exc) -> None:
        try:
            super().on_connection_error_after_connected(exc)
        except Exception:  # whatever closing the dead connection raised, the way on is to reconnect
            log.warning("the lost broker connection did not close cleanly; reconnecting anyway", exc_info=True)
