"""Check and re-freeze `constraints.txt` for every supported Python patch release.

    .venv/bin/python tools/pins.py check [--constraints FILE]
    .venv/bin/python tools/pins.py freeze --python python3.10 --python python3.11 ... > FILE

`check` reads each pinned release's files from the package index (PEP 691 JSON: file names and
`Requires-Python`, no downloads) and fails when a pin has no file that installs on one of the
supported patch releases: every release from the floor in `tools/check_python.py` (the one a
mainstream distribution ships) up to `LAST_PATCH`, each judged with the markers of its own minor
version. pip's `--python-version` could answer the same question, but it downloads every wheel
(TensorFlow is 570 MB per Python version), stops at the first failure, and evaluates markers for
the running interpreter.

`freeze` resolves the project's dependencies once per supported minor version, with a real
interpreter of that version but for the floor patch release (`pip install --dry-run --report
--python-version FLOOR`), and merges the results into one file with `python_version` markers where
the versions differ.
"""

import argparse
import functools
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

from packaging import tags
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_python import SUPPORTED, dotted

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAST_PATCH = 30  # check patch releases up to X.Y.30: beyond any release so far
INDEX = "https://pypi.org/simple/"
HEADER = """\
# Exact versions for `make`, CI and environment.yml, so committed notebook outputs reproduce.
# Supported: Python {supported}, each from the patch release named in tools/check_python.py.
# Re-freeze after editing pyproject.toml, with one interpreter per supported minor version:
#   .venv/bin/python tools/pins.py freeze {pythons} > constraints.new
#   mv constraints.new constraints.txt
#   .venv/bin/python tools/pins.py check   # every pin on every supported patch release (a test too)
#   make clean notebooks test              # rebuild .venv, re-run notebooks, review the output diff
# Each minor version is resolved for its oldest supported patch release (pip --python-version), so a
# pin whose Requires-Python names a later patch (soupsieve 3+ needs 3.11.5) is never chosen.
"""


def releases():
    """Every (minor, full version) pair the pins must install on."""
    for minor, floor in sorted(SUPPORTED.items()):
        for patch in range(floor[2], LAST_PATCH + 1):
            yield minor, (*minor, patch)


def marker_environment(version):
    """The marker variables that depend on the Python version, for `version` (a 3-tuple)."""
    return {"python_version": dotted(version[:2]), "python_full_version": dotted(version)}


def read_pins(text):
    """The `Requirement`s of a constraints file, comments and blank lines skipped."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line]


def pins_for(pins, version):
    """The pins whose markers hold on Python `version`."""
    env = marker_environment(version)
    return [pin for pin in pins if pin.marker is None or pin.marker.evaluate(env)]


def fetch_files(name, index=INDEX):
    """The index's file records for project `name`: dicts with filename, requires-python, yanked.

    Asks for the JSON form of the simple API (PEP 691) and reads the HTML form (PEP 503) when
    that is what the index serves.
    """
    request = urllib.request.Request(
        index.rstrip("/") + "/" + canonicalize_name(name) + "/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"},
    )
    for attempt in range(3):  # a busy resolver or proxy fails now and then: retry before giving up
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read().decode("utf-8")
                content_type = response.headers.get("Content-Type", "")
            break
        except urllib.error.URLError as error:
            if attempt == 2:
                raise IndexUnreachable(f"cannot read {request.full_url}: {error.reason}") from error
            time.sleep(1 + attempt)
    if "json" in content_type:
        return json.loads(body)["files"]
    links = SimpleLinks()
    links.feed(body)
    return links.files


class IndexUnreachable(OSError):
    """The package index did not answer (offline, or a proxy refused)."""


class SimpleLinks(HTMLParser):
    """The file records of a PEP 503 project page: one <a> per file."""

    def __init__(self):
        super().__init__()
        self.files = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self.files.append(
                {
                    "filename": attrs["href"].split("#")[0].rsplit("/", 1)[-1],
                    "requires-python": attrs.get("data-requires-python"),
                    "yanked": "data-yanked" in attrs,
                }
            )


def release_files(files, name, version):
    """The records of `files` that belong to release `version` of `name`, yanked ones left out."""
    chosen = []
    for record in files:
        filename = record["filename"]
        try:
            if filename.endswith(".whl"):
                project, found, _, _ = parse_wheel_filename(filename)
            else:
                project, found = parse_sdist_filename(filename)
        except ValueError:  # eggs, .exe installers and other old formats
            continue
        if project == canonicalize_name(name) and found == version and not record.get("yanked"):
            chosen.append(record)
    return chosen


def installs_on(record, version, supported_tags):
    """Does this file install on CPython `version` (a 3-tuple), given that minor's wheel tags?"""
    requires = record.get("requires-python")
    if requires and not specifier(requires).contains(dotted(version), prereleases=True):
        return False
    if not record["filename"].endswith(".whl"):
        return True  # an sdist builds anywhere its Requires-Python allows
    return not parse_wheel_filename(record["filename"])[3].isdisjoint(supported_tags)


@functools.cache
def specifier(text):
    """A parsed Requires-Python (the same few strings recur thousands of times)."""
    return SpecifierSet(text)


def wheel_tags(minor, platforms):
    """The wheel tags CPython `minor` accepts on `platforms` (what pip's --python-version uses)."""
    interpreter = "cp" + "".join(map(str, minor))
    return {
        *tags.cpython_tags(minor, platforms=platforms),
        *tags.compatible_tags(minor, interpreter, platforms),
    }


def problems(pins, files_by_name, platforms):
    """One line per pin that cannot install on some supported release, naming the releases."""
    records = {}
    for pin in pins:
        (spec,) = pin.specifier  # constraints are exact: name==version
        records[pin] = release_files(files_by_name[pin.name], pin.name, Version(spec.version))
    accepted = {minor: wheel_tags(minor, platforms) for minor in SUPPORTED}
    failures = {}
    for minor, version in releases():
        for pin in pins_for(pins, version):
            if not any(installs_on(r, version, accepted[minor]) for r in records[pin]):
                failures.setdefault(pin, []).append(version)
    report = []
    for pin, versions in failures.items():
        specs = sorted({r.get("requires-python") or "any" for r in records[pin]})
        report.append(
            f"{pin}: no file installs on Python {squeeze(versions)} "
            f"(Requires-Python of its files: {', '.join(specs) or 'no files'})"
        )
    return report


def squeeze(versions):
    """'3.11.2–3.11.4, 3.12.3+' from a list of patch releases (3-tuples)."""
    runs = []
    for version in versions:
        if runs and runs[-1][1][:2] == version[:2] and runs[-1][1][2] + 1 == version[2]:
            runs[-1][1] = version
        else:
            runs.append([version, version])
    return ", ".join(
        dotted(a) + ("+" if b[2] == LAST_PATCH else "" if a == b else "–" + dotted(b))
        for a, b in runs
    )


def check(constraints, index=INDEX):
    """Problems with the pins of `constraints` (a path): an empty list when all install."""
    pins = read_pins(pathlib.Path(constraints).read_text())
    names = sorted({pin.name for pin in pins})
    with ThreadPoolExecutor(max_workers=4) as pool:
        files_by_name = dict(zip(names, pool.map(lambda n: fetch_files(n, index), names)))
    return problems(pins, files_by_name, list(tags.platform_tags()))


def resolve(python, floor):
    """{name: version} that pip resolves for the project on `python`, for patch release `floor`."""
    with tempfile.TemporaryDirectory() as tmp:
        venv, report = pathlib.Path(tmp) / "venv", pathlib.Path(tmp) / "report.json"
        subprocess.run([python, "-m", "venv", venv], check=True)
        pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run(
            [*pip, "install", "--quiet", "--dry-run", "--ignore-installed", "--report", report,
             "--python-version", dotted(floor), "--only-binary=:all:", "-e", f"{ROOT}[course,dev]"],
            check=True,
        )  # fmt: skip
        pip_version = subprocess.run(
            [*pip, "--version"], check=True, capture_output=True, text=True
        ).stdout.split()[1]
        found = {"pip": pip_version}
        for item in json.loads(report.read_text())["install"]:
            name = item["metadata"]["name"]
            if canonicalize_name(name) != "nnlab":
                found[name] = item["metadata"]["version"]
        return found


def merge(resolved):
    """Constraints lines from {minor: {name: version}}, with markers where versions differ."""
    minors = sorted(resolved)
    names = sorted({n for found in resolved.values() for n in found}, key=canonicalize_name)
    names.sort(key=lambda n: canonicalize_name(n) != "pip")  # pip first: make installs it first
    lines = []
    for name in names:
        key = canonicalize_name(name)
        versions = [
            next((v for n, v in resolved[m].items() if canonicalize_name(n) == key), None)
            for m in minors
        ]
        if all(v == versions[0] for v in versions):
            lines.append(f"{name}=={versions[0]}")
            continue
        start = 0
        for end in range(1, len(minors) + 1):
            if end == len(minors) or versions[end] != versions[start]:
                if versions[start] is not None:
                    lines.append(f"{name}=={versions[start]} ; {span(minors, start, end)}")
                start = end
    return lines


def span(minors, start, end):
    """The python_version marker for minors[start:end], open-ended at either end of the list."""
    parts = []
    if start > 0:
        parts.append(f'python_version >= "{dotted(minors[start])}"')
    if end < len(minors):
        parts.append(f'python_version < "{dotted(minors[end])}"')
    marker = " and ".join(parts)
    Marker(marker)  # a malformed marker fails here, not in someone's install
    return marker


def freeze(pythons):
    resolved = {}
    for python in pythons:
        found = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            check=True, capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        minor = tuple(map(int, found))
        if minor not in SUPPORTED:
            sys.exit(f"{python} is Python {dotted(minor)}, not one of the supported versions")
        print(f"resolving for Python {dotted(SUPPORTED[minor])} with {python} …", file=sys.stderr)
        resolved[minor] = resolve(python, SUPPORTED[minor])
    missing = sorted(set(SUPPORTED) - set(resolved))
    if missing:
        names = ", ".join(dotted(m) for m in missing)
        sys.exit(f"pass one --python for each supported version; missing: Python {names}")
    return header() + "\n".join(merge(resolved)) + "\n"


def header():
    """The comment block at the top of constraints.txt: what it is and how to re-freeze it."""
    supported = ", ".join(dotted(m) for m in sorted(SUPPORTED))
    flags = " ".join(f"--python python{dotted(m)}" for m in sorted(SUPPORTED))
    return HEADER.format(supported=supported, pythons=flags)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="every pin installs on every supported release")
    checking.add_argument("--constraints", default=str(ROOT / "constraints.txt"))
    checking.add_argument("--index", default=INDEX)
    freezing = commands.add_parser("freeze", help="print new constraints for pyproject.toml")
    freezing.add_argument("--python", action="append", required=True, help="one per minor")
    args = parser.parse_args(argv)
    if args.command == "freeze":
        sys.stdout.write(freeze(args.python))
        return 0
    found = check(args.constraints, args.index)
    for line in found:
        print(line)
    releases_checked = ", ".join(f"{dotted(f)}+" for f in (SUPPORTED[m] for m in sorted(SUPPORTED)))
    print(f"{len(found)} pin(s) fail on Python {releases_checked}" if found else "all pins install")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
