"""`manage.py db_worker`: django-tasks-db's worker (every option of its own), which also puts back in the
queue the PDFs a dead worker left behind (rcp.documents.sweep): at start, those it was rendering under
the same `--worker-id` when it was killed, then every SWEEP_EVERY seconds those any worker left.

rcp comes before django_tasks_db in INSTALLED_APPS, so this command is the one `db_worker` runs.
Give each worker a `--worker-id` of its own that stays the same across restarts (README, "Workers"):
with the default (random) one, a render left running is resumed only after STALE_AFTER.
"""

import logging
import os
import threading

from django.core.management.base import CommandError
from django.db import close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from rcp import documents

logger = logging.getLogger("rcp.documents")


class Worker(db_worker.Worker):
    """The package's worker, with the sweeps around its loop."""

    def run(self) -> None:
        self.sweep(resume_worker=self.worker_id)
        if not self.batch:
            threading.Thread(target=self._sweep_periodically, name="rcp-sweeper", daemon=True).start()
        super().run()

    def sweep(self, **kwargs) -> None:
        try:
            requeued = documents.sweep(**kwargs)
        except Exception:  # the database away for a moment: the next sweep does it
            logger.exception("The sweep of the PDFs to make failed")
        else:
            if requeued:
                logger.warning("%d PDF(s) put back in the queue", requeued)
        finally:
            close_old_connections()

    def _sweep_periodically(self) -> None:
        stop = threading.Event()
        while not stop.wait(documents.SWEEP_EVERY):
            self.sweep()
            connections.close_all()  # this thread's connection only


class Command(db_worker.Command):
    help = db_worker.Command.help + " (and resume the PDFs a stopped worker left)"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        # The package's handle, with this module's Worker (it names its class directly).
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
