"""Settings for bench/public_pages.py: the project's settings with a URLconf that adds a minimal baseline view."""

from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_urls"
# The benchmark measures the server, not log formatting of every request.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
