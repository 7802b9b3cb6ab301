"""Grading one notebook for one student with `make grade` (nbgrader: course set-up, autograde
with hidden tests, feedback page), for every notebook (target ≤ 30 s each)."""

import pathlib
import shutil
import tempfile
import time

from nnlab import grading

ROOT = pathlib.Path(__file__).resolve().parent.parent


def time_grading(name, work):
    """Seconds to grade ``name`` for one student who hands in the instructor's notebook."""
    submissions = work / name / "submissions"
    (submissions / "student").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", submissions / "student")
    start = time.perf_counter()
    assignments, results = grading.grade(
        submissions, ROOT / "notebooks", work / name / "build", only=[name], progress=lambda _: None
    )
    seconds = time.perf_counter() - start
    got = sum(results[0].points.values())
    total = sum(e.points for e in assignments[0].exercises)
    return seconds, f"{got:g}/{total:g} points"


def main():
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
            name = path.stem
            seconds, points = time_grading(name, pathlib.Path(folder))
            verdict = "ok" if seconds <= 30 else "MISSED"
            print(f"grade {name:<22} {seconds:6.1f} s   target ≤ 30 s   {verdict}   ({points})")


if __name__ == "__main__":
    main()
