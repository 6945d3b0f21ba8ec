"""Other forecasting engines, free of Mesa, run on the same actors as a cross-check."""
