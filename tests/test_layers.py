import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from layer_testing import run_layer_test

from keras_gans.layers import (
    BatchNormalization,
    EqualizedConv2D,
    EqualizedDense,
    Maxout,
    MinibatchStdDev,
    PixelNorm,
    WeightedSum,
)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# ---------------------------------------------------------------------- Maxout
def test_maxout_exact_values():
    layer = Maxout(units=2, pieces=2)
    layer.build((None, 2))
    # Column u * pieces + k is piece k of unit u.
    kernel = np.array([[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, -1.0]], "float32")
    bias = np.array([0.0, 0.5, 3.0, 0.0], "float32")
    layer.set_weights([kernel, bias])
    x = np.array([[1.0, 2.0], [-1.0, 1.0]], "float32")
    # row 0: pieces [1, 2.5 | 4, 0]; row 1: pieces [-1, 1.5 | 5, -3]
    np.testing.assert_allclose(_np(layer(x)), [[2.5, 4.0], [1.5, 5.0]])


def test_maxout_without_bias_and_higher_rank_input():
    layer = Maxout(units=3, pieces=4, use_bias=False)
    x = _normal(2, 5, 6)
    y = _np(layer(x))
    assert [w.path.split("/")[-1] for w in layer.weights] == ["kernel"]
    assert y.shape == (2, 5, 3)
    z = (x @ _np(layer.kernel)).reshape(2, 5, 3, 4)
    np.testing.assert_allclose(y, z.max(axis=-1), rtol=1e-5, atol=1e-6)


def test_maxout_contract(tmp_path):
    run_layer_test(
        Maxout,
        {"units": 3, "pieces": 2, "bias_initializer": "random_normal"},
        _normal(4, 5),
        tmp_path,
        expected_output_shape=(4, 3),
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 3, "pieces": 1}, "`pieces` must be an int >= 2. Received: pieces=1"),
        ({"units": 0, "pieces": 2}, "Received: units=0"),
    ],
)
def test_maxout_rejects_bad_args(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Maxout(**kwargs)


# ------------------------------------------------------------------- PixelNorm
def test_pixel_norm_exact_values():
    # [3, 4]: mean square 12.5 -> [3, 4] / sqrt(12.5); [0, 2]: mean square 2.
    x = np.array([[[[3.0, 4.0], [0.0, 2.0]]]], "float32")  # (1, 1, 2, 2)
    expected = [[[[0.84852814, 1.13137085], [0.0, 1.41421356]]]]
    np.testing.assert_allclose(_np(PixelNorm()(x)), expected, rtol=1e-6)


def test_pixel_norm_axis_and_zero_input():
    x = np.array([[[3.0], [4.0]]], "float32")  # (1, 2, 1), channels on axis 1
    np.testing.assert_allclose(
        _np(PixelNorm(axis=1)(x)), [[[0.84852814], [1.13137085]]], rtol=1e-6
    )
    np.testing.assert_array_equal(_np(PixelNorm()(np.zeros((2, 3), "float32"))), 0.0)


def test_pixel_norm_contract(tmp_path):
    y = run_layer_test(PixelNorm, {}, _normal(2, 3, 3, 4), tmp_path)
    np.testing.assert_allclose(np.mean(y**2, axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("epsilon", [0.0, -1e-8])
def test_pixel_norm_rejects_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match=f"Received: epsilon={epsilon}"):
        PixelNorm(epsilon=epsilon)


# ------------------------------------------------------ EqualizedDense / Conv2D
def test_equalized_dense_exact_values():
    layer = EqualizedDense(2)
    layer.build((None, 8))
    assert layer.scale == pytest.approx(math.sqrt(2) / math.sqrt(8))  # 0.5
    kernel = np.arange(16, dtype="float32").reshape(8, 2)  # column sums 56, 64
    layer.set_weights([kernel, np.array([1.0, -1.0], "float32")])
    x = np.ones((1, 8), "float32")
    np.testing.assert_allclose(_np(layer(x)), [[29.0, 31.0]])  # 0.5 * [56, 64] + b
    np.testing.assert_allclose(_np(layer(x)), x @ (kernel * 0.5) + [1, -1])


def test_equalized_dense_lr_multiplier_and_activation():
    layer = EqualizedDense(2, lr_multiplier=0.1, activation="relu")
    layer.build((None, 8))
    assert layer.scale == pytest.approx(0.05)  # sqrt(2) / sqrt(8) * 0.1
    kernel = np.arange(16, dtype="float32").reshape(8, 2)
    layer.set_weights([kernel, np.array([1.0, -1.0], "float32")])
    # bias is scaled by lr_multiplier too: 0.05 * [56, 64] + 0.1 * [1, -1]
    np.testing.assert_allclose(_np(layer(np.ones((1, 8)))), [[2.9, 3.1]], rtol=1e-6)
    np.testing.assert_allclose(_np(layer(-np.ones((1, 8)))), [[0.0, 0.0]])


@pytest.mark.parametrize("lr_multiplier", [1.0, 0.01])
def test_equalized_dense_initialization(lr_multiplier):
    layer = EqualizedDense(64, lr_multiplier=lr_multiplier)
    layer.build((None, 64))
    kernel = _np(layer.kernel) * lr_multiplier  # N(0, 1) after undoing lr_mult
    assert abs(kernel.mean()) < 0.05
    assert abs(kernel.std() - 1.0) < 0.05
    np.testing.assert_array_equal(_np(layer.bias), 0.0)


def test_equalized_dense_contract(tmp_path):
    run_layer_test(
        EqualizedDense,
        {"units": 3, "gain": 1.0, "activation": "leaky_relu", "lr_multiplier": 0.5},
        _normal(4, 5),
        tmp_path,
        expected_output_shape=(4, 3),
    )


def test_equalized_conv2d_exact_values():
    layer = EqualizedConv2D(1, 2, padding="valid")
    layer.build((None, 2, 2, 1))
    assert layer.scale == pytest.approx(math.sqrt(2) / 2)  # fan_in = 2 * 2 * 1
    kernel = np.array([[1.0, 0.0], [0.0, 1.0]], "float32").reshape(2, 2, 1, 1)
    layer.set_weights([kernel, np.array([0.5], "float32")])
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 2, 1)
    # (1 + 4) * sqrt(2) / 2 + 0.5
    np.testing.assert_allclose(
        _np(layer(x)).ravel(), [5 * math.sqrt(2) / 2 + 0.5], rtol=1e-6
    )


@pytest.mark.parametrize("strides, padding", [(1, "same"), (2, "same"), (2, "valid")])
def test_equalized_conv2d_matches_scaled_conv2d(strides, padding):
    layer = EqualizedConv2D(4, 3, strides=strides, padding=padding)
    x = _normal(2, 5, 5, 2)
    y = _np(layer(x))
    assert layer.scale == pytest.approx(1 / 3)  # sqrt(2) / sqrt(3 * 3 * 2)
    reference = keras.layers.Conv2D(4, 3, strides=strides, padding=padding)
    reference.build(x.shape)
    bias = _normal(4, seed=1)
    layer.bias.assign(bias)
    reference.set_weights([_np(layer.kernel) * layer.scale, bias])
    np.testing.assert_allclose(_np(layer(x)), _np(reference(x)), rtol=1e-5, atol=1e-5)
    assert y.shape == layer.compute_output_shape(x.shape)
    assert y.shape == reference.compute_output_shape(x.shape)


def test_equalized_conv2d_contract(tmp_path):
    run_layer_test(
        EqualizedConv2D,
        {"filters": 3, "kernel_size": (3, 1), "strides": (2, 1), "padding": "same"},
        _normal(2, 5, 4, 2),
        tmp_path,
        expected_output_shape=(2, 3, 4, 3),
    )


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (EqualizedDense, {"units": 0}, "Received: units=0"),
        (EqualizedDense, {"units": 2, "gain": 0.0}, "Received: gain=0.0"),
        (
            EqualizedDense,
            {"units": 2, "lr_multiplier": -1},
            "Received: lr_multiplier=-1",
        ),
        (EqualizedConv2D, {"filters": 0, "kernel_size": 3}, "Received: filters=0"),
        (EqualizedConv2D, {"filters": 2, "kernel_size": 0}, "Received: kernel_size=0"),
        (
            EqualizedConv2D,
            {"filters": 2, "kernel_size": 3, "strides": (1, 2, 3)},
            r"Received: strides=\(1, 2, 3\)",
        ),
        (
            EqualizedConv2D,
            {"filters": 2, "kernel_size": 3, "padding": "causal"},
            "Received: padding='causal'",
        ),
    ],
)
def test_equalized_layers_reject_bad_args(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


# ------------------------------------------------------------- MinibatchStdDev
def _official_stddev(x, group_size, epsilon=1e-8):
    """Karras et al.'s reshape-based code (B must be a multiple of G)."""
    g = min(group_size, len(x))
    y = x.reshape(g, -1, *x.shape[1:])  # (G, M, H, W, C)
    y = np.sqrt(np.mean((y - y.mean(axis=0)) ** 2, axis=0) + epsilon)  # (M, H, W, C)
    return np.tile(y.mean(axis=(1, 2, 3)), g)  # (B,): sample i -> group i % M


def _grouped_stddev(x, group_size, epsilon=1e-8):
    """The layer's generalisation: M = ceil(B / G) groups, sample i in i % M."""
    m = -(-len(x) // group_size)
    out = np.empty(len(x))
    for group in range(m):
        members = x[group::m]  # (n, H, W, C)
        var = np.mean((members - members.mean(axis=0)) ** 2, axis=0)
        out[group::m] = np.sqrt(var + epsilon).mean()
    return out


def _extra_map(y):
    """The appended channel, checked to be constant over H and W: (B,)."""
    extra = y[..., -1]
    np.testing.assert_allclose(extra, extra[:, :1, :1] * np.ones_like(extra), rtol=1e-6)
    return extra[:, 0, 0]


def test_minibatch_stddev_exact_values():
    x = np.array([0.0, 1.0, 2.0, 5.0], "float32").reshape(4, 1, 1, 1)
    # groups {0, 2}: values 0, 2 -> std 1; {1, 3}: values 1, 5 -> std 2
    y = _np(MinibatchStdDev(group_size=2)(x))
    np.testing.assert_allclose(y[..., 0], x[..., 0])
    np.testing.assert_allclose(y[..., 1].ravel(), [1.0, 2.0, 1.0, 2.0], rtol=1e-6)

    x = np.array([0.0, 1.0, 2.0, 5.0, 4.0], "float32").reshape(5, 1, 1, 1)
    # B=5, G=4 -> M=2 groups: {0, 2, 4}: values 0, 2, 4 -> std sqrt(8/3);
    # {1, 3}: values 1, 5 -> std 2
    y = _np(MinibatchStdDev(group_size=4)(x))
    s = math.sqrt(8 / 3)
    np.testing.assert_allclose(y[..., 1].ravel(), [s, 2, s, 2, s], rtol=1e-6)


@pytest.mark.parametrize("batch, group_size", [(4, 2), (8, 4), (3, 4), (4, 1)])
def test_minibatch_stddev_matches_official_code(batch, group_size):
    x = _normal(batch, 3, 2, 5)
    y = _np(MinibatchStdDev(group_size=group_size)(x))
    assert y.shape == (batch, 3, 2, 6)
    np.testing.assert_array_equal(y[..., :5], x)
    np.testing.assert_allclose(
        _extra_map(y), _official_stddev(x, group_size), rtol=1e-5
    )


@pytest.mark.parametrize("batch", [5, 6, 7])
def test_minibatch_stddev_ragged_batches(batch):
    x = _normal(batch, 2, 2, 3)
    y = _np(MinibatchStdDev(group_size=4)(x))
    np.testing.assert_allclose(_extra_map(y), _grouped_stddev(x, 4), rtol=1e-5)


def test_minibatch_stddev_single_sample_group():
    y = _np(MinibatchStdDev(group_size=4, epsilon=1e-6)(_normal(1, 2, 2, 3)))
    np.testing.assert_allclose(y[..., -1], 1e-3, rtol=1e-5)  # sqrt(epsilon)


def test_minibatch_stddev_dynamic_batch_in_tf_function():
    layer = MinibatchStdDev(group_size=4)
    traces = 0

    @tf.function(input_signature=[tf.TensorSpec((None, 2, 2, 3), "float32")])
    def stddev(x):
        nonlocal traces
        traces += 1
        return layer(x)

    for batch in (4, 5, 6, 8, 1):
        x = _normal(batch, 2, 2, 3, seed=batch)
        np.testing.assert_allclose(
            _extra_map(_np(stddev(x))), _grouped_stddev(x, 4), rtol=1e-5, atol=1e-7
        )
    assert traces == 1


def test_minibatch_stddev_contract(tmp_path):
    run_layer_test(
        MinibatchStdDev,
        {"group_size": 4, "epsilon": 1e-6},
        _normal(6, 4, 4, 3),
        tmp_path,
        expected_output_shape=(6, 4, 4, 4),
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"group_size": 0}, "Received: group_size=0"),
        ({"epsilon": 0.0}, "Received: epsilon=0.0"),
    ],
)
def test_minibatch_stddev_rejects_bad_args(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MinibatchStdDev(**kwargs)


# ----------------------------------------------------------------- WeightedSum
A = np.array([[1.0, 2.0]], "float32")
B = np.array([[3.0, 6.0]], "float32")


@pytest.mark.parametrize(
    "alpha, expected", [(0.0, [[1.0, 2.0]]), (0.5, [[2.0, 4.0]]), (1.0, [[3.0, 6.0]])]
)
def test_weighted_sum_exact_values(alpha, expected):
    np.testing.assert_array_equal(_np(WeightedSum(alpha)([A, B])), expected)
    layer = WeightedSum()
    layer([A, B])
    layer.alpha.assign(alpha)
    np.testing.assert_array_equal(_np(layer([A, B])), expected)


def test_weighted_sum_alpha_is_a_non_trainable_weight():
    layer = WeightedSum(0.25)
    layer([A, B])
    assert layer.trainable_weights == []
    assert layer.non_trainable_weights == [layer.alpha]
    assert float(_np(layer.alpha)) == 0.25


def test_weighted_sum_alpha_changes_without_retrace():
    layer = WeightedSum(0.0)
    layer([A, B])
    traces = {"blend": 0, "fade": 0}

    @tf.function
    def blend(a, b):
        traces["blend"] += 1
        return layer([a, b])

    @tf.function
    def fade(a, b, alpha):
        traces["fade"] += 1
        layer.alpha.assign(alpha)
        return layer([a, b])

    np.testing.assert_array_equal(_np(blend(A, B)), A)
    layer.alpha.assign(0.5)  # outside the traced function
    np.testing.assert_array_equal(_np(blend(A, B)), [[2.0, 4.0]])
    layer.alpha.assign(1.0)
    np.testing.assert_array_equal(_np(blend(A, B)), B)

    for alpha, expected in [(0.0, A), (0.5, [[2.0, 4.0]]), (1.0, B)]:
        out = fade(A, B, tf.constant(alpha))  # assigned inside the traced function
        np.testing.assert_array_equal(_np(out), expected)
        assert float(_np(layer.alpha)) == alpha
        np.testing.assert_array_equal(_np(blend(A, B)), expected)
    assert traces == {"blend": 1, "fade": 1}


def test_weighted_sum_save_load_keeps_current_alpha(tmp_path):
    a, b = keras.Input((2,)), keras.Input((2,))
    model = keras.Model([a, b], WeightedSum(0.0, name="fade")([a, b]))
    model.get_layer("fade").alpha.assign(0.3)
    model.save(tmp_path / "fade.keras")
    loaded = keras.saving.load_model(tmp_path / "fade.keras")
    layer = loaded.get_layer("fade")
    assert float(_np(layer.alpha)) == pytest.approx(0.3)
    assert layer.get_config()["alpha"] == 0.0  # the constructor argument
    np.testing.assert_allclose(_np(loaded([A, B])), [[1.6, 3.2]], rtol=1e-6)


def test_weighted_sum_contract(tmp_path):
    y = run_layer_test(
        WeightedSum,
        {"alpha": 0.25},
        [_normal(2, 3, 3, 2), _normal(2, 3, 3, 2, seed=1)],
        tmp_path,
        expected_output_shape=(2, 3, 3, 2),
    )
    np.testing.assert_allclose(
        y, 0.75 * _normal(2, 3, 3, 2) + 0.25 * _normal(2, 3, 3, 2, seed=1), rtol=1e-6
    )


@pytest.mark.parametrize("alpha", [-0.1, 1.5])
def test_weighted_sum_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match=f"Received: alpha={alpha}"):
        WeightedSum(alpha)


def test_weighted_sum_needs_two_inputs():
    with pytest.raises(ValueError, match="list of two tensors"):
        WeightedSum()([A, B, A])


# ---------------------------------------------------------- BatchNormalization
def _bn_pair(policy, **kwargs):
    fused = BatchNormalization(dtype=policy, **kwargs)
    plain = keras.layers.BatchNormalization(dtype=policy, **kwargs)
    return fused, plain


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16", "mixed_float16"])
def test_fused_batch_norm_equals_keras_in_training(policy):
    x = tf.constant(_normal(16, 5, 5, 7) * 3.0 + 2.0)
    fused, plain = _bn_pair(policy, momentum=0.9)
    for layer in (fused, plain):
        layer.build(x.shape)
        layer.gamma.assign(np.linspace(0.5, 2.0, 7))
        layer.beta.assign(np.linspace(-1.0, 1.0, 7))
    projection = tf.constant(_normal(16, 5, 5, 7, seed=1))  # a random loss

    def loss_and_grads(layer):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(tf.cast(y, tf.float32) * projection)
        return y, tape.gradient(loss, [x, layer.gamma, layer.beta])

    (y_fused, g_fused), (y_plain, g_plain) = map(loss_and_grads, (fused, plain))
    assert y_fused.dtype == y_plain.dtype == fused.compute_dtype
    tol = {"float32": 1e-5, "mixed_bfloat16": 2e-2, "mixed_float16": 2e-3}[policy]
    np.testing.assert_allclose(_np(y_fused), _np(y_plain), atol=tol)
    for a, b in zip(g_fused, g_plain):
        scale = np.abs(_np(b)).max()
        np.testing.assert_allclose(_np(a), _np(b), atol=tol * scale)
    # Moving statistics: Keras' biased batch variance, momentum 0.9.
    batch = _np(tf.cast(x, fused.compute_dtype)).astype("float64")
    mean, var = batch.mean((0, 1, 2)), batch.var((0, 1, 2))
    np.testing.assert_allclose(_np(fused.moving_mean), 0.1 * mean, rtol=1e-4)
    np.testing.assert_allclose(_np(fused.moving_variance), 0.9 + 0.1 * var, rtol=1e-4)
    np.testing.assert_allclose(
        _np(fused.moving_variance), _np(plain.moving_variance), rtol=1e-6
    )


def test_fused_batch_norm_falls_back_where_the_kernel_does_not_apply():
    x2, x4 = _normal(6, 3), _normal(6, 4, 4, 3)
    for x, kwargs, training in [
        (x2, {}, True),  # rank 2: Keras' ops
        (x4, {"axis": 1}, True),  # not channels-last
        (x4, {}, False),  # inference: the moving statistics
    ]:
        fused, plain = _bn_pair("float32", **kwargs)
        np.testing.assert_allclose(
            _np(fused(x, training=training)),
            _np(plain(x, training=training)),
            atol=1e-6,
        )
    # Under XLA the fused op compiles too.
    fused, plain = _bn_pair("float32")
    step = tf.function(lambda t: fused(t, training=True), jit_compile=True)
    np.testing.assert_allclose(_np(step(x4)), _np(plain(x4, training=True)), atol=1e-5)


def test_fused_batch_norm_contract_and_keras_weights(tmp_path):
    run_layer_test(BatchNormalization, {"momentum": 0.8}, _normal(4, 3, 3, 2), tmp_path)

    # A network saved with Keras' BatchNormalization loads into one built with
    # this layer: .keras files address layers by their class name.
    def net(bn):
        inputs = keras.Input((3, 3, 2))
        return keras.Model(inputs, bn()(keras.layers.Conv2D(2, 1)(inputs)))

    keras.utils.set_random_seed(1)
    plain = net(keras.layers.BatchNormalization)
    plain.layers[-1].moving_mean.assign([0.5, -0.5])
    plain.save_weights(tmp_path / "plain.weights.h5")
    fused = net(BatchNormalization)
    fused.load_weights(tmp_path / "plain.weights.h5")
    for a, b in zip(fused.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
