"""The PDF and Word report of an assessment.

* ``data``: ``build_report``, the ``Report`` that prepares everything the report shows,
  assembled in print order from the part builders of ``content`` (front matter, chapters,
  risks, heat maps, weighing, back matter; footnotes in ``content.citations``);
* ``numbering``: the report's footnote and figure numbers for the web pages;
* ``render``: HTML from the template, PDF from WeasyPrint (imported when first used: it is
  slow to import, so importing ``render`` is cheap);
* ``docx``: the same report as a Word file, through pandoc;
* ``fetcher``: the only URL fetcher WeasyPrint gets (the app's own static files);
* ``cache``: content hashes, reuse of rendered PDFs, the PDF a final assessment keeps;
* ``tasks``: the background job that renders, and ``recovery``, which heals it.
"""
