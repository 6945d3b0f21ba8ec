"""Defaults shared by the engine, the analyses and the command line (declared once, import-free so
the command line can show them in ``--help`` without loading numpy or Mesa)."""

DEFAULT_CHUNK = 4_000
"""Worlds per model run of ``negsim run``: small enough for the CPU caches (measured fastest)."""

SWEEP_WORLDS = 1_000
"""Worlds per sweep point unless the sweep file or ``--worlds`` says otherwise."""

SWEEP_WORLDS_PER_CHUNK = 5_000
"""About this many worlds per model run when sweep points share runs (cache-friendly, measured)."""
