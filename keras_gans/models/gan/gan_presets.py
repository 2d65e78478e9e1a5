"""`GAN` presets: name -> description, shipped weights and training recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

PRESETS = {
    "gan_digits": {
        "class": "GAN",
        "description": (
            "Goodfellow et al. 2014: ReLU MLP generator vs Maxout discriminator, "
            "28x28x1 digits"
        ),
        "aliases": ["gan_mnist"],
        "file": "gan_digits.keras",
        "figures": {"class_entropy": None, "digit_fd": None},
        "bars": {
            "confident_fraction": [">=", 0.8],
            "class_entropy": [">=", 2.2],
            "digit_fd_ratio": ["<=", 3.0],
        },
        "recipe": {
            "model": {"latent_dim": 100},
            # Two time scales (Heusel et al. 2017): G's Adam 5x faster than
            # D's, and an EMA of G (Karras et al. 2018). With the same Adam
            # (2e-4) for both, the MLP G collapsed to one grey blob.
            "compile": {
                "loss": "non_saturating",
                "g_optimizer": {"class": "Adam", "learning_rate": 1e-3, "beta_1": 0.5},
                "d_optimizer": {"class": "Adam", "learning_rate": 2e-4, "beta_1": 0.5},
                "ema_decay": 0.999,
            },
            "data": {"kind": "digits", "with_labels": False, "tfds": "mnist"},
            "epochs": 100,
            "batch_size": 100,
            "seed": 20140610,
            "out": "runs/gan_mnist",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "digit_report",
            "flags": [
                {
                    "flag": "--loss",
                    "target": "compile.loss",
                    "choices": ["non_saturating", "minimax"],
                    "help": "minimax: the paper's value function as written",
                }
            ],
        },
    },
}
