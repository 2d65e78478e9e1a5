"""`ConditionalGAN` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

_ADAM = {"class": "Adam", "learning_rate": 4e-4, "beta_1": 0.5}

PRESETS = {
    "cgan_digits": {
        "class": "ConditionalGAN",
        "description": (
            "Conditional GAN: conv generator on (z, one-hot y), projection "
            "discriminator with an AC head, EMA generator; 28x28x1 digits 0-9"
        ),
        "aliases": ["cgan_mnist"],
        "file": "cgan_digits.keras",
        "figures": {"label_accuracy": None, "digit_fd": None},
        "recipe": {
            "model": {
                "num_classes": 10,
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
                "ema_decay": 0.999,
            },
            "data": {"kind": "digits", "with_labels": True, "tfds": "mnist"},
            "epochs": 80,
            "batch_size": 64,
            "seed": 20140101,
            "out": "runs/cgan_mnist",
            "grid": {"kind": "samples", "labels": "per_class"},
            "evaluation": "cgan_digits",
            "flags": [
                {
                    "flag": "--architecture",
                    "target": "model.architecture",
                    "choices": ["mlp_conv", "conv", "maxout"],
                    "help": "maxout: the paper's model (Mirza & Osindero 2014)",
                }
            ],
        },
    },
}
