"""`import nnlab` stays light: NumPy only, no TensorFlow, matplotlib or ipywidgets."""

import subprocess
import sys


def test_import_nnlab_pulls_in_no_heavy_package():
    code = (
        "import sys, nnlab\n"
        "heavy = ('tensorflow', 'keras', 'matplotlib', 'ipywidgets')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
