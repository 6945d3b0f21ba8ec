"""Analyses built on the engine: comparisons on common random numbers, sweeps and designs,
sensitivity analysis, and the teaching views."""
