"""Calibration from the record: evidence, replay (backtest), approximate Bayesian computation."""
