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
            "compile": {"loss": "non_saturating"},
            "data": {"kind": "digits", "with_labels": False, "tfds": "mnist"},
            "epochs": 30,
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
