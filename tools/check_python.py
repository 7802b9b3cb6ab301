"""Is this Python one the course supports? One line and exit 1 if not; a warning if untested.

Run by `make` with the interpreter it is about to build `.venv` from, before pip runs, so an
unsupported Python gets a one-line answer instead of a resolver error. Written to run on any
Python that might be someone's `python3` (no f-strings, no newer syntax).

    python3 tools/check_python.py [NAME [TARGET]]    (NAME: how the user called it, e.g. python3)

SUPPORTED maps each supported minor version to the oldest patch release checked, the one a
mainstream distribution ships; `tools/pins.py check` proves every pin installs from there on.
"""

import sys

SUPPORTED = {
    (3, 10): (3, 10, 12),  # Ubuntu 22.04
    (3, 11): (3, 11, 2),  # Debian 12
    (3, 12): (3, 12, 3),  # Ubuntu 24.04
    (3, 13): (3, 13, 0),  # Fedora 41, Ubuntu 24.10
}
WHY_NOT_NEWER = "TensorFlow 2.21, the version pinned, has no wheels for newer ones"


def dotted(version):
    return ".".join(str(part) for part in version)


def supported_names():
    names = [dotted(minor) for minor in sorted(SUPPORTED)]
    return ", ".join(names[:-1]) + " and " + names[-1]


def verdict(version, name="python3", target="lab"):
    """(exit code, message) for an interpreter of `version` (a (major, minor, micro) tuple)."""
    minor = tuple(version[:2])
    if minor not in SUPPORTED:
        too_new = minor > max(SUPPORTED)
        return 1, (
            "nnlab supports Python %s%s; %s is Python %s. Run: make PYTHON=python3.12 %s"
            % (
                supported_names(),
                " (" + WHY_NOT_NEWER + ")" if too_new else "",
                name,
                dotted(version),
                target,
            )
        )
    floor = SUPPORTED[minor]
    if tuple(version[:3]) < floor:
        return 0, (
            "Warning: Python %s is older than the releases tested (%s); if the install fails, "
            "use a newer Python %s or run: make PYTHON=python3.12 %s"
            % (
                dotted(version),
                ", ".join(dotted(SUPPORTED[m]) + "+" for m in sorted(SUPPORTED)),
                dotted(minor),
                target,
            )
        )
    return 0, ""


if __name__ == "__main__":
    code, message = verdict(tuple(sys.version_info[:3]), *sys.argv[1:3])
    if message:
        sys.stderr.write(message + "\n")
    sys.exit(code)
