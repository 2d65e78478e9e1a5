"""Adversarial loss pairs and penalties, as pure `keras.ops` functions.

Every loss family has one generator loss and one discriminator loss with one
signature each (TF-GAN style):

    <family>_generator_loss(fake_logits) -> scalar
    <family>_discriminator_loss(real_logits, fake_logits) -> scalar

Logits may have any shape: `(B, 1)` for an image-level discriminator or
`(B, H, W, 1)` for a PatchGAN map. Each loss is the mean over all elements,
computed in float32 even when the logits are float16 or bfloat16, so mixed
precision stays stable. Every loss is a quantity to *minimise*.

The relativistic pairing loss (RpGAN, the loss of R3GAN) also needs the real
logits in the generator loss: its generator loss takes
`(fake_logits, real_logits)` and carries `needs_real_logits = True`, which
`AdversarialModel`'s G step reads (`needs_real_logits(fn)`).

`LOSSES` maps a family name to its `(generator_loss, discriminator_loss)` pair
and `get(name)` looks one up. Penalties (`gradient_penalty`, `r1_penalty`,
`r2_penalty`, `drift_penalty`) are separate named functions: callers add them
to the discriminator loss with their own weights.
"""

import keras
import tensorflow as tf
from keras import ops

__all__ = [
    "ALIASES",
    "LOSSES",
    "drift_penalty",
    "get",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "needs_real_logits",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "r1_penalty",
    "r2_penalty",
    "relativistic_pairing_discriminator_loss",
    "relativistic_pairing_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]


def _f32(x):
    """Any tensor-like -> a float32 tensor (losses are computed in float32)."""
    return ops.cast(ops.convert_to_tensor(x), "float32")


# --------------------------------------------------------------------- minimax
# Goodfellow et al. 2014, "Generative Adversarial Nets", eq. 1:
#   min_G max_D  E[log D(x)] + E[log(1 - D(G(z)))],  D(.) = sigmoid(logits).
# Both losses use softplus for stability: -log(sigmoid(l)) = softplus(-l) and
# -log(1 - sigmoid(l)) = softplus(l).


def minimax_generator_loss(fake_logits):
    """Saturating minimax generator loss `mean(log(1 - D(G(z))))`.

    Goodfellow et al. 2014, eq. 1. Its gradient vanishes when D confidently
    rejects the fakes, which is why `non_saturating_generator_loss` is the
    usual choice in practice.

    Args:
        fake_logits: tensor. Discriminator logits on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> float(minimax_generator_loss(keras.ops.zeros((2, 1))))  # log(1/2)
    -0.6931...
    """
    fake_logits = _f32(fake_logits)
    return -ops.mean(ops.softplus(fake_logits))  # log(1 - sigmoid(D(G(z))))


def minimax_discriminator_loss(real_logits, fake_logits):
    """Minimax discriminator loss `-mean(log D(x)) - mean(log(1 - D(G(z))))`.

    Goodfellow et al. 2014, eq. 1: the binary cross-entropy of real samples
    labelled 1 and generated samples labelled 0.

    Args:
        real_logits: tensor. Discriminator logits on real samples.
        fake_logits: tensor. Discriminator logits on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> z = keras.ops.zeros((2, 1))
    >>> float(minimax_discriminator_loss(z, z))  # 2 log 2
    1.3862...
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    real_loss = ops.mean(ops.softplus(-real_logits))  # -log(sigmoid(D(x)))
    fake_loss = ops.mean(ops.softplus(fake_logits))  # -log(1 - sigmoid(D(G(z))))
    return real_loss + fake_loss


# -------------------------------------------------------------- non-saturating
# Goodfellow et al. 2014, section 3: instead of minimising log(1 - D(G(z))),
# G maximises log D(G(z)), which gives strong gradients early in training.
# The discriminator loss is the minimax one.


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss `-mean(log D(G(z)))`.

    Goodfellow et al. 2014, section 3.

    Args:
        fake_logits: tensor. Discriminator logits on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> float(non_saturating_generator_loss(keras.ops.zeros((2, 1))))  # log 2
    0.6931...
    """
    fake_logits = _f32(fake_logits)
    return ops.mean(ops.softplus(-fake_logits))  # -log(sigmoid(D(G(z))))


# Goodfellow et al. 2014, section 3: the non-saturating game keeps the
# minimax discriminator loss (eq. 1); an alias, not a copy.
non_saturating_discriminator_loss = minimax_discriminator_loss

# --------------------------------------------------------------- least squares
# Mao et al. 2017, "Least Squares Generative Adversarial Networks", eq. 2 with
# the 0-1 coding a = 0 (fake label), b = 1 (real label), c = 1 (the value G
# wants D to believe):
#   min_D 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]
#   min_G 1/2 E[(D(G(z)) - c)^2]
# D(.) is the raw output here, no sigmoid.


def least_squares_generator_loss(fake_logits):
    """LSGAN generator loss `0.5 * mean((D(G(z)) - 1)^2)`.

    Mao et al. 2017, eq. 2 with c = 1.

    Args:
        fake_logits: tensor. Discriminator outputs on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> float(least_squares_generator_loss(keras.ops.zeros((2, 1))))
    0.5
    """
    fake_logits = _f32(fake_logits)
    return 0.5 * ops.mean(ops.square(fake_logits - 1.0))  # 1/2 (D(G(z)) - c)^2


def least_squares_discriminator_loss(real_logits, fake_logits):
    """LSGAN discriminator loss `0.5 * mean((D(x) - 1)^2) + 0.5 * mean(D(G(z))^2)`.

    Mao et al. 2017, eq. 2 with a = 0, b = 1.

    Args:
        real_logits: tensor. Discriminator outputs on real samples.
        fake_logits: tensor. Discriminator outputs on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> z = keras.ops.zeros((2, 1))
    >>> float(least_squares_discriminator_loss(z, z))
    0.5
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    real_loss = 0.5 * ops.mean(ops.square(real_logits - 1.0))  # 1/2 (D(x) - b)^2
    fake_loss = 0.5 * ops.mean(ops.square(fake_logits))  # 1/2 (D(G(z)) - a)^2
    return real_loss + fake_loss


# ----------------------------------------------------------------- Wasserstein
# Arjovsky et al. 2017, "Wasserstein GAN", eq. 3: the critic f estimates
#   W(P_r, P_g) = max_f  E[f(x)] - E[f(G(z))]
# over 1-Lipschitz f (enforced by weight clipping, or by `gradient_penalty`).


def wasserstein_generator_loss(fake_logits):
    """Wasserstein generator loss `-mean(f(G(z)))`.

    Arjovsky et al. 2017, eq. 3.

    Args:
        fake_logits: tensor. Critic scores on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> float(wasserstein_generator_loss(keras.ops.ones((2, 1))))
    -1.0
    """
    fake_logits = _f32(fake_logits)
    return -ops.mean(fake_logits)  # -E[f(G(z))]


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Wasserstein critic loss `mean(f(G(z))) - mean(f(x))`.

    Arjovsky et al. 2017, eq. 3: the negated estimate of the Wasserstein-1
    distance, so that minimising it maximises the estimate.

    Args:
        real_logits: tensor. Critic scores on real samples.
        fake_logits: tensor. Critic scores on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> o = keras.ops.ones((2, 1))
    >>> float(wasserstein_discriminator_loss(o, -o))
    -2.0
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    return ops.mean(fake_logits) - ops.mean(real_logits)  # E[f(G(z))] - E[f(x)]


# ----------------------------------------------------------------------- hinge
# Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, "Spectral Normalization
# for Generative Adversarial Networks", eq. 16-17:
#   L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]
#   L_G = -E[D(G(z))]
# L_G is the Wasserstein generator loss (Arjovsky et al. 2017, eq. 3): an
# alias, not a copy.
hinge_generator_loss = wasserstein_generator_loss


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss `mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))`.

    Lim & Ye 2017; Miyato et al. 2018, eq. 16.

    Args:
        real_logits: tensor. Discriminator logits on real samples.
        fake_logits: tensor. Discriminator logits on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> z = keras.ops.zeros((2, 1))
    >>> float(hinge_discriminator_loss(z, z))
    2.0
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    real_loss = ops.mean(ops.relu(1.0 - real_logits))  # max(0, 1 - D(x))
    fake_loss = ops.mean(ops.relu(1.0 + fake_logits))  # max(0, 1 + D(G(z)))
    return real_loss + fake_loss


# -------------------------------------------------------- relativistic pairing
# Jolicoeur-Martineau 2019, "The relativistic discriminator: a key element
# missing from standard GAN", sec 4 (RpGAN, paired real/fake samples), and
# Huang et al. 2024, "The GAN is dead; long live the GAN! A Modern GAN
# Baseline" (R3GAN), eq. 2 and 4, with f(t) = -log(1 + exp(-t)):
#   max_D E_{z,x}[f(D(x) - D(G(z)))],   max_G E_{z,x}[f(D(G(z)) - D(x))].
# As losses to minimise, with -f(t) = softplus(-t):
#   L_D = E[softplus(D(G(z)) - D(x))],  L_G = E[softplus(D(x) - D(G(z)))].
# Each fake is paired with the real sample at the same batch index (and, for a
# PatchGAN map, the same position). R3GAN adds R1 and R2 (`r2_penalty`), eq. 5.


def relativistic_pairing_generator_loss(fake_logits, real_logits):
    """RpGAN generator loss `mean(softplus(D(x) - D(G(z))))`.

    Jolicoeur-Martineau 2019, sec 4; Huang et al. 2024 (R3GAN), eq. 2. G
    wants each fake to score higher than the real sample it is paired with.

    Args:
        fake_logits: tensor. Discriminator logits on generated samples.
        real_logits: tensor of the same shape. Logits on the real samples
            of the same batch (constants for the generator update).

    Returns:
        A float32 scalar.

    Example:
    >>> fake, real = keras.ops.zeros((2, 1)), keras.ops.ones((2, 1))
    >>> round(float(relativistic_pairing_generator_loss(fake, real)), 4)
    1.3133
    """
    fake_logits, real_logits = _f32(fake_logits), _f32(real_logits)
    return ops.mean(ops.softplus(real_logits - fake_logits))


relativistic_pairing_generator_loss.needs_real_logits = True


def relativistic_pairing_discriminator_loss(real_logits, fake_logits):
    """RpGAN discriminator loss `mean(softplus(D(G(z)) - D(x)))`.

    Jolicoeur-Martineau 2019, sec 4; Huang et al. 2024 (R3GAN), eq. 2. D
    wants each real sample to score higher than its paired fake.

    Args:
        real_logits: tensor. Discriminator logits on real samples.
        fake_logits: tensor of the same shape. Logits on generated samples.

    Returns:
        A float32 scalar.

    Example:
    >>> fake, real = keras.ops.zeros((2, 1)), keras.ops.ones((2, 1))
    >>> round(float(relativistic_pairing_discriminator_loss(real, fake)), 4)
    0.3133
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    return ops.mean(ops.softplus(fake_logits - real_logits))


def needs_real_logits(generator_loss):
    """Whether `generator_loss` takes `(fake_logits, real_logits)` (a
    relativistic loss) rather than `(fake_logits)`.

    Example:
    >>> needs_real_logits(relativistic_pairing_generator_loss)
    True
    >>> needs_real_logits(non_saturating_generator_loss)
    False
    """
    return bool(getattr(generator_loss, "needs_real_logits", False))


# ----------------------------------------------------------------------- table
LOSSES = {
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": (
        non_saturating_generator_loss,
        non_saturating_discriminator_loss,
    ),
    "least_squares": (
        least_squares_generator_loss,
        least_squares_discriminator_loss,
    ),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "relativistic_pairing": (
        relativistic_pairing_generator_loss,
        relativistic_pairing_discriminator_loss,
    ),
}

# Short names in common use, each mapped to its family in `LOSSES`.
ALIASES = {
    "ns": "non_saturating",
    "lsgan": "least_squares",
    "wgan": "wasserstein",
    "rpgan": "relativistic_pairing",
}


def get(loss):
    """Returns the `(generator_loss, discriminator_loss)` pair of a loss.

    Args:
        loss: str or pair of callables. A family name in `LOSSES` (`"minimax"`,
            `"non_saturating"`, `"least_squares"`, `"wasserstein"`, `"hinge"`,
            `"relativistic_pairing"`), one of the aliases `"ns"`
            (non-saturating), `"lsgan"` (least squares), `"wgan"`
            (Wasserstein) and `"rpgan"` (relativistic pairing), or a
            `(generator_loss, discriminator_loss)` pair of callables, which is
            returned unchanged.

    Returns:
        A `(generator_loss, discriminator_loss)` pair.

    Example:
    >>> g_loss, d_loss = get("hinge")
    >>> d_loss.__name__
    'hinge_discriminator_loss'
    >>> g_loss is hinge_generator_loss is wasserstein_generator_loss
    True
    """
    if isinstance(loss, str):
        name = ALIASES.get(loss, loss)
        if name not in LOSSES:
            raise ValueError(
                f"Unknown loss {loss!r}. Expected one of: "
                f"{', '.join(sorted(LOSSES))} "
                f"(aliases: {', '.join(sorted(ALIASES))})."
            )
        return LOSSES[name]
    if (
        isinstance(loss, (tuple, list))
        and len(loss) == 2
        and all(callable(fn) for fn in loss)
    ):
        return loss
    raise ValueError(
        "`loss` must be a loss name or a (generator_loss, discriminator_loss) "
        f"pair of callables. Received: loss={loss!r}"
    )


# ------------------------------------------------------------------- penalties
def _per_sample_shape(x):
    """(B, d1, ..., dk) -> (B, 1, ..., 1), with B possibly dynamic."""
    return (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)


def _input_gradients(critic, x):
    """Gradient of sum(critic(x)) w.r.t. x, itself differentiable.

    The sum over the batch gives each sample's own gradient as long as the
    critic treats samples independently (no BatchNorm in training mode, no
    MinibatchStdDev); with layers that mix the batch this is the usual
    approximation (Gulrajani et al. 2017 and Karras et al. 2018 do the same).
    A caller's outer `tf.GradientTape` records these ops, so the penalty can
    be differentiated w.r.t. the critic's weights.
    """
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = _f32(critic(x))  # (B, 1) or (B, H, W, 1)
        total = ops.sum(scores)
    return _f32(tape.gradient(total, x))  # (B, ...) like x


def gradient_penalty(critic, real, fake, seed=None, target=1.0, eps=None):
    """WGAN-GP gradient penalty `mean((||grad_x_hat D(x_hat)||_2 - target)^2)`.

    Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", eq. 3 and
    algorithm 1: `x_hat = real + eps * (fake - real)` with one
    `eps ~ U(0, 1)` per sample; the norm is taken over all non-batch axes.
    The paper's weight is lambda = 10; callers multiply by it. Karras et al.
    2018 (PGGAN) use the same penalty (with `target=1.0`).

    A tiny constant (1e-10) is added under the square root so the penalty's
    gradient stays finite where the input gradient is exactly zero.

    Args:
        critic: callable. Maps a batch of samples to scores, `(B, ...)` ->
            `(B, 1)` or a PatchGAN map. Use a closure for a conditional critic
            or to pass `training=True`: `lambda x: D([x, labels], training=True)`.
        real: tensor. Real samples, `(B, ...)`.
        fake: tensor. Generated samples, same shape as `real`.
        seed: None, int or `keras.random.SeedGenerator`. Seed of `eps`. An int
            draws the same `eps` on every call; inside a compiled `train_step`
            pass a `SeedGenerator` that the model owns.
        target: float. The gradient norm the penalty pulls towards.
        eps: tensor or `None`. The interpolation weights, `(B, 1, ..., 1)`;
            drawn from `seed` when `None` (callers with a random stream of
            their own, e.g. one per replica, pass them in).

    Returns:
        A float32 scalar. Differentiable w.r.t. the critic's weights.

    Example:
    >>> critic = lambda x: keras.ops.sum(x, axis=1, keepdims=True)  # grad = 1
    >>> x = keras.ops.zeros((2, 4))
    >>> round(float(gradient_penalty(critic, x, x + 1.0, seed=0)), 4)  # (2-1)^2
    1.0
    """
    real, fake = _f32(real), _f32(fake)
    if eps is None:
        eps = keras.random.uniform(_per_sample_shape(real), seed=seed)  # (B, 1, ..., 1)
    eps = _f32(eps)
    x_hat = real + eps * (fake - real)  # (B, ...), on the segment real -> fake
    grads = _input_gradients(critic, x_hat)  # (B, ...)
    axes = tuple(range(1, len(grads.shape)))
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=axes) + 1e-10)  # (B,)
    return ops.mean(ops.square(norms - target))  # E[(||grad D(x_hat)|| - 1)^2]


def r1_penalty(critic, real):
    """R1 penalty `mean_i(sum_j (d sum(D(x)) / d x_ij)^2)` on real samples.

    Mescheder et al. 2018, "Which Training Methods for GANs do actually
    Converge?", eq. 9: `R1 = gamma / 2 * E[||grad_x D(x)||^2]`. This function
    returns `E[||grad_x D(x)||^2]` only; callers multiply it by `gamma / 2`.

    Args:
        critic: callable. Maps a batch of samples to logits, `(B, ...)` ->
            `(B, 1)` or a PatchGAN map (closures for conditional critics).
        real: tensor. Real samples, `(B, ...)`.

    Returns:
        A float32 scalar. Differentiable w.r.t. the critic's weights.

    Example:
    >>> critic = lambda x: keras.ops.sum(2.0 * x, axis=1, keepdims=True)
    >>> float(r1_penalty(critic, keras.ops.zeros((2, 3))))  # 3 * 2^2
    12.0
    """
    real = _f32(real)
    grads = _input_gradients(critic, real)  # (B, ...)
    axes = tuple(range(1, len(grads.shape)))
    return ops.mean(ops.sum(ops.square(grads), axis=axes))  # E[||grad D(x)||^2]


def r2_penalty(critic, fake):
    """R2 penalty `mean_i(sum_j (d sum(D(x)) / d x_ij)^2)` on generated samples.

    Mescheder et al. 2018, sec 4.1 (R2: the same gradient norm on the
    generator's distribution); Huang et al. 2024 (R3GAN), eq. 5, add
    `gamma / 2 * (R1 + R2)` to the RpGAN loss. Returns the expectation only;
    callers multiply it by `gamma / 2`. Pass the fakes as constants
    (`stop_gradient`): the penalty regularizes D, not G.

    Args:
        critic: callable. Maps a batch of samples to logits (as `r1_penalty`).
        fake: tensor. Generated samples, `(B, ...)`.

    Returns:
        A float32 scalar. Differentiable w.r.t. the critic's weights.

    Example:
    >>> critic = lambda x: keras.ops.sum(3.0 * x, axis=1, keepdims=True)
    >>> float(r2_penalty(critic, keras.ops.ones((2, 2))))  # 2 * 3^2
    18.0
    """
    return r1_penalty(critic, fake)  # the same norm, on the other distribution


def drift_penalty(real_logits):
    """Drift penalty `mean(D(x)^2)` that keeps critic scores near zero.

    Karras et al. 2018, "Progressive Growing of GANs", appendix A.1: added to
    the WGAN-GP critic loss with weight eps_drift = 0.001; callers multiply
    by it.

    Args:
        real_logits: tensor. Critic scores on real samples.

    Returns:
        A float32 scalar.

    Example:
    >>> float(drift_penalty(keras.ops.full((2, 1), 3.0)))
    9.0
    """
    real_logits = _f32(real_logits)
    return ops.mean(ops.square(real_logits))  # E[D(x)^2]
