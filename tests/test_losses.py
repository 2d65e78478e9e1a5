import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses
from keras_gans.losses import (
    drift_penalty,
    gradient_penalty,
    hinge_discriminator_loss,
    hinge_generator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_discriminator_loss,
    non_saturating_generator_loss,
    r1_penalty,
    r2_penalty,
    relativistic_pairing_discriminator_loss,
    relativistic_pairing_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)

LOG2 = 0.6931471805599453  # log(2) = softplus(0)
# softplus(x) = log(1 + e^x), by hand:
SP_1 = 1.3132616875182228  # softplus(1)
SP_M1 = 0.3132616875182228  # softplus(-1)
SP_2 = 2.1269280110429725  # softplus(2)
SP_M2 = 0.1269280110429725  # softplus(-2)
SP_M05 = 0.4740769841801067  # softplus(-0.5)

REAL = [[2.0], [-1.0], [0.5]]  # (3, 1) logits on real samples
FAKE = [[0.0], [1.0], [-2.0]]  # (3, 1) logits on generated samples


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _t(values, dtype="float32"):
    return keras.ops.convert_to_tensor(np.asarray(values, dtype=dtype))


def _g(g_loss, fake, real):
    """A generator loss of the table on `fake` (and `real` if relativistic)."""
    return g_loss(fake, real) if losses.needs_real_logits(g_loss) else g_loss(fake)


def _check(value, expected, rtol=1e-6, atol=1e-6):
    assert tuple(value.shape) == ()
    assert keras.backend.standardize_dtype(value.dtype) == "float32"
    np.testing.assert_allclose(_np(value), expected, rtol=rtol, atol=atol)


# ------------------------------------------------------------- golden values
def test_minimax_generator_loss():
    # mean(log(1 - sigmoid(f))) = -mean(softplus(f))
    _check(minimax_generator_loss(_t(FAKE)), -(LOG2 + SP_1 + SP_M2) / 3)
    _check(minimax_generator_loss(_t(FAKE)), -0.7111122930403803)
    _check(minimax_generator_loss(_t([[0.0], [0.0]])), -LOG2)


def test_minimax_discriminator_loss():
    # mean(softplus(-r)) + mean(softplus(f))
    expected = (SP_M2 + SP_1 + SP_M05) / 3 + (LOG2 + SP_1 + SP_M2) / 3
    _check(minimax_discriminator_loss(_t(REAL), _t(FAKE)), expected)
    _check(minimax_discriminator_loss(_t(REAL), _t(FAKE)), 1.349201187287481)
    _check(minimax_discriminator_loss(_t([[0.0]]), _t([[0.0]])), 2 * LOG2)


def test_non_saturating_generator_loss():
    # -mean(log(sigmoid(f))) = mean(softplus(-f)); f = 0 -> log 2
    _check(non_saturating_generator_loss(_t([[0.0], [0.0]])), LOG2)
    _check(non_saturating_generator_loss(_t(FAKE)), (LOG2 + SP_M1 + SP_2) / 3)
    _check(non_saturating_generator_loss(_t(FAKE)), 1.0444456263737136)


def test_non_saturating_discriminator_loss_is_minimax():
    _check(non_saturating_discriminator_loss(_t(REAL), _t(FAKE)), 1.349201187287481)


def test_least_squares_losses():
    # G: 0.5 * mean((f - 1)^2) with f = [0, 2]: 0.5 * (1 + 1) / 2
    _check(least_squares_generator_loss(_t([[0.0], [2.0]])), 0.5)
    # f = [0, 1, -2]: 0.5 * (1 + 0 + 9) / 3
    _check(least_squares_generator_loss(_t(FAKE)), 5.0 / 3.0)
    # D: 0.5 * mean((r - 1)^2) + 0.5 * mean(f^2), r = [1, 3], f = [0, 2]
    #    0.5 * (0 + 4) / 2 + 0.5 * (0 + 4) / 2
    _check(
        least_squares_discriminator_loss(_t([[1.0], [3.0]]), _t([[0.0], [2.0]])), 2.0
    )
    # r = [2, -1, 0.5]: 0.5 * (1 + 4 + 0.25) / 3 + 0.5 * (0 + 1 + 4) / 3
    _check(least_squares_discriminator_loss(_t(REAL), _t(FAKE)), 0.875 + 5.0 / 6.0)


def test_wasserstein_losses():
    # G: -mean(f) = -(0 + 1 - 2) / 3
    _check(wasserstein_generator_loss(_t(FAKE)), 1.0 / 3.0)
    # D: mean(f) - mean(r) = -1/3 - (2 - 1 + 0.5) / 3
    _check(wasserstein_discriminator_loss(_t(REAL), _t(FAKE)), -1.0 / 3.0 - 0.5)


def test_hinge_losses():
    # G: -mean(f)
    _check(hinge_generator_loss(_t(FAKE)), 1.0 / 3.0)
    # D: mean(relu(1 - r)) + mean(relu(1 + f)), r = [2, 0.5], f = [-2, 0]
    #    (0 + 0.5) / 2 + (0 + 1) / 2
    value = hinge_discriminator_loss(_t([[2.0], [0.5]]), _t([[-2.0], [0.0]]))
    _check(value, (0.0 + 0.5) / 2 + (0.0 + 1.0) / 2)
    _check(value, 0.75)


def test_relativistic_pairing_losses():
    """RpGAN (Jolicoeur-Martineau 2019; R3GAN eq. 2) pairs fake i with real
    i: D: softplus(D(f) - D(r)), G: softplus(D(r) - D(f)), averaged."""
    # differences fake - real: -2, 2, -2.5
    d = (SP_M2 + SP_2 + np.log1p(np.exp(-2.5))) / 3
    g = (SP_2 + SP_M2 + np.log1p(np.exp(2.5))) / 3
    _check(relativistic_pairing_discriminator_loss(_t(REAL), _t(FAKE)), d)
    _check(relativistic_pairing_generator_loss(_t(FAKE), _t(REAL)), g)
    assert losses.needs_real_logits(relativistic_pairing_generator_loss)
    assert not losses.needs_real_logits(relativistic_pairing_discriminator_loss)
    # Relativistic: shifting every logit by the same amount changes nothing.
    shifted = (
        [[v + 5.0 for v in row] for row in REAL],
        [[v + 5.0 for v in row] for row in FAKE],
    )
    _check(relativistic_pairing_discriminator_loss(*map(_t, shifted)), d)
    # The pairing is by index, not over all pairs: permuting fakes changes it.
    permuted = _t([FAKE[1], FAKE[0], FAKE[2]])
    other = _np(relativistic_pairing_discriminator_loss(_t(REAL), permuted))
    assert abs(other - d) > 1e-3


def test_r2_penalty_is_r1_on_the_fakes():
    def critic(x):
        return keras.ops.sum(keras.ops.square(x), axis=1, keepdims=True)

    fake = _t([[1.0, 2.0], [0.0, -1.0]])  # grad 2x: (4 + 16 + 0 + 4) / 2
    _check(r2_penalty(critic, fake), 12.0)
    _check(r2_penalty(critic, fake), _np(r1_penalty(critic, fake)))


def test_drift_penalty():
    # mean(r^2) = (1 + 4 + 9) / 3
    _check(drift_penalty(_t([[1.0], [-2.0], [3.0]])), 14.0 / 3.0)


# ------------------------------------------------- shapes, dtypes, stability
PAIRS = sorted(losses.LOSSES.items())


@pytest.mark.parametrize("name,pair", PAIRS, ids=[name for name, _ in PAIRS])
def test_patch_logits_are_averaged_over_all_elements(name, pair):
    g_loss, d_loss = pair
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2, 3, 3, 1)).astype("float32")  # PatchGAN maps
    fake = rng.normal(size=(2, 3, 3, 1)).astype("float32")
    # The mean over all elements does not depend on the layout.
    _check(
        _g(g_loss, _t(fake), _t(real)),
        _np(_g(g_loss, _t(fake.reshape(-1, 1)), _t(real.reshape(-1, 1)))),
    )
    _check(
        d_loss(_t(real), _t(fake)),
        _np(d_loss(_t(real.reshape(-1, 1)), _t(fake.reshape(-1, 1)))),
    )


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,pair", PAIRS, ids=[name for name, _ in PAIRS])
def test_low_precision_logits_give_float32_losses(name, pair, dtype):
    g_loss, d_loss = pair
    real = _t([[2.0], [-1.0], [0.5], [0.25]])  # exact in float16 and bfloat16
    fake = _t([[0.0], [1.0], [-2.0], [0.75]])
    low_real = keras.ops.cast(real, dtype)
    low_fake = keras.ops.cast(fake, dtype)
    _check(_g(g_loss, low_fake, low_real), _np(_g(g_loss, fake, real)))
    _check(d_loss(low_real, low_fake), _np(d_loss(real, fake)))
    _check(drift_penalty(low_real), _np(drift_penalty(real)))


def test_float16_logits_that_overflow_in_float16_squares():
    # 300^2 = 90000 overflows float16 (max 65504); computed in float32 it is exact.
    big = keras.ops.cast(_t([[300.0]]), "float16")
    _check(least_squares_discriminator_loss(big, big), 0.5 * 299.0**2 + 0.5 * 300.0**2)
    _check(drift_penalty(big), 90000.0)


def test_saturated_logits_stay_finite():
    huge = _t([[100.0]])
    _check(non_saturating_generator_loss(-huge), 100.0)  # -log(sigmoid(-100))
    _check(minimax_generator_loss(huge), -100.0)  # log(1 - sigmoid(100))
    _check(minimax_discriminator_loss(huge, -huge), 0.0)


# ----------------------------------------------------------------------- get
def test_get_returns_each_pair_of_the_table():
    assert set(losses.LOSSES) == {
        "minimax",
        "non_saturating",
        "least_squares",
        "wasserstein",
        "hinge",
        "relativistic_pairing",
    }
    for name, (g_loss, d_loss) in losses.LOSSES.items():
        assert losses.get(name) == (g_loss, d_loss)
        # Identical losses are aliases (hinge G = Wasserstein G, non-saturating
        # D = minimax D): each family's public names give its pair.
        assert getattr(losses, f"{name}_generator_loss") is g_loss
        assert getattr(losses, f"{name}_discriminator_loss") is d_loss


def test_identical_losses_are_aliases():
    assert losses.hinge_generator_loss is losses.wasserstein_generator_loss
    assert losses.non_saturating_discriminator_loss is losses.minimax_discriminator_loss


def test_get_aliases():
    assert losses.get("ns") == losses.LOSSES["non_saturating"]
    assert losses.get("lsgan") == losses.LOSSES["least_squares"]
    assert losses.get("wgan") == losses.LOSSES["wasserstein"]
    assert losses.get("rpgan") == losses.LOSSES["relativistic_pairing"]


def test_get_returns_a_pair_of_callables_unchanged():
    pair = (hinge_generator_loss, least_squares_discriminator_loss)
    assert losses.get(pair) is pair


def test_get_unknown_name():
    with pytest.raises(ValueError) as info:
        losses.get("foo")
    message = str(info.value)
    assert message.startswith(
        "Unknown loss 'foo'. Expected one of: "
        "hinge, least_squares, minimax, non_saturating, relativistic_pairing, "
        "wasserstein"
    )
    for alias in ("ns", "lsgan", "wgan", "rpgan"):
        assert alias in message


@pytest.mark.parametrize(
    "bad", [None, 3, (hinge_generator_loss,), (hinge_generator_loss, "hinge")]
)
def test_get_rejects_what_is_neither_name_nor_pair(bad):
    with pytest.raises(ValueError, match="Received: loss="):
        losses.get(bad)


# ----------------------------------------------------------------- penalties
W = np.array([[0.5, -1.0], [2.0, 0.25]], dtype="float32")  # (2, 2) image weights


def _linear_critic(w):
    """D(x) = sum(w * x) per sample, (B, 2, 2, 1) -> (B, 1); grad_x D = w."""

    def critic(x):
        scores = keras.ops.sum(x * keras.ops.reshape(w, (1, 2, 2, 1)), axis=(1, 2, 3))
        return scores[:, None]  # (B, 1)

    return critic


def _images(seed, batch=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, 2, 2, 1)).astype("float32")  # (B, H, W, C)


def test_gradient_penalty_of_a_linear_critic():
    # grad = w everywhere, so GP = (||w|| - target)^2 whatever eps is.
    norm = np.sqrt(0.25 + 1.0 + 4.0 + 0.0625)  # ||w|| = sqrt(5.3125)
    critic = _linear_critic(_t(W))
    real, fake = _t(_images(0)), _t(_images(1))
    _check(gradient_penalty(critic, real, fake, seed=0), (norm - 1.0) ** 2, 1e-5)
    _check(gradient_penalty(critic, real, fake, seed=7), 1.7027277713535562, 1e-5)
    _check(
        gradient_penalty(critic, real, fake, seed=0, target=2.0),
        0.09295554270711265,  # (sqrt(5.3125) - 2)^2
        1e-5,
    )


def test_gradient_penalty_of_a_nonlinear_critic():
    # D(x) = sum_j w_j tanh(x_j) + 0.5 * (sum_j x_j)^2, per sample.
    # By hand: dD/dx_j = w_j (1 - tanh(x_j)^2) + sum_k x_k.
    w = W.reshape(1, 2, 2, 1)
    seen = []

    def critic(x):
        seen.append(x)
        linear = keras.ops.sum(keras.ops.tanh(x) * w, axis=(1, 2, 3))
        quadratic = 0.5 * keras.ops.square(keras.ops.sum(x, axis=(1, 2, 3)))
        return (linear + quadratic)[:, None]  # (B, 1)

    real, fake = _images(2), _images(3)
    penalty = gradient_penalty(critic, _t(real), _t(fake), seed=5)
    (x_hat,) = seen
    x_hat = _np(x_hat).astype("float64")

    # x_hat = real + eps * (fake - real) with one eps in [0, 1] per sample.
    eps = (x_hat - real) / (fake - real)  # (B, 2, 2, 1)
    np.testing.assert_allclose(eps, eps[:, :1, :1, :1] * np.ones_like(eps), atol=1e-4)
    assert np.all((eps >= 0.0) & (eps <= 1.0))

    def d_numpy(x):  # (B, 2, 2, 1) -> (B,), float64
        return np.sum(np.tanh(x) * w, axis=(1, 2, 3)) + 0.5 * np.sum(x, (1, 2, 3)) ** 2

    by_hand = w * (1.0 - np.tanh(x_hat) ** 2) + np.sum(x_hat, (1, 2, 3), keepdims=True)
    # Central finite differences of D at x_hat.
    finite = np.zeros_like(x_hat)
    step = 1e-6
    for index in np.ndindex(x_hat.shape[1:]):
        delta = np.zeros_like(x_hat)
        delta[(slice(None),) + index] = step
        finite[(slice(None),) + index] = (
            d_numpy(x_hat + delta) - d_numpy(x_hat - delta)
        ) / (2 * step)
    np.testing.assert_allclose(finite, by_hand, rtol=1e-6, atol=1e-6)

    norms = np.sqrt(np.sum(by_hand**2, axis=(1, 2, 3)))  # (B,)
    _check(penalty, np.mean((norms - 1.0) ** 2), rtol=1e-4)


def test_gradient_penalty_of_a_patch_critic():
    # D(x) = w * x elementwise: a (B, 2, 2, 1) PatchGAN map. The gradient of
    # its sum is w, so GP = (||w|| - 1)^2 as for the linear critic.
    def critic(x):
        return x * keras.ops.reshape(_t(W), (1, 2, 2, 1))

    value = gradient_penalty(critic, _t(_images(0)), _t(_images(1)), seed=0)
    _check(value, (np.sqrt(5.3125) - 1.0) ** 2, 1e-5)


def test_gradient_penalty_is_differentiable_wrt_critic_weights():
    # GP(w) = (||w|| - 1)^2, so dGP/dw = 2 (||w|| - 1) w / ||w||.
    w = keras.Variable(W)
    critic = _linear_critic(w)
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(critic, _t(_images(0)), _t(_images(1)), seed=0)
    grad = tape.gradient(penalty, w)
    assert grad is not None
    norm = np.sqrt(5.3125)
    np.testing.assert_allclose(_np(grad), 2 * (norm - 1.0) * W / norm, rtol=1e-5)


def test_gradient_penalty_trains_a_keras_critic():
    critic = keras.Sequential(
        [
            keras.Input((2, 2, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    real, fake = _t(_images(0)), _t(_images(1))
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(
            critic, real, fake, seed=keras.random.SeedGenerator(1)
        )
    grads = tape.gradient(penalty, critic.trainable_weights)
    assert all(g is not None for g in grads[:3])  # both kernels and the hidden bias
    assert all(np.all(np.isfinite(_np(g))) for g in grads if g is not None)
    assert np.any(_np(grads[0]) != 0.0)


def test_gradient_penalty_of_a_mixed_precision_critic():
    critic = keras.Sequential(
        [
            keras.Input((2, 2, 1)),
            keras.layers.Flatten(dtype="mixed_float16"),
            keras.layers.Dense(4, activation="tanh", dtype="mixed_float16"),
            keras.layers.Dense(1, dtype="mixed_float16"),
        ]
    )
    real, fake = _t(_images(0)), _t(_images(1))
    assert keras.backend.standardize_dtype(critic(real).dtype) == "float16"
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(critic, real, fake, seed=0)
    assert keras.backend.standardize_dtype(penalty.dtype) == "float32"
    assert np.isfinite(_np(penalty))
    grads = tape.gradient(penalty, critic.trainable_weights)
    assert grads[0] is not None and np.all(np.isfinite(_np(grads[0])))


def test_gradient_penalty_seeds():
    seen = []

    def critic(x):
        seen.append(_np(x))
        return keras.ops.sum(x, axis=(1, 2, 3))[:, None]

    real, fake = _t(_images(0)), _t(_images(1))
    gradient_penalty(critic, real, fake, seed=3)
    gradient_penalty(critic, real, fake, seed=3)
    np.testing.assert_array_equal(seen[0], seen[1])  # an int seed repeats
    generator = keras.random.SeedGenerator(3)
    gradient_penalty(critic, real, fake, seed=generator)
    gradient_penalty(critic, real, fake, seed=generator)
    assert not np.allclose(seen[2], seen[3])  # a SeedGenerator moves on


def test_gradient_penalty_in_a_compiled_function_with_unknown_batch():
    critic = _linear_critic(_t(W))
    generator = keras.random.SeedGenerator(0)

    @tf.function(input_signature=[tf.TensorSpec((None, 2, 2, 1), "float32")] * 2)
    def penalty(real, fake):
        return gradient_penalty(critic, real, fake, seed=generator)

    _check(penalty(_t(_images(0)), _t(_images(1))), (np.sqrt(5.3125) - 1.0) ** 2, 1e-5)


def test_r1_penalty_of_a_linear_critic():
    # grad = w, so R1 = sum(w^2) for every sample.
    _check(r1_penalty(_linear_critic(_t(W)), _t(_images(0))), 5.3125)


def test_r1_penalty_of_a_quadratic_critic():
    # D(x) = sum_j w_j x_j^2: grad = 2 w x, R1 = mean_i sum_j (2 w_j x_ij)^2.
    w = W.reshape(1, 2, 2, 1)

    def critic(x):
        return keras.ops.sum(w * keras.ops.square(x), axis=(1, 2, 3))[:, None]

    real = np.array(
        [[[[1.0], [2.0]], [[0.0], [-1.0]]], [[[0.5], [0.0]], [[1.0], [4.0]]]],
        dtype="float32",
    )
    # sample 0: (2*0.5*1)^2 + (2*-1*2)^2 + 0 + (2*0.25*-1)^2 = 1 + 16 + 0.25
    # sample 1: (2*0.5*0.5)^2 + 0 + (2*2*1)^2 + (2*0.25*4)^2 = 0.25 + 16 + 4
    _check(r1_penalty(critic, _t(real)), (17.25 + 20.25) / 2)


def test_r1_penalty_is_differentiable_wrt_critic_weights():
    # R1(w) = sum(w^2), so dR1/dw = 2 w.
    w = keras.Variable(W)
    with tf.GradientTape() as tape:
        penalty = r1_penalty(_linear_critic(w), _t(_images(0)))
    np.testing.assert_allclose(_np(tape.gradient(penalty, w)), 2 * W, rtol=1e-6)


def test_penalties_accept_float16_samples():
    critic = _linear_critic(_t(W))
    real = keras.ops.cast(_t(_images(0)), "float16")
    fake = keras.ops.cast(_t(_images(1)), "float16")
    _check(
        gradient_penalty(critic, real, fake, seed=0), (np.sqrt(5.3125) - 1.0) ** 2, 1e-5
    )
    _check(r1_penalty(critic, real), 5.3125)
