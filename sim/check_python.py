"""``python3 -m sim.check_python``: the README's set-up commands start here, before anything is
installed. On Python 3.12 or newer it says nothing and exits 0; on an older one it exits 1 with
what to type instead, found on this machine: a ``python3.13``/``python3.12`` on PATH, or a pyenv
version (``PYENV_VERSION=3.12.1 python3``, since pyenv's shims do not provide ``python3.12``).

Standard library only, and written for any Python 3 (it runs on the old one it refuses).
"""

import os
import shutil
import subprocess
import sys

NEEDED = (3, 12)


def _version(text):
    try:
        return tuple(int(part) for part in text.split(".")[:2])
    except ValueError:
        return (0, 0)


def alternatives():
    """What to write for ``python3`` here: commands that start a Python >= 3.12, best first."""
    found = []
    for name in ("python3.13", "python3.12"):
        path = shutil.which(name)
        if path and "/.pyenv/shims/" not in path.replace(os.sep, "/"):
            found.append(name)
    if shutil.which("pyenv"):
        try:
            listed = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True,
                                    timeout=10).stdout.split()
        except (OSError, subprocess.SubprocessError):
            listed = []
        versions = sorted((v for v in listed if _version(v) >= NEEDED), key=_version, reverse=True)
        found += [f"PYENV_VERSION={v} python3" for v in versions[:2]]
    return found


def message():
    found = alternatives()
    here = ".".join(map(str, sys.version_info[:3]))
    if found:
        return (f"negsim needs Python 3.12 or newer; python3 here is {here}. Run the same command with "
                f"'{found[0]}' in place of each 'python3'" + (f" (or '{found[1]}')" if len(found) > 1 else "") + ".")
    return (f"negsim needs Python 3.12 or newer; python3 here is {here}, and no newer Python was found "
            "(python3.13, python3.12 or a pyenv version). Install one (python.org, your package manager, "
            "or 'pyenv install 3.12') and run the command with it in place of each 'python3'.")


if __name__ == "__main__":
    if sys.version_info[:2] < NEEDED:
        sys.exit(message())
