"""Mesa, imported without the warning its batch runner's ``tqdm.auto`` prints in a notebook.

``import mesa`` imports ``mesa.batchrunner``, which imports ``tqdm.auto``; in a Jupyter kernel without
ipywidgets that warns "IProgress not found" on the first cell that runs a model, though negsim never
uses Mesa's batch runner. Only that warning, only during the import, is silenced.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="IProgress not found")
    import mesa

__all__ = ["mesa"]
