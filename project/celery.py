"""The Celery app: configured from Django settings (the CELERY_* names), tasks found in the claims app."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import task_postrun, task_prerun

from claims.request_id import request_id_var
from project.liveness import Liveness

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

# task_cls: requests whose late acknowledgement survives a lost broker connection (project/worker_request.py).
app = Celery("factdesk", task_cls="project.worker_request:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Refreshes the file that `manage.py check_worker` (an orchestrator's liveness probe) reads.
app.steps["consumer"].add(Liveness)


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs) -> None:
    """The embedded broker (no REDIS_URL) keeps its queue in folders that must exist before the first message."""
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


@task_prerun.connect
def _log_with_task_id(task_id=None, **kwargs) -> None:
    """Log lines written while a task runs carry its id, as request log lines carry the request's."""
    request_id_var.set(task_id or "-")


@task_postrun.connect
def _forget_task_id(**kwargs) -> None:
    request_id_var.set("-")
