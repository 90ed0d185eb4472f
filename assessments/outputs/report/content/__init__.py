"""The parts of the report's data, one module each; ``report.data`` calls them in print
order and gathers what they build in a ``Report``.

* ``walk``: the assessment's rows, the numbering so far and the table of contents, which
  every part reads and adds to;
* ``citations``: footnotes and figures, numbered as a reader meets them;
* ``blocks``: the dataclasses the template prints;
* ``formats``: how a date and a one-paragraph text are printed;
* ``front``: the cover, the introduction, the reading guide's entries in the contents;
* ``chapters``: the chapters and their questions;
* ``risks``: chapters 3 and 4 (risks, measures, residual risk) and the matrix's bands;
* ``heatmaps``: the risk map before and after measures;
* ``weighing``: chapter 5's table of benefits and harms and the next re-assessment;
* ``back``: the figures section, the appendix, the sources and the colophon.
"""
