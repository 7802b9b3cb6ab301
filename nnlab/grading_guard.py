"""What a submission's code may not do while ``make grade`` runs it: an audit hook in the kernel.

nbgrader runs every submission in a Jupyter kernel as the grader's own user, so without this a
student's cell could open the instructor notebooks (solutions and hidden tests), the gradebook,
or another student's files. ``nnlab.grading`` starts each grading kernel with :func:`install`,
which adds a :func:`sys.addaudithook` hook (it cannot be removed once added) that refuses:

- opening, listing, renaming or deleting anything under the folders named in the
  ``NNLAB_GRADING_PROTECT`` environment variable (``os.pathsep``-separated: the course
  directory, the instructor notebooks, the submissions), except the kernel's own working
  directory (the student's copy being graded);
- starting programs (``subprocess``, ``os.system``, ``os.exec*``, ``os.fork``, ``pty``), loading
  C libraries with ``ctypes``, and walking the interpreter's objects with ``gc``, the usual ways
  around the first rule.

This is a guard against the obvious attempts, not a sandbox: Python's audit hooks are not a
security boundary (PEP 578), and code that knows CPython's internals can get past them. For a
hostile class, run ``make grade`` as a separate user or in a container that holds nothing else.
"""

import os
import sys

PROTECT_ENV = "NNLAB_GRADING_PROTECT"
# Audit events that name paths, and the positions of the path arguments.
PATH_EVENTS = {
    "open": (0,),
    "os.listdir": (0,),
    "os.scandir": (0,),
    "glob.glob": (0,),
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.truncate": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (0, 1),
}
REFUSED = {
    "subprocess.Popen": "starting programs",
    "os.system": "starting programs",
    "os.exec": "starting programs",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "os.fork": "starting programs",
    "os.forkpty": "starting programs",
    "pty.spawn": "starting programs",
    "ctypes.dlopen": "loading C libraries with ctypes",
    "gc.get_objects": "walking the interpreter's objects",
    "gc.get_referrers": "walking the interpreter's objects",
    "gc.get_referents": "walking the interpreter's objects",
}


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def install(protected=None, allowed=None):
    """Add the audit hook: refuse the ``protected`` folders (default: from the environment)
    except ``allowed`` (default: the working directory), and the events of ``REFUSED``."""
    if protected is None:
        protected = [p for p in os.environ.get(PROTECT_ENV, "").split(os.pathsep) if p]
    protected = tuple(os.path.realpath(p) for p in protected)
    allowed = os.path.realpath(allowed or os.getcwd())
    # What the imports of a course notebook do once, done before the hook can refuse them:
    # ctypes opens the interpreter itself, and platform asks `uname -p` for the processor.
    import ctypes  # noqa: F401
    import platform

    platform.processor()

    def refused(path):
        if isinstance(path, int) or path is None:
            return False
        path = os.path.realpath(os.fsdecode(path))
        return not _inside(path, allowed) and any(_inside(path, p) for p in protected)

    def hook(event, args):
        if event in PATH_EVENTS:
            for position in PATH_EVENTS[event]:
                if position < len(args) and refused(args[position]):
                    raise PermissionError(
                        f"nnlab grading: {args[position]!s} may not be read or changed "
                        "while homework is graded"
                    )
        elif event in REFUSED:
            raise PermissionError(
                f"nnlab grading: {REFUSED[event]} is not allowed while homework is graded"
            )

    sys.addaudithook(hook)
