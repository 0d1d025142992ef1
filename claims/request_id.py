"""Request ids for structured logs: every log line of a request (or Celery task) carries the same id.

The request middleware and the Celery task signals set the id; the log filter reads it. It has a module of its
own so that the Celery app and the middleware both import it, and neither imports the other.
"""

import contextvars
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id_var.get()
        if rid == "-":
            # Django logs 4xx/5xx answers ("Not Found: /x") after the middleware returned, naming the request.
            rid = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = rid
        return True
