"""What a submission's code may not do while ``make grade`` runs it: an audit hook in the kernel.

nbgrader runs every submission in a Jupyter kernel as the grader's own user, so without this a
student's cell could open the instructor notebooks (solutions and hidden tests), the gradebook,
or another student's files, or change nnlab's own code for the students graded after them.
``nnlab.grading`` starts each grading kernel with :func:`install`, which adds a
:func:`sys.addaudithook` hook (it cannot be removed once added) that refuses:

- reading, listing, linking or opening as a database anything under the folders named in the
  ``NNLAB_GRADING_PROTECT`` environment variable (``os.pathsep``-separated: the course
  directory, the instructor notebooks, the submissions), except the kernel's own working
  directory (the student's copy being graded);
- writing, creating, renaming or deleting anything outside that working directory and a
  temporary folder of the kernel's own, made at start-up (``tempfile`` and ``TMPDIR`` point
  there), so not nnlab's code, the virtual environment or IPython's start-up files, wherever
  they are;
- starting programs (``subprocess``, ``os.system``, ``os.exec*``, ``os.fork``, ``pty``), calling C
  functions through ``ctypes``, and walking the interpreter's objects with ``gc``, the usual
  ways around the first two rules.

This is a guard against the obvious attempts, not a sandbox: Python's audit hooks are not a
security boundary (PEP 578), and code that knows CPython's internals (``_posixsubprocess``, a
C extension of its own) can get past them. For a hostile class, run ``make grade`` as a
separate user or in a container that holds nothing else.
"""

import os
import sys

PROTECT_ENV = "NNLAB_GRADING_PROTECT"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Audit events that read a path (refused inside the protected folders), and the positions of
# their path arguments; and events that change one (refused outside the kernel's own folder and
# the temporary folder). "open" is either, by its flags; a database may be read and written.
READ_EVENTS = {
    "open": (0,),
    "os.listdir": (0,),
    "os.scandir": (0,),
    "glob.glob": (0,),
    "os.link": (0,),
    "os.symlink": (0,),
    "shutil.copyfile": (0,),
    "sqlite3.connect": (0,),
}
WRITE_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (1,),
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "sqlite3.connect": (0,),
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
    "ctypes.dlopen": "calling C functions with ctypes",
    "ctypes.dlsym": "calling C functions with ctypes",
    "ctypes.dlsym/handle": "calling C functions with ctypes",
    "ctypes.call_function": "calling C functions with ctypes",
    "gc.get_objects": "walking the interpreter's objects",
    "gc.get_referrers": "walking the interpreter's objects",
    "gc.get_referents": "walking the interpreter's objects",
}


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def install(protected=None, allowed=None):
    """Add the audit hook: no reading in the ``protected`` folders (default: from the
    environment) but in ``allowed`` (default: the working directory), no writing but in
    ``allowed`` and a new temporary folder, and none of the events of ``REFUSED``."""
    import atexit
    import shutil
    import tempfile

    if protected is None:
        protected = [p for p in os.environ.get(PROTECT_ENV, "").split(os.pathsep) if p]
    protected = tuple(os.path.realpath(p) for p in protected)
    allowed = os.path.realpath(allowed or os.getcwd())
    # A temporary folder of the kernel's own (not all of /tmp, which may hold nnlab itself),
    # in TMPDIR as the grader set it (nnlab.grading: a folder of its build, gone next run).
    private = tempfile.mkdtemp(prefix="nnlab-grading-")
    tempfile.tempdir = os.environ["TMPDIR"] = private
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    writable = (allowed, os.path.realpath(private))
    # What the imports of a course notebook do once, done before the hook can refuse them:
    # ctypes opens the interpreter itself, and platform asks `uname -p` for the processor.
    import ctypes  # noqa: F401
    import platform

    platform.processor()

    def resolved(path):
        if isinstance(path, int) or path is None or path in (":memory:", "", b""):
            return None
        path = os.fsdecode(path)
        if path.startswith("file:"):  # an SQLite URI: file:/path/db?mode=ro
            path = path.removeprefix("file:").partition("?")[0].removeprefix("//localhost")
        return os.path.realpath(path)

    def refuse(path, what):
        raise PermissionError(
            f"nnlab grading: {what} {os.fsdecode(path)} is not allowed while homework is graded"
        )

    def hook(event, args):
        if event in READ_EVENTS:
            for position in READ_EVENTS[event]:
                path = resolved(args[position]) if position < len(args) else None
                mine = path and any(_inside(path, p) for p in writable)
                if path and not mine and any(_inside(path, p) for p in protected):
                    refuse(args[position], "reading")
        if event in WRITE_EVENTS or (event == "open" and _writes(args)):
            for position in WRITE_EVENTS.get(event, (0,)):
                path = resolved(args[position]) if position < len(args) else None
                if path and not any(_inside(path, p) for p in writable):
                    refuse(args[position], "changing")
        elif event in REFUSED:
            raise PermissionError(
                f"nnlab grading: {REFUSED[event]} is not allowed while homework is graded"
            )

    sys.addaudithook(hook)


def _writes(args):
    """Whether an "open" event's (path, mode, flags) open for writing."""
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    return bool(isinstance(flags, int) and flags & WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+")
    )
