"""Every model's `fit` answers bad data with a `ValueError` naming the field."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import DCGAN, GAN, ConditionalGAN, Pix2Pix, ProgressiveGAN, data
from keras_gans.models.pggan import ProgressiveSchedule
from keras_gans.models.style import FastStyleTransfer


def _images(n=16, size=28, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, size, size, channels)).astype("float32")


def _labels(n=16, seed=0):
    return np.random.default_rng(seed).integers(0, 10, n).astype("int32")


def _cgan(architecture="maxout"):
    model = ConditionalGAN(
        architecture=architecture,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        seed=0,
    )
    model.compile()
    return model


# ------------------------------------------------------------------- labels
@pytest.mark.parametrize("architecture", ["maxout", "conv"])
def test_labels_one_to_ten_are_refused_naming_the_values(architecture):
    model = _cgan(architecture)
    ds = data.from_arrays(_images(), _labels() + 1, batch_size=8)
    with pytest.raises(ValueError, match=r"`labels`.*\[0, 10\).*10"):
        model.fit(ds, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"`labels`.*10"):
        model.fit(_images(), _labels() + 1, batch_size=8, verbose=0)


def test_a_bad_label_in_a_later_batch_names_the_batch():
    labels = _labels()
    labels[-1] = 10
    ds = tf.data.Dataset.from_tensor_slices((_images(), labels)).batch(8)
    with pytest.raises(ValueError, match=r"batch 1 .*`labels`.*\[10\]"):
        _cgan().fit(ds, epochs=1, verbose=0)


def test_negative_labels_are_refused():
    labels = _labels()
    labels[3] = -1
    ds = tf.data.Dataset.from_tensor_slices((_images(), labels)).batch(8)
    with pytest.raises(ValueError, match=r"`labels`.*\[-1\]"):
        _cgan("conv").fit(ds, epochs=1, verbose=0)


def test_float_labels_are_refused_before_training():
    ds = tf.data.Dataset.from_tensor_slices(
        (_images(), _labels().astype("float32"))
    ).batch(8)
    with pytest.raises(ValueError, match="`labels` must be integer.*float32"):
        _cgan().fit(ds, epochs=1, verbose=0)


def test_a_conditional_model_needs_labels():
    ds = tf.data.Dataset.from_tensor_slices(_images()).batch(8)
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        _cgan().fit(ds, epochs=1, verbose=0)


# ------------------------------------------------------------- image shapes
def _gan():
    model = GAN(latent_dim=8, generator_units=(8,), discriminator_units=(4,), seed=0)
    model.compile()
    return model


def _dcgan():
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        seed=0,
    )
    model.compile()
    return model


def _pggan():
    model = ProgressiveGAN(
        image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8, seed=0
    )
    model.compile()
    return model


def _fast_style():
    model = FastStyleTransfer(filters=4, num_residual_blocks=1, vgg_weights=None)
    model.compile()
    return model


NOISE_MODELS = {
    "gan": (_gan, 28, 1, False),
    "dcgan": (_dcgan, 28, 1, False),
    "cgan": (_cgan, 28, 1, True),
    "pggan": (_pggan, 8, 1, False),
}


def _dataset(images, labelled):
    parts = (images, _labels(len(images))) if labelled else (images,)
    return tf.data.Dataset.from_tensor_slices(parts).batch(8)


@pytest.mark.parametrize("family", sorted(NOISE_MODELS))
@pytest.mark.parametrize(
    "kind", ["size", "channels", "rank", "dtype"], ids=lambda k: f"wrong_{k}"
)
def test_fit_names_images_of_the_wrong_shape(family, kind):
    build, size, channels, labelled = NOISE_MODELS[family]
    images = {
        "size": _images(size=size + 4, channels=channels),
        "channels": _images(size=size, channels=channels + 2),
        "rank": _images(size=size, channels=channels)[..., 0],
        "dtype": (_images(size=size, channels=channels) > 0).astype("uint8"),
    }[kind]
    model = build()
    with pytest.raises(ValueError, match="`images` must"):
        model.fit(_dataset(images, labelled), epochs=1, verbose=0)
    args = (images, _labels(len(images))) if labelled else (images,)
    with pytest.raises(ValueError, match="`images` must"):
        model.fit(*args, batch_size=8, verbose=0)


def test_pggan_takes_full_size_batches_in_every_phase():
    model = _pggan()
    assert model.sample_shape == (4, 4, 1)
    with pytest.raises(ValueError, match=r"\(batch, 8, 8, 1\)"):
        model.fit(_dataset(_images(size=4), False), epochs=1, verbose=0)


def test_fast_style_transfer_names_bad_content_images():
    model = _fast_style()
    for images, match in [
        (_images(size=32, channels=1), r"\(batch, None, None, 3\)"),
        (_images(size=30, channels=3), "multiples of 4"),
        (_images(size=32, channels=3)[..., 0], "`images` must have shape"),
    ]:
        with pytest.raises(ValueError, match=match):
            model.fit(_dataset(images, False), epochs=1, verbose=0)


def test_pix2pix_checks_come_from_the_shared_fit():
    model = Pix2Pix(32, 1, 1, generator_filters=2, discriminator_filters=2, seed=0)
    model.compile()
    x = _images(4, size=48)
    with pytest.raises(ValueError, match="multiples of 32"):
        model.fit(tf.data.Dataset.from_tensor_slices((x, x)).batch(2), verbose=0)
    with pytest.raises(ValueError, match="multiples of 32"):
        model.fit(x, x, batch_size=2, verbose=0)
    with pytest.raises(ValueError, match="pairs|inputs, targets"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(2), verbose=0)
    x = _images(4, size=32)
    x[1, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="`targets` must be finite"):
        model.fit(
            tf.data.Dataset.from_tensor_slices((np.zeros_like(x), x)).batch(2),
            verbose=0,
        )


# ---------------------------------------------------------------------- NaN
@pytest.mark.parametrize("family", sorted(NOISE_MODELS))
def test_nan_in_a_batch_is_named(family):
    build, size, channels, labelled = NOISE_MODELS[family]
    images = _images(size=size, channels=channels)
    images[9, 0, 0, 0] = np.nan
    images[10, 1, 1, 0] = np.inf
    model = build()
    with pytest.raises(ValueError, match="batch 1 .*`images` must be finite.* 2"):
        model.fit(_dataset(images, labelled), epochs=1, verbose=0)
    args = (images, _labels(len(images))) if labelled else (images,)
    with pytest.raises(ValueError, match="`images` must be finite"):
        model.fit(*args, batch_size=8, verbose=0)


def test_nan_in_content_images_is_named():
    images = _images(size=32, channels=3)
    images[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="batch 0 .*`images` must be finite"):
        _fast_style().fit(_dataset(images, False), epochs=1, verbose=0)


def test_evaluate_and_validation_data_are_checked_too():
    model = _dcgan()
    good, bad = _images(), _images(size=32)
    with pytest.raises(ValueError, match="`images` must"):
        model.evaluate(_dataset(bad, False), verbose=0)
    with pytest.raises(ValueError, match="`images` must"):
        model.fit(
            _dataset(good, False), validation_data=_dataset(bad, False), verbose=0
        )


def test_good_data_still_trains():
    logs = _cgan().fit(_dataset(_images(), True), epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in logs.values())


# ------------------------------------------------------- mixed precision PGGAN
@pytest.mark.parametrize("policy", ["float32", "mixed_float16", "mixed_bfloat16"])
def test_pggan_phase_change_under_every_policy(policy):
    try:
        keras.mixed_precision.set_global_policy(policy)
        model = ProgressiveGAN(
            image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8, seed=0
        )
        model.compile()
        schedule = ProgressiveSchedule(fade_kimg=0.016, stable_kimg=0.016)
        ds = _dataset(_images(32, size=8), False).repeat()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            history = model.fit(
                ds, steps_per_epoch=4, epochs=1, verbose=0, callbacks=[schedule]
            )
        assert model.phase >= 1  # at least one phase change
        for values in history.history.values():
            assert np.all(np.isfinite(values))
        for network in (model.generator, model.discriminator):
            for w in network.weights:
                assert np.all(np.isfinite(keras.ops.convert_to_numpy(w))), w.path
        for optimizer in (model.g_optimizer, model.d_optimizer):
            if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                assert float(optimizer.dynamic_scale.numpy()) > 0
    finally:
        keras.mixed_precision.set_global_policy("float32")
