"""`make bench`: every benchmark in one run. Prints measurements against the targets of
DESIGN.md; nothing here is a test, and nothing fails on a slow machine."""

import platform

import bench_import
import bench_notebooks
import bench_widgets

if __name__ == "__main__":
    print(
        f"nnlab benchmarks on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    for bench in (bench_import, bench_widgets, bench_notebooks):
        print(f"\n# {bench.__doc__.splitlines()[0]}")
        bench.main()
