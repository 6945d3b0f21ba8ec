"""The classroom page: ``negsim serve`` (a local FastAPI server) and its static export.

The page is plain HTML and JavaScript with plotly.js served from the installed ``plotly`` package,
so it makes no request beyond 127.0.0.1 and works in a classroom without internet. It calls the
analysis layer (:mod:`sim.analysis.classroom`) in worker processes; it never runs its own model.
"""
