"""Projecting an image into StyleGAN2's W (Karras et al. 2020, sec 5).

The official projector (`projector.py` of StyleGAN2-ADA) starts at `w_avg`,
optimises one w (broadcast to every layer) with Adam(β = 0.9, 0.999), a
learning rate ramped up over the first 5% and down (cosine) over the last
25% of the steps, and Gaussian noise added to w whose scale falls
quadratically to 0 over the first 75%. Its distance is LPIPS on VGG16
features, which this machine cannot download: here the distance is the
mean squared pixel difference, or the squared difference of the features of
any Keras model given as `features` (e.g. a VGG or the digit classifier's
trunk). The noise maps stay at their constant values (the official
projector also optimises them, with a regulariser); only w moves.
"""

import math

import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import utils
from keras_gans.training.optimizers import FusedAdam

__all__ = ["project"]


def _schedule(step, steps, initial_learning_rate, rampdown, rampup):
    t = step / steps
    ramp = min(1.0, (1.0 - t) / rampdown)
    ramp = 0.5 - 0.5 * math.cos(ramp * math.pi)
    return initial_learning_rate * ramp * min(1.0, t / rampup)


def project(
    model,
    target,
    steps=1000,
    features=None,
    w_avg_samples=10000,
    initial_learning_rate=0.1,
    initial_noise_factor=0.05,
    lr_rampdown_length=0.25,
    lr_rampup_length=0.05,
    noise_ramp_length=0.75,
    seed=123,
    use_ema=True,
):
    """Finds the w whose image is closest to `target`.

    Args:
        model: a `StyleGAN2`.
        target: `(H, W, C)` image at the model's size, float in [-1, 1] or
            uint8.
        steps: int. Optimisation steps (official: 1000).
        features: `None` (pixel loss) or a `keras.Model` mapping images in
            [-1, 1] to features: the loss is their squared difference.
        w_avg_samples: int. Latents used for the mean and spread of w.
        initial_learning_rate, initial_noise_factor, lr_rampdown_length,
        lr_rampup_length, noise_ramp_length: the official schedule.
        seed: int. Seed of the latents and of the noise added to w.
        use_ema: bool. Project into the EMA generator when there is one.

    Returns:
        `(w, image)`: float32 `(w_dim,)` and the reconstruction `(H, W, C)`
        in [-1, 1].

    Raises:
        ValueError: a target of the wrong shape or range (named).
    """
    steps = utils.check_int("steps", steps, minimum=1)
    w_avg_samples = utils.check_int("w_avg_samples", w_avg_samples, minimum=1)
    target = utils.check_unit_range(target, "target")
    if target.shape != tuple(model.sample_shape):
        raise ValueError(
            f"`target` must be one image of shape {tuple(model.sample_shape)}. "
            f"Received: shape {target.shape}"
        )
    generator = model.sampling_generator if use_ema else model.generator
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((w_avg_samples, model.latent_dim)).astype("float32")
    w_samples = np.concatenate(
        [
            ops.convert_to_numpy(generator.mapping(z[i : i + 1024]))
            for i in range(0, len(z), 1024)
        ]
    )
    w_avg = w_samples.mean(axis=0, keepdims=True)  # (1, w_dim)
    w_std = float(np.sqrt(np.sum((w_samples - w_avg) ** 2) / w_avg_samples))

    def embed(images):
        return images if features is None else features(images, training=False)

    target_features = embed(tf.constant(target[None]))
    w_opt = tf.Variable(w_avg, dtype=tf.float32, name="w")
    optimizer = FusedAdam(learning_rate=initial_learning_rate, beta_1=0.9, beta_2=0.999)
    optimizer.build([w_opt])

    @tf.function
    def step(learning_rate, noise_scale, noise_seed):
        with tf.GradientTape() as tape:
            noise = (
                tf.random.stateless_normal(tf.shape(w_opt), noise_seed) * noise_scale
            )
            ws = generator.broadcast(w_opt + noise)
            images = generator.synthesis(ws, "const")
            loss = tf.reduce_mean(tf.square(embed(images) - target_features))
        grads = tape.gradient(loss, [w_opt])
        optimizer.learning_rate.assign(learning_rate)
        optimizer.apply(grads, [w_opt])
        return loss

    for i in range(steps):
        t = i / steps
        noise_scale = (
            w_std * initial_noise_factor * max(0.0, 1.0 - t / noise_ramp_length) ** 2
        )
        rate = _schedule(
            i, steps, initial_learning_rate, lr_rampdown_length, lr_rampup_length
        )
        step(
            tf.constant(rate, tf.float32),
            tf.constant(noise_scale, tf.float32),
            tf.constant([seed, i], tf.int64),
        )
    w = w_opt.numpy()[0]
    images = generator.synthesis(generator.broadcast(w_opt), "const")
    image = np.asarray(ops.convert_to_numpy(ops.clip(images, -1.0, 1.0)))[0]
    return w.astype("float32"), image.astype("float32")
