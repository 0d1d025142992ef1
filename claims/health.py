"""Health (is the process alive and are its dependencies reachable) and readiness endpoints for operators."""

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from project.celery import app as celery_app


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"; report it, don't crash the probe
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict:
    started = time.monotonic()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type
    except Exception as exc:  # a down broker raises many kinds of errors; all mean "not reachable"
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "transport": str(transport), "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 (with which one failed) otherwise."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: the database answers and its migrations are applied."""
    from django.db.migrations.executor import MigrationExecutor

    db = _check_database()
    if not db["ok"]:
        return JsonResponse({"status": "unavailable", "checks": {"database": db}}, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    status = 200 if not pending else 503
    return JsonResponse(
        {"status": "ok" if not pending else "migrations pending", "pending": len(pending)}, status=status
    )
