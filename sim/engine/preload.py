"""Imported by the forkserver of a parallel run before it forks the workers: the compiled search is
loaded once there (numba and its cached machine code, about a second), not once in every worker."""

from sim.core.compiled_search import warm_up

warm_up()
