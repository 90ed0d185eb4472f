"""The outputs: what is made of an assessment for people to read or take away.

The PDF and Word report (``report``), comparisons of versions and of assessments side by
side (``comparison``), the risk register and other tables as CSV/XLSX (``risk_register``,
``spreadsheets``), and the safe rendering of user Markdown and word diffs shared with the
pages (``markdown``, ``textdiff``, ``heatmap``).

It reads the domain and never writes content.
"""
