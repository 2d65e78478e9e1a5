"""`DCGAN` presets: name -> description, shipped weights and training recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

# dcgan_digits: Adam(1e-3, 0.5) for both nets decayed linearly to 1e-4 over
# the recipe's 150 epochs of 78 steps (BENCHMARKS.md, session 4).
_RATE = {
    "class": "PolynomialDecay",
    "initial_learning_rate": 1e-3,
    "decay_steps": 150 * 78,
    "end_learning_rate": 1e-4,
    "power": 1.0,
}
_ADAM = {"class": "Adam", "learning_rate": _RATE, "beta_1": 0.5}

PRESETS = {
    "dcgan_digits": {
        "class": "DCGAN",
        "description": (
            "Radford et al. 2016: strided-conv generator and discriminator, "
            "28x28x1 digits"
        ),
        "aliases": ["dcgan_mnist"],
        "file": "dcgan_digits.keras",
        "figures": {"class_entropy": None, "digit_fd": None},
        "bars": {
            "confident_fraction": [">=", 0.9],
            "class_entropy": [">=", 2.25],
            "digit_fd_ratio": ["<=", 2.0],
        },
        "recipe": {
            "model": {
                "image_size": 28,
                "channels": 1,
                "latent_dim": 100,
                "generator_filters": 32,
                "discriminator_filters": 32,
                "kernel_size": 5,
            },
            # Deviations from the paper's constant Adam(2e-4, 0.5) for both
            # nets, measured in BENCHMARKS.md: Adam(1e-3, 0.5) decayed
            # linearly to 1e-4, an EMA generator (Karras et al. 2018) and a
            # lazy R1 penalty on D (Mescheder et al. 2018, gamma 1, every 4
            # D steps, weighted by 4 as in StyleGAN2).
            "compile": {
                "loss": "non_saturating",
                "g_optimizer": _ADAM,
                "d_optimizer": _ADAM,
                "ema_decay": 0.995,
                "r1_weight": 1.0,
                "d_reg_interval": 4,
            },
            "data": {"kind": "digits", "with_labels": False, "tfds": "mnist"},
            "epochs": 150,
            "batch_size": 64,  # twice the updates per epoch of the paper's 128
            "seed": 20160107,
            "out": "runs/dcgan_mnist",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "digit_report",
            "flags": [
                {"flag": "--generator-filters", "target": "model.generator_filters"},
                {
                    "flag": "--discriminator-filters",
                    "target": "model.discriminator_filters",
                },
            ],
        },
    },
}
