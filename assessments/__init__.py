"""The KIA app, in four layers (docs/architecture.md); an import only points down:

* ``interfaces``: the ways in (web pages and forms, the REST API, admin, commands);
* ``outputs``: what is made of an assessment (the report, comparisons, spreadsheets);
* ``domain``: the KIA itself (models, instrument, scoring, lifecycle, the write path,
  versions, the exchange format);
* ``infra``: the machinery below (mail outbox, scheduler, worker, throttle, presence).

``kia`` (settings, URLs, and ``kia.apps``, where the layers are connected) stands above.
"""
