"""Comparisons: what changed between two versions of an assessment (``version_diff``), and
two to four assessments or versions side by side (``side_by_side``, with its CSV/XLSX in
``tables``)."""
