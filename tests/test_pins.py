"""The pins install on every supported Python patch release, and `make` refuses the others.

The index test reads the package index (PEP 503/691 pages, no downloads). Offline it skips,
unless ``NNLAB_REQUIRE_NETWORK=1`` (CI), which turns the skip into a failure.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import check_python
import pins
import pytest
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parent.parent

LINUX = ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "linux_x86_64"]


def record(filename, requires=None, yanked=False):
    return {"filename": filename, "requires-python": requires, "yanked": yanked}


def run_problems(lines, files_by_name):
    return pins.problems(pins.read_pins("\n".join(lines)), files_by_name, LINUX)


def test_a_patch_level_requires_python_is_caught_on_the_patch_releases_it_excludes():
    # Today's failure on Debian 12: soupsieve 4.1.1 needs 3.11.5, pinned for every 3.11.
    files = {"soupsieve": [record("soupsieve-4.1.1-py3-none-any.whl", ">=3.11.5")]}
    (problem,) = run_problems(['soupsieve==4.1.1 ; python_version >= "3.11"'], files)
    assert "soupsieve==4.1.1" in problem
    assert "3.11.2–3.11.4" in problem  # 3.11.5 and later, 3.12 and 3.13 install it
    assert "3.12" not in problem and "3.10" not in problem  # 3.10 is outside the marker


def test_a_pin_that_fits_every_release_passes():
    files = {"soupsieve": [record("soupsieve-2.10-py3-none-any.whl", ">=3.9")]}
    assert run_problems(["soupsieve==2.10"], files) == []


def test_each_release_is_judged_by_the_markers_of_its_own_minor_version():
    files = {
        "numpy": [
            record("numpy-2.2.6-cp310-cp310-manylinux_2_17_x86_64.whl", ">=3.10"),
            record("numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl", ">=3.11"),
            record("numpy-2.4.6-cp312-cp312-manylinux_2_28_x86_64.whl", ">=3.11"),
            record("numpy-2.4.6-cp313-cp313-manylinux_2_28_x86_64.whl", ">=3.11"),
        ]
    }
    lines = ['numpy==2.2.6 ; python_version < "3.11"', 'numpy==2.4.6 ; python_version >= "3.11"']
    assert run_problems(lines, files) == []
    # Without markers, numpy 2.4.6 would be asked to install on 3.10, and 2.2.6 on 3.11+.
    problems = run_problems(["numpy==2.4.6"], files)
    assert problems and "3.10.12+" in problems[0]


def test_missing_wheels_yanked_files_and_sdists():
    cp314_only = {"tensorflow": [record("tensorflow-9.0-cp314-cp314-manylinux_2_28_x86_64.whl")]}
    (problem,) = run_problems(["tensorflow==9.0"], cp314_only)
    assert "3.10.12+, 3.11.2+, 3.12.3+, 3.13.0+" in problem
    yanked = {"six": [record("six-1.17.0-py2.py3-none-any.whl", yanked=True)]}
    assert run_problems(["six==1.17.0"], yanked)
    sdist = {"fqdn": [record("fqdn-1.6.0.tar.gz", ">=2.7, !=3.0, !=3.1")]}
    assert run_problems(["fqdn==1.6.0"], sdist) == []
    abi3 = {"cffi": [record("cffi-2.1.1-cp39-abi3-manylinux_2_17_x86_64.whl", ">=3.9")]}
    assert run_problems(["cffi==2.1.1"], abi3) == []


def test_merge_writes_markers_only_where_versions_differ():
    resolved = {
        (3, 10): {"pip": "26.3", "numpy": "2.2.6", "tomli": "2.5.0"},
        (3, 11): {"pip": "26.3", "numpy": "2.4.6"},
        (3, 12): {"pip": "26.3", "numpy": "2.4.6"},
        (3, 13): {"pip": "26.3", "numpy": "2.5.0"},
    }
    assert pins.merge(resolved) == [
        "pip==26.3",
        'numpy==2.2.6 ; python_version < "3.11"',
        'numpy==2.4.6 ; python_version >= "3.11" and python_version < "3.13"',
        'numpy==2.5.0 ; python_version >= "3.13"',
        'tomli==2.5.0 ; python_version < "3.11"',
    ]
    merged = pins.read_pins("\n".join(pins.merge(resolved)))
    for minor, found in resolved.items():
        chosen = {p.name: str(p.specifier) for p in pins.pins_for(merged, (*minor, 5))}
        assert chosen == {name: f"=={version}" for name, version in found.items()}


@pytest.mark.network
def test_every_pin_installs_on_every_supported_patch_release():
    try:
        found = pins.check(ROOT / "constraints.txt")
    except pins.IndexUnreachable as error:
        if os.environ.get("NNLAB_REQUIRE_NETWORK") == "1":
            raise
        pytest.skip(f"package index unreachable: {error}")
    assert found == [], "\n".join(found)


@pytest.mark.network
def test_the_index_check_catches_the_pin_that_broke_debian_12(tmp_path):
    old = tmp_path / "constraints.txt"
    old.write_text('beautifulsoup4==4.15.0\nsoupsieve==4.1.1 ; python_version >= "3.11"\n')
    try:
        (problem,) = pins.check(old)
    except pins.IndexUnreachable as error:
        if os.environ.get("NNLAB_REQUIRE_NETWORK") == "1":
            raise
        pytest.skip(f"package index unreachable: {error}")
    assert problem.startswith(str(Requirement('soupsieve==4.1.1 ; python_version >= "3.11"')))
    assert "3.11.2–3.11.4" in problem


@pytest.mark.parametrize(
    ("version", "code", "wording"),
    [
        ((3, 9, 18), 1, "nnlab supports Python 3.10, 3.11, 3.12 and 3.13; python3 is Python 3.9"),
        ((3, 14, 0), 1, "has no wheels for newer ones"),
        ((2, 7, 18), 1, "Run: make PYTHON=python3.12 lab"),
        ((3, 11, 1), 0, "Warning: Python 3.11.1 is older than the releases tested"),
        ((3, 11, 2), 0, ""),
        ((3, 13, 9), 0, ""),
    ],
)
def test_check_python_verdicts(version, code, wording):
    found_code, message = check_python.verdict(version, "python3", "lab")
    assert found_code == code
    assert wording in message and bool(message) == bool(wording)
    assert "\n" not in message


def fake_python(tmp_path, version):
    """An interpreter that reports `version` to tools/check_python.py, and fails if used further."""
    fake = tmp_path / f"python{version[0]}.{version[1]}"
    fake.write_text(
        "#!/bin/sh\n"
        f'case "$1" in *check_python.py) ;; *) echo "fake python used for $*" >&2; exit 99;; esac\n'
        f"exec {sys.executable} -c 'import runpy, sys; "
        f"sys.version_info = {tuple(version)!r}; sys.argv = sys.argv[1:]; "
        'runpy.run_path(sys.argv[0], run_name="__main__")\' "$@"\n'
    )
    fake.chmod(0o755)
    return fake


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("version", [(3, 14, 0), (3, 9, 18)])
def test_make_stops_with_one_line_before_pip_runs(tmp_path, version):
    python = fake_python(tmp_path, version)
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "--no-print-directory", "lab", f"PYTHON={python}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert len(lines) == 1, result.stderr
    assert f"is Python {'.'.join(map(str, version))}" in lines[0]
    assert "make PYTHON=python3.12 lab" in lines[0]
    assert not venv.exists()  # stopped before building anything


def test_the_constraints_header_is_the_one_freeze_writes():
    assert (ROOT / "constraints.txt").read_text().startswith(pins.header())
