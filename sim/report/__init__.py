"""Reporting: summary statistics, the terminal report, JSON output and plots."""

from .summary import summarise, wilson_interval

__all__ = ["summarise", "wilson_interval"]
