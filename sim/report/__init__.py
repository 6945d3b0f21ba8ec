"""Reporting: summary statistics, the terminal report, JSON output and figures.

Modules: ``summary`` (probabilities and intervals), ``text`` (terminal report), ``io`` (atomic
writes), ``plots``, ``compare_report``, ``sweep_plots``, ``calibration_report``, ``explain``,
``bargain``.
"""
