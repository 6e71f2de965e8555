"""Fixtures of the essaimage tests shared by several files."""

import pytest
from django.conf import settings


@pytest.fixture
def real_worker():
    """A real Celery worker, in this process, consuming the real Redis that `make test` starts.
    Tests that use it run on a real transaction (the worker reads committed rows)."""
    if not settings.REDIS_URL:
        pytest.skip("needs the Redis server started by `make test`")
    from celery.contrib.testing.worker import start_worker

    # Register the tasks with the worker.
    import communities.tasks  # noqa: F401
    import essaimage.tasks  # noqa: F401
    from essaimage.celery import app

    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(task_always_eager=True)
