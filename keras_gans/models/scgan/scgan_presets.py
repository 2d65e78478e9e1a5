"""`SelfConditionedGAN` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.

- `scgan_digits`: the DCGAN conv trunk of `cgan_digits` (projection D with
  an AC head on the cluster ids, EMA generator of decay 0.995, its
  Adam(1e-3, 0.5) decayed linearly to 1e-4 over the 100 epochs),
  conditioned on 50 k-means clusters of the 5000 embedded digits instead of
  their labels: an unconditional digit generator that uses no labels.
"""

__all__ = ["PRESETS"]

# As cgan_digits (BENCHMARKS.md, "cGAN recipe at 1e-3 with decay"): 1e-3
# decayed linearly to 1e-4 over the 100 epochs of 78 steps, EMA 0.995.
_RATE = {
    "class": "PolynomialDecay",
    "initial_learning_rate": 1e-3,
    "decay_steps": 100 * 78,
    "end_learning_rate": 1e-4,
    "power": 1.0,
}
_ADAM = {"class": "Adam", "learning_rate": _RATE, "beta_1": 0.5}

PRESETS = {
    "scgan_digits": {
        "class": "SelfConditionedGAN",
        "description": (
            "Liu et al. 2020: DCGAN conv nets conditioned on 50 k-means clusters "
            "of unlabelled digits (no labels used), 28x28x1"
        ),
        "aliases": [],
        "file": "scgan_digits.keras",
        "figures": {"class_entropy": None, "digit_fd": None},
        # The unconditional bars (issue 25's `dcgan_digits` bars).
        "bars": {
            "confident_fraction": [">=", 0.9],
            "class_entropy": [">=", 2.25],
            "digit_fd_ratio": ["<=", 2.0],
        },
        "recipe": {
            "model": {
                "num_clusters": 50,
                "image_size": 28,
                "channels": 1,
                "latent_dim": 100,
                "architecture": "conv",
                "generator_filters": 32,
                "discriminator_filters": 32,
                "conv_head": "projection",
                "auxiliary_weight": 1.0,
                "latent_distribution": "normal",
            },
            "compile": {
                "g_optimizer": _ADAM,
                "d_optimizer": _ADAM,
                "loss": "non_saturating",
                "ema_decay": 0.995,
            },
            # k-means ids of the embedded digits (seeded by `seed`), not labels.
            "data": {
                "kind": "digits",
                "with_labels": True,
                "cluster_labels": 50,
                "tfds": "mnist",
            },
            "epochs": 100,  # digit FD 4.6x real at 80, 4.3x at 100
            "batch_size": 64,
            "seed": 20200614,
            "out": "runs/scgan_digits",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "digit_report",
            "flags": [],
        },
    },
}
