"""The PDF and Word report of an assessment.

* ``data``: the ``Report`` dataclass that prepares everything the report shows;
* ``render``: HTML from the template, PDF from WeasyPrint (imported when first used: it is
  slow to import, so importing ``render`` is cheap);
* ``docx``: the same report as a Word file, through pandoc;
* ``fetcher``: the only URL fetcher WeasyPrint gets (the app's own static files);
* ``cache``: content hashes, reuse of rendered PDFs, the PDF a final assessment keeps;
* ``tasks``: the background job that renders, and ``recovery``, which heals it.
"""
