"""Request ids for structured logs: every log line of a request (or Celery task) carries the same id."""

import contextvars
import logging
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID when it sends a sane one, else make one; echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if incoming.isascii() and 0 < len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        rid = request_id_var.get()
        if rid == "-":
            # Django logs 4xx/5xx answers ("Not Found: /x") after the middleware returned, naming the request.
            rid = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = rid
        return True


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the host check and the HTTPS redirect: a load balancer probes each web
    process by its address over plain HTTP, and must get the health, not a 400 or a redirect. First in the stack.
    The URLconf names the same views (``healthz``, ``readyz``) for reverse() and the permission matrix.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from claims import health

        view = {"/healthz": health.healthz, "/readyz": health.readyz}.get(request.path_info)
        return view(request) if view else self.get_response(request)
