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
            # Deviation from the paper's Adam(2e-4, 0.5) for both nets: two time
            # scales (Heusel et al. 2017: G's Adam 5x faster than D's) and an
            # EMA generator (Karras et al. 2018); measured in BENCHMARKS.md.
            "compile": {
                "loss": "non_saturating",
                "g_optimizer": {"class": "Adam", "learning_rate": 1e-3, "beta_1": 0.5},
                "d_optimizer": {"class": "Adam", "learning_rate": 2e-4, "beta_1": 0.5},
                "ema_decay": 0.999,
            },
            "data": {"kind": "digits", "with_labels": False, "tfds": "mnist"},
            "epochs": 60,
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
