"""Background jobs (docs/adr/0011): start one on the queue (settings.TASKS) with a record staff follow in the
admin, and keep that record up to date while it runs. Inline backends (the quick start) run it at once."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import BackgroundJob

Report = Callable[[str], None]


class JobRefused(Exception):
    """A job that may not start now: the same job is already queued or running."""


def start_job(kind: str, task, *, user=None, ics=None, **arguments) -> BackgroundJob:
    """Record the job and queue `task` with the record's id (`job_id`) and `arguments`; the record as it is
    after queuing (done or failed already when the backend runs jobs inline)."""
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(kind=kind, started_by=user, ics=ics)
    except IntegrityError:
        label = BackgroundJob.Kind(kind).label
        raise JobRefused(f"An {label} is already queued or running: nothing new was started.") from None
    task.enqueue(job_id=job.pk, **arguments)
    job.refresh_from_db()
    return job


def run_job(job_id: int, work: Callable[[Report], str]) -> str:
    """Run `work` as the job `job_id`: running, then each step it reports, then done with the result line it
    returns, or failed with the error (raised again, so the queue records the failure too). A job no longer
    queued (marked failed by staff) does not run."""
    queued = BackgroundJob.objects.filter(pk=job_id, state=BackgroundJob.State.QUEUED)
    if not queued.update(state=BackgroundJob.State.RUNNING, started_at=timezone.now()):
        return "Not run: the job was no longer queued."
    try:
        result = work(lambda step: _record(job_id, progress=step))
    except Exception as error:
        _record(job_id, state=BackgroundJob.State.FAILED, finished_at=timezone.now(), error=_message(error))
        raise
    _record(job_id, state=BackgroundJob.State.DONE, finished_at=timezone.now(), progress=result)
    return result


def abandon_jobs(jobs, *, user) -> int:
    """Mark queued or running jobs failed when their worker stopped with them (the queue has no heartbeat), so
    another sync may start; a worker that picks one up later leaves it alone (run_job)."""
    return jobs.filter(state__in=[BackgroundJob.State.QUEUED, BackgroundJob.State.RUNNING]).update(
        state=BackgroundJob.State.FAILED,
        finished_at=timezone.now(),
        error=f"Marked failed by {user}: its worker had stopped.",
    )


def _record(job_id: int, **changes) -> None:
    if "progress" in changes:
        changes["progress"] = changes["progress"][: BackgroundJob._meta.get_field("progress").max_length]
    BackgroundJob.objects.filter(pk=job_id).update(**changes)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__
