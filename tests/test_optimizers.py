"""Optimizers' gradient clipping against Keras' (clipvalue, clipnorm, global_clipnorm): the same
gradients give the same step; and the errors bad clipping settings get. (Step-for-step parity of
SGD and Adam themselves is in test_network.py, through fit.)"""

import numpy as np
import pytest

from nnlab.optimizers import SGD, Adam

CLIPPING = [
    {"clipvalue": 0.25},
    {"clipnorm": 0.5},
    {"global_clipnorm": 0.75},
]


def _params_and_grads(rng):
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1))]
    grads = [2 * rng.normal(size=p.shape) for p in params]
    grads[1][:] = 0.01  # one small gradient: clipnorm leaves it, global_clipnorm scales it
    return params, grads


@pytest.mark.tf
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("clipping", CLIPPING, ids=lambda c: next(iter(c)))
def test_clipped_steps_equal_keras(kind, clipping, rng, tf):
    import keras

    params, grads = _params_and_grads(rng)
    settings = {"learning_rate": 2**-4, **clipping}
    if kind == "Adam":  # Keras keeps these in float32: values float32 holds exactly
        settings.update(beta_1=0.875, beta_2=1 - 2**-7, epsilon=2**-23)
    ours = {"SGD": SGD, "Adam": Adam}[kind](**settings)
    theirs = getattr(keras.optimizers, kind)(**settings)
    variables = [keras.Variable(p, dtype="float64") for p in params]
    for _ in range(3):
        ours.step(params, grads)
        theirs.apply_gradients(
            [(tf.constant(g, dtype=tf.float64), v) for g, v in zip(grads, variables)]
        )
    for p, v in zip(params, variables):
        np.testing.assert_allclose(p, np.asarray(v), rtol=1e-10, atol=1e-13)


def test_clipping_does_what_its_name_says(rng):
    _, grads = _params_and_grads(rng)
    by_value = SGD(clipvalue=0.25).clip(grads)
    assert max(np.abs(g).max() for g in by_value) == 0.25
    by_norm = SGD(clipnorm=0.5).clip(grads)
    np.testing.assert_allclose([np.linalg.norm(g) for g in by_norm[::2]], 0.5)
    np.testing.assert_array_equal(by_norm[1], grads[1])  # its norm is below 0.5: unchanged
    by_global = SGD(global_clipnorm=0.75).clip(grads)
    total = np.sqrt(sum(np.sum(g**2) for g in by_global))
    assert total == pytest.approx(0.75)
    scale = by_global[0] / grads[0]
    np.testing.assert_allclose(by_global[1], grads[1] * scale.flat[0])  # one common factor


def test_clipping_leaves_the_callers_gradients_alone(rng):
    params, grads = _params_and_grads(rng)
    before = [g.copy() for g in grads]
    for g in grads:
        g.setflags(write=False)
    SGD(clipnorm=0.5).step(params, grads)
    for g, b in zip(grads, before):
        np.testing.assert_array_equal(g, b)


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"clipnorm": 0}, r"'clipnorm' must be > 0; got 0"),
        ({"clipvalue": -1.0}, r"'clipvalue' must be > 0; got -1.0"),
        ({"global_clipnorm": 0.0}, r"'global_clipnorm' must be > 0; got 0.0"),
        ({"clipnorm": 1.0, "clipvalue": 1.0}, r"Only one of 'clipnorm', 'clipvalue' and"),
    ],
)
def test_bad_clipping_settings_get_clear_errors(settings, match):
    with pytest.raises(ValueError, match=match):
        Adam(**settings)
