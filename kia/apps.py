"""The composition root: where the layers of ``assessments`` are connected to each other.

A lower layer never imports a higher one (docs/architecture.md). Where a lower layer must
let a higher one know that something happened, it sends a signal, and the connection is
made here, once, in every process (web, worker, management commands):

* ``lifecycle.version_settled`` (domain) → ``report.tasks.on_version_settled`` (outputs):
  a finalised or published version has its PDF made at once.

The domain's own listeners (notifications on ``events.happened``) are connected by the
domain app; the worker's sweeps and periodic jobs are named in the settings
(``KIA_WORKER_SWEEPS``, ``KIA_SCHEDULED_JOBS``).
"""

from django.apps import AppConfig


class KiaConfig(AppConfig):
    name = "kia"
    verbose_name = "KIA"

    def ready(self) -> None:
        from assessments.domain import lifecycle  # noqa: PLC0415 -- app registry
        from assessments.outputs.report import tasks  # noqa: PLC0415 -- app registry

        lifecycle.version_settled.connect(
            tasks.on_version_settled, dispatch_uid="kia-settled-version-pdf"
        )
