"""Sampling a `StyleGAN2`: images, W, style mixing and walks in W.

The model's `generate`, `mapping`, `synthesize`, `style_mix` and
`latent_walk` methods call these; each takes the model first.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import latent, utils
from keras_gans.models.stylegan2.stylegan2_layers import NOISE_MODES

__all__ = ["generate", "latent_walk", "mapping", "style_mix", "synthesize"]

SPACES = ("w", "z")


def _generator(model, use_ema):
    return model.sampling_generator if use_ema else model.generator


def _truncation(truncation):
    return utils.check_float("truncation", truncation, 0.0, 1.0)


def _noise_seed(seed, offset):
    """A stateless `(2,)` seed for the random noise maps of a seeded call."""
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    return tf.constant([int(seed), 1 + int(offset)], tf.int64)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), "float32")


def generate(model, n, labels, seed, truncation, noise_mode, use_ema, batch_size):
    n = utils.check_int("n", n, minimum=1)
    batch_size = utils.check_int("batch_size", batch_size, minimum=1)
    model.check_labels(labels, n)
    truncation = _truncation(truncation)
    utils.check_choice("noise_mode", noise_mode, NOISE_MODES)
    generator = _generator(model, use_ema)
    noise = model.sample_noise(
        n, seed=seed if seed is not None else keras.random.SeedGenerator()
    )
    outputs = []
    for start in range(0, n, batch_size):
        noise_seed = _noise_seed(seed, start) if noise_mode == "random" else None
        images = generator(
            noise[start : start + batch_size],
            training=False,
            truncation=truncation,
            noise_mode=noise_mode,
            noise_seed=noise_seed,
        )
        outputs.append(_numpy(images))
    return np.concatenate(outputs)


def _latents(model, noise):
    noise = np.asarray(noise, "float32")
    if noise.ndim != 2 or noise.shape[1] != model.latent_dim:
        raise ValueError(
            f"`noise` must have shape (n, {model.latent_dim}). Received: "
            f"shape {noise.shape}"
        )
    return noise


def mapping(model, noise, truncation=1.0, use_ema=True):
    generator = _generator(model, use_ema)
    w = generator.mapping(_latents(model, noise))
    return _numpy(generator.truncate(w, _truncation(truncation)))


def _per_layer(model, w):
    w = np.asarray(w, "float32")
    if w.ndim == 2 and w.shape[1] == model.w_dim:
        w = np.repeat(w[:, None], model.num_ws, axis=1)
    if w.ndim != 3 or w.shape[1:] != (model.num_ws, model.w_dim):
        raise ValueError(
            f"`w` must have shape (n, {model.w_dim}) or (n, {model.num_ws}, "
            f"{model.w_dim}). Received: shape {w.shape}"
        )
    return w


def synthesize(model, w, noise_mode="const", noise_seed=None, use_ema=True):
    utils.check_choice("noise_mode", noise_mode, NOISE_MODES)
    generator = _generator(model, use_ema)
    seed = _noise_seed(noise_seed, 0) if noise_mode == "random" else None
    images = generator.synthesis(_per_layer(model, w), noise_mode, seed)
    return _numpy(ops.clip(images, -1.0, 1.0))


def _seed_ws(model, seeds, truncation):
    """Per-layer latents `(len(seeds), num_ws, w_dim)`, one z per seed."""
    noise = np.concatenate([_numpy(model.sample_noise(1, seed=int(s))) for s in seeds])
    return _per_layer(model, mapping(model, noise, truncation))


def style_mix(model, row_seeds, col_seeds, col_styles=None, truncation=1.0):
    row_seeds, col_seeds = list(row_seeds), list(col_seeds)
    if not row_seeds or not col_seeds:
        raise ValueError(
            "`row_seeds` and `col_seeds` must each hold at least one seed. "
            f"Received: row_seeds={row_seeds!r}, col_seeds={col_seeds!r}"
        )
    if col_styles is None:
        col_styles = range(model.num_ws // 2)
    col_styles = [
        utils.check_int("col_styles", i, 0, model.num_ws - 1) for i in col_styles
    ]
    rows, cols = (
        _seed_ws(model, row_seeds, truncation),
        _seed_ws(model, col_seeds, truncation),
    )
    mixed = np.repeat(rows[:, None], len(cols), axis=1)  # (R, C, num_ws, w_dim)
    mixed[:, :, col_styles] = cols[None, :, col_styles]
    images = synthesize(model, mixed.reshape(-1, model.num_ws, model.w_dim))
    return images.reshape(len(rows), len(cols), *images.shape[1:])


def latent_walk(model, steps=16, seed=0, space="w", method=None, truncation=1.0):
    steps = utils.check_int("steps", steps, minimum=2)
    utils.check_choice("space", space, SPACES)
    ends = latent.truncated_noise(2, model.latent_dim, 1.0, seed)
    if space == "z":
        path = latent.interpolate(ends[0], ends[1], steps, method or "slerp")
        w = mapping(model, path, truncation)
    else:
        w0, w1 = mapping(model, ends, truncation)
        w = latent.interpolate(w0, w1, steps, method or "linear")
    return synthesize(model, w)
