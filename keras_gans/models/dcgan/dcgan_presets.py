"""`DCGAN` presets: name -> description, shipped weights and training recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

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
            "compile": {"loss": "non_saturating"},
            "data": {"kind": "digits", "with_labels": False, "tfds": "mnist"},
            "epochs": 40,
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
