"""One error hierarchy for every user mistake: shown as one paragraph, exit status 2, no traceback.

``UserError`` is the base; the command line catches it (and nothing broader) to print the message.
Each error names, as far as it is known, the file, the line and the key path of the problem.
:class:`ExecutionFault` is the one error that is nobody's mistake: a cluster or a process lost
while computing (exit status 1, one paragraph, the saved chunks kept for ``--resume``).
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A mistake in what the user asked for: a file, an option, a folder; never a bug of ours."""

    kind = "error"

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 key: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.key = key
        super().__init__(self.format())

    def __reduce__(self):
        # Pickled whole (a worker process's error reaches the parent with its file, line and key),
        # not rebuilt from the formatted text alone.
        return _rebuild, (type(self), self.message, self.path, self.line, self.key)

    def format(self) -> str:
        """``file, line N, at 'key.path': message`` with the parts that are known."""
        where = self.path or ""
        if self.line is not None:
            where += f", line {self.line}" if where else f"line {self.line}"
        if self.key:
            where += f", at '{self.key}'" if where else f"at '{self.key}'"
        return f"{where}: {self.message}" if where else self.message


def _rebuild(kind: type[UserError], message: str, path: str | None, line: int | None, key: str | None) -> UserError:
    return kind(message, path=path, line=line, key=key)


class ScenarioError(UserError):
    """A problem with a scenario file or an override of one of its values."""

    def format(self) -> str:
        where = self.path or "<scenario>"
        if self.line:   # line 0: a value set by an option (SourceMap.set_by), which has no line
            where += f", line {self.line}"
        if self.key:
            where += f", at '{self.key}'"
        return f"{where}: {self.message}"


class SweepError(UserError):
    """A problem with a sweep file, a swept parameter or a sweep's output folder."""


class PosteriorError(UserError):
    """A posterior file that cannot be read or does not fit the scenario."""


class ResumeError(UserError):
    """An output folder that cannot be written, resumed or shared as asked."""


class ClusterError(UserError):
    """A Dask scheduler address that cannot be reached (the user's option, so exit status 2)."""


class ExecutionFault(Exception):
    """The computation stopped for a reason outside the input: a worker process killed, every Dask
    worker or the scheduler lost. Finished chunks stay saved, so adding ``--resume`` finishes it."""
