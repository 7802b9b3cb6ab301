"""One training epoch of the notes' MNIST network, nnlab against Keras (target: ratio ≤ 0.5).

The network of the course notes (``002``): 784-128-128-10, ReLU, softmax, sparse categorical
cross-entropy, Adam, batch 128, float32, on 60 000 samples of MNIST's shape (random pixels and
labels: the time of an epoch does not depend on what the numbers are, and nothing downloads).

Fair by construction: both sides run in this one process, on the same data, with the same
number of threads (NumPy's BLAS through OPENBLAS_NUM_THREADS, set before NumPy loads;
TensorFlow's intra- and inter-op pools), and both start from the same weights. Keras' own
defaults are kept, ``jit_compile="auto"`` included (its effective value is printed). Each side
first trains a warm-up epoch, not timed (Keras traces and compiles its step function there);
then the timed epochs alternate, nnlab, Keras, nnlab, …, so a slow spell of the machine hits
both. Printed: each side's median and the ratio. Peak memory is measured in two fresh child
processes, one per side, as the peak growth of the resident set during one epoch.

Run alone: ``python benchmarks/mlp_vs_keras.py [--repeats 5] [--threads N]``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

N_SAMPLES, SIZES, BATCH = 60_000, [784, 128, 128, 10], 128


def _set_threads(threads):
    """Before NumPy and TensorFlow load: the BLAS pools of both sides get ``threads``."""
    for name in (
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "TF_NUM_INTRAOP_THREADS",
        "TF_NUM_INTEROP_THREADS",
    ):
        os.environ[name] = str(threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((N_SAMPLES, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], N_SAMPLES)
    return X, y


def _models(threads):
    """(nnlab MLP, compiled Keras twin with the same starting weights, TensorFlow)."""
    from nnlab.network import MLP
    from nnlab.tf_bridge import import_tensorflow, to_keras

    tf = import_tensorflow()  # its thread pools read TF_NUM_INTRAOP_THREADS / _INTEROP_
    import keras

    mlp = MLP(SIZES, activation="relu", output_activation="softmax", rng=0, dtype="float32")
    model = to_keras(mlp)
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    return mlp, model, tf


def _epoch_functions(mlp, model, X, y):
    from nnlab.optimizers import Adam
    from nnlab.tf_bridge import quiet_stderr

    optimizer = Adam()

    def nnlab_epoch():
        mlp.fit(
            X,
            y,
            loss="sparse_categorical_crossentropy",
            optimizer=optimizer,
            batch_size=BATCH,
            epochs=1,
            verbose=0,
        )

    def keras_epoch():
        with quiet_stderr():
            model.fit(X, y, batch_size=BATCH, epochs=1, verbose=0)

    return {"nnlab": nnlab_epoch, "Keras": keras_epoch}


def _peak_growth_mb(side, threads):
    """Peak RSS growth (MB) of one epoch of ``side``, measured in a fresh child process."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-of", side, "--threads", str(threads)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _resident_mb():
    """The process's resident set size now, in MB (Linux: /proc/self/statm, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _memory_child(side, threads):
    """Print the peak growth of the resident set during one epoch, sampled every millisecond
    by a thread (the same measure for both sides: tracemalloc cannot see TensorFlow's memory)."""
    import threading

    X, y = _data()
    mlp, model, _ = _models(threads)
    _epoch_functions(mlp, model, X[: BATCH * 4], y[: BATCH * 4])[side]()  # warm-up
    run = _epoch_functions(mlp, model, X, y)[side]
    baseline, peak, done = _resident_mb(), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _resident_mb() - baseline)
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    run()
    done.set()
    sampler.join()
    print(f"{peak[0]:.1f}")


def main(repeats=5, threads=None, memory=True):
    threads = threads or os.cpu_count()
    _set_threads(threads)
    X, y = _data()
    mlp, model, tf = _models(threads)
    epochs = _epoch_functions(mlp, model, X, y)
    for run in epochs.values():
        run()  # warm-up epoch, not timed
    times = {side: [] for side in epochs}
    for _ in range(repeats):
        for side, run in epochs.items():
            start = time.perf_counter()
            run()
            times[side].append(time.perf_counter() - start)
    medians = {side: statistics.median(seconds) for side, seconds in times.items()}
    ratio = medians["nnlab"] / medians["Keras"]
    print(
        f"{SIZES} ReLU/softmax, Adam, batch {BATCH}, float32, {N_SAMPLES:,} samples; "
        f"{threads} threads each (OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
        f"TF_NUM_INTRAOP_THREADS={os.environ['TF_NUM_INTRAOP_THREADS']}); "
        f"Keras jit_compile={model.jit_compile!r} (its default), "
        f"TensorFlow {tf.__version__}"
    )
    for side, seconds in times.items():
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"  {side:<6} epoch median {medians[side]:.2f} s   ({repeats} epochs: {shown})")
    verdict = "ok" if ratio <= 0.5 else "MISSED"
    print(f"  nnlab / Keras epoch-time ratio {ratio:.2f}   target ≤ 0.50   {verdict}")
    if memory:
        growth = {side: _peak_growth_mb(side, threads) for side in epochs}
        print(
            "  peak memory growth during one epoch: "
            + "   ".join(f"{side} {mb:.1f} MB" for side, mb in growth.items())
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-of", choices=["nnlab", "Keras"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        _set_threads(args.threads)
        _memory_child(args.memory_of, args.threads)
    else:
        main(args.repeats, args.threads)
