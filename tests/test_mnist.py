"""load_mnist downloads once into its cache and then only reads it, checks the file's SHA-256,
leaves no half file behind when anything fails, and says what to do offline. No test touches
the network: a tiny file in Keras' mnist.npz format is served from tmp_path with a file:// URL,
and failures come from a stand-in for urllib's urlopen."""

import hashlib
import importlib.util
import pathlib
import urllib.error
import urllib.request

import numpy as np
import pytest

from nnlab.datasets import MNIST_SHA256, MNIST_URL, load_mnist


@pytest.fixture
def source(tmp_path):
    """A tiny mnist.npz (3 training and 2 test images of 28×28, uint8 as Keras stores them),
    its file:// URL, its SHA-256 and the arrays in it."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        "y_train": np.array([5, 0, 4], dtype=np.uint8),
        "x_test": rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8),
        "y_test": np.array([7, 2], dtype=np.uint8),
    }
    path = tmp_path / "server" / "mnist.npz"
    path.parent.mkdir()
    np.savez(path, **arrays)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return path.as_uri(), sha256, arrays


@pytest.fixture
def urlopen_calls(monkeypatch):
    """The URLs urlopen was asked for, while still really opening them (file:// only here)."""
    calls, real_urlopen = [], urllib.request.urlopen

    def counting_urlopen(url, *args, **kwargs):
        calls.append(url)
        return real_urlopen(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", counting_urlopen)
    return calls


def test_the_first_call_downloads_into_the_cache_and_the_second_only_reads_it(
    source, urlopen_calls, tmp_path
):
    url, sha256, arrays = source
    cache = tmp_path / "cache" / "nested"  # created on the way
    (x_train, y_train), (x_test, y_test) = load_mnist(cache, url=url, sha256=sha256)
    assert urlopen_calls == [url]
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # and no .part file
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(x_test, arrays["x_test"])
    assert x_train.dtype == np.uint8 and x_train.shape == (3, 28, 28)
    assert y_train.dtype == y_test.dtype == np.int64 and y_train.tolist() == [5, 0, 4]
    assert y_test.tolist() == [7, 2]

    again = load_mnist(str(cache), url=url, sha256=sha256)
    assert urlopen_calls == [url]  # read from the cache: no second download
    np.testing.assert_array_equal(again[0][0], x_train)


def test_normalize_and_flatten(source, tmp_path):
    url, _, arrays = source
    (x_train, _), (x_test, _) = load_mnist(tmp_path, url=url, sha256=None, normalize=True)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1
    np.testing.assert_allclose(x_test * 255, arrays["x_test"], rtol=1e-6)
    (x_train, _), (x_test, _) = load_mnist(tmp_path, url=url, sha256=None, flatten=True)
    assert x_train.shape == (3, 784) and x_test.shape == (2, 784) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train[1], arrays["x_train"][1].ravel())


def test_the_default_cache_is_nnlab_data_or_the_home_cache(source, tmp_path, monkeypatch):
    url, sha256, _ = source
    monkeypatch.setenv("NNLAB_DATA", str(tmp_path / "data"))
    load_mnist(url=url, sha256=sha256)
    assert (tmp_path / "data" / "mnist.npz").is_file()
    monkeypatch.delenv("NNLAB_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    load_mnist(url=url, sha256=sha256)
    assert (tmp_path / "home" / ".cache" / "nnlab" / "mnist" / "mnist.npz").is_file()


def test_a_download_with_the_wrong_hash_is_refused_and_not_kept(source, tmp_path):
    url, _, _ = source
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=r"downloaded from .* is not the expected MNIST file"):
        load_mnist(cache, url=url, sha256="0" * 64)
    assert list(cache.iterdir()) == []


def test_a_damaged_cached_file_names_the_file_to_delete(source, tmp_path, urlopen_calls):
    url, sha256, _ = source
    cache = tmp_path / "cache"
    load_mnist(cache, url=url, sha256=sha256)
    path = cache / "mnist.npz"
    path.write_bytes(path.read_bytes()[:100])  # cut short, as by a crash in another tool
    message = rf"The cached MNIST file {path} is damaged .*: delete it, and load_mnist\(\) "
    with pytest.raises(ValueError, match=message):
        load_mnist(cache, url=url, sha256=sha256)
    with pytest.raises(ValueError, match=rf"The cached MNIST file {path} cannot be read .*delete"):
        load_mnist(cache, url=url, sha256=None)  # without the hash, np.load notices
    assert len(urlopen_calls) == 1  # a damaged cache is reported, never silently replaced


def test_offline_the_error_names_the_url_the_reason_and_the_way_out(tmp_path, monkeypatch):
    def offline(url, *args, **kwargs):
        raise urllib.error.URLError(OSError(101, "Network is unreachable"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    cache = tmp_path / "cache"
    with pytest.raises(ConnectionError) as caught:
        load_mnist(cache)
    assert str(caught.value) == (
        f"Could not download MNIST from {MNIST_URL} ([Errno 101] Network is unreachable). "
        "The course runs offline with nnlab.datasets.load_digits(); or put mnist.npz in "
        f"{cache}."
    )
    assert isinstance(caught.value, OSError) and list(cache.iterdir()) == []


def test_a_download_cut_off_halfway_leaves_no_partial_file(tmp_path, monkeypatch):
    class CutOff:
        """A response that delivers 1 kB and then loses the connection."""

        sent = False

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def read(self, size=-1):
            if self.sent:
                raise ConnectionResetError(104, "Connection reset by peer")
            self.sent = True
            return b"\0" * 1024

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, *a, **k: CutOff())
    cache = tmp_path / "cache"
    with pytest.raises(ConnectionError, match=r"Could not download MNIST .*Connection reset"):
        load_mnist(cache, url="https://example.invalid/mnist.npz")
    assert list(cache.iterdir()) == []


def test_a_missing_source_is_a_download_error(tmp_path):
    missing = (tmp_path / "nowhere" / "mnist.npz").as_uri()
    with pytest.raises(ConnectionError, match=rf"Could not download MNIST from {missing} \("):
        load_mnist(tmp_path / "cache", url=missing, sha256=None)
    assert list((tmp_path / "cache").iterdir()) == []


def test_the_default_url_and_hash_are_keras_own():
    spec = importlib.util.find_spec("keras")  # finds the package without importing TensorFlow
    if spec is None:
        pytest.skip("Keras is not installed")
    keras_mnist = pathlib.Path(spec.origin).parent / "src" / "datasets" / "mnist.py"
    text = keras_mnist.read_text()
    assert MNIST_SHA256 in text
    folder, name = MNIST_URL.rsplit("/", 1)
    assert f'"{folder}/"' in text and name == "mnist.npz"
