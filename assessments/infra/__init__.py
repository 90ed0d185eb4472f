"""The infrastructure: the mail outbox (``mail``), the scheduler and the supervised worker
(``scheduler``, ``worker``), throttling (``throttle``), who is editing (``presence``),
short names (``slugs``) and the check of uploaded PDFs (``pdfcheck``).

It imports nothing of the layers above. What it runs for them (periodic jobs, the
worker's sweeps) is named by dotted path in the settings. Its two tables (``models``)
belong to the app label ``assessments``.
"""
