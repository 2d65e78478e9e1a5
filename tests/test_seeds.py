"""A model's `seed` governs its weights, its dropout masks and its noise."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import DCGAN, GAN, ConditionalGAN, Pix2Pix, ProgressiveGAN
from keras_gans.models.cgan import ARCHITECTURES
from keras_gans.models.style import FastStyleTransfer

FAMILIES = {
    "gan": lambda seed: GAN(
        latent_dim=8, generator_units=(16,), discriminator_units=(8,), seed=seed
    ),
    "dcgan": lambda seed: DCGAN(
        image_size=28,
        channels=1,
        generator_filters=8,
        discriminator_filters=8,
        seed=seed,
    ),
    **{
        f"cgan_{arch}": (
            lambda seed, arch=arch: ConditionalGAN(
                architecture=arch,
                latent_dim=8,
                generator_filters=8,
                discriminator_filters=8,
                seed=seed,
            )
        )
        for arch in ARCHITECTURES
    },
    "pix2pix": lambda seed: Pix2Pix(
        32, 1, 1, generator_filters=2, discriminator_filters=2, seed=seed
    ),
    "pggan": lambda seed: ProgressiveGAN(
        image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8, seed=seed
    ),
    "fast_style": lambda seed: FastStyleTransfer(
        filters=4, num_residual_blocks=1, vgg_weights=None, seed=seed
    ),
}


def _weights(model):
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_one_seed_one_model_two_seeds_two_models(family):
    build = FAMILIES[family]
    one = build(1)
    keras.utils.set_random_seed(123)  # the global RNG has no say
    two = build(1)
    other = build(2)
    assert _same(_weights(one), _weights(two))
    assert not _same(_weights(one), _weights(other))


def test_seeded_dcgans_generate_the_same_images():
    one, two = FAMILIES["dcgan"](1), FAMILIES["dcgan"](1)
    np.testing.assert_array_equal(one.generate(2, seed=0), two.generate(2, seed=0))


def test_seeding_leaves_the_global_python_stream_alone():
    import random

    random.seed(7)
    expected = random.random()
    random.seed(7)
    FAMILIES["dcgan"](1)
    assert random.random() == expected


def test_unseeded_models_differ():
    assert not _same(
        _weights(FAMILIES["dcgan"](None)), _weights(FAMILIES["dcgan"](None))
    )


def _maxout_cgan():
    model = ConditionalGAN(latent_dim=8, seed=0)  # Maxout D: dropout
    model.compile()
    return model


def _digit_batches(n_batches=4, batch_size=8):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (n_batches * batch_size, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, n_batches * batch_size).astype("int32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)


def test_a_resumed_run_with_dropout_equals_the_uninterrupted_one(tmp_path):
    ds = _digit_batches()
    whole = _maxout_cgan()
    whole.fit(ds, epochs=1, verbose=0, shuffle=False)

    first = _maxout_cgan()
    first.fit(ds.take(2), epochs=1, verbose=0, shuffle=False)
    first.save(tmp_path / "resume.keras")
    resumed = keras.saving.load_model(tmp_path / "resume.keras", safe_mode=True)
    resumed.fit(ds.skip(2), epochs=1, verbose=0, shuffle=False)
    for a, b in zip(_weights(resumed), _weights(whole)):
        np.testing.assert_array_equal(a, b)


def test_dropout_streams_are_saved(tmp_path):
    model = _maxout_cgan()
    model.fit(_digit_batches(1), epochs=1, verbose=0, shuffle=False)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    from keras_gans.models._seeds import seed_states

    saved = seed_states(model.discriminator)
    assert saved  # the Maxout discriminator has dropout layers
    for a, b in zip(seed_states(loaded.discriminator), saved):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), b.numpy())
