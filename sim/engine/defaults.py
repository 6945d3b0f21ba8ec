"""Defaults shared by the engine, the analyses and the command line (declared once, import-free so
the command line can show them in ``--help`` without loading numpy or Mesa)."""

DEFAULT_CHUNK = 8_000
"""At most this many worlds per model run (chunk) of ``negsim run`` unless ``--chunk-size`` says
otherwise; a run is split into chunks as equal as whole blocks allow, their number a multiple of its
processes (:func:`sim.engine.run.default_chunks`). Measured in one process (docs/design.md, issue 31):
8,000 worlds a chunk 7-8% faster than 4,000, 12,000 no faster, the peak memory the same."""

SWEEP_WORLDS = 1_000
"""Worlds per sweep point unless the sweep file or ``--worlds`` says otherwise."""

SWEEP_WORLDS_PER_CHUNK = 5_000
"""About this many worlds per model run when sweep points share runs (cache-friendly, measured)."""
