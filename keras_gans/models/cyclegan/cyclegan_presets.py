"""`CycleGAN` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

_MODEL_FLAGS = [
    {"flag": "--generator-filters", "target": "model.generator_filters"},
    {"flag": "--discriminator-filters", "target": "model.discriminator_filters"},
    {
        "flag": "--residual-blocks",
        "target": "model.num_residual_blocks",
        "type": "int",
    },
    {"flag": "--n-layers", "target": "model.num_discriminator_layers"},
    {"flag": "--cycle-weight", "target": "model.cycle_weight"},
    {"flag": "--identity-weight", "target": "model.identity_weight"},
    {"flag": "--pool-size", "target": "model.pool_size"},
]

PRESETS = {
    "cyclegan_digits": {
        "class": "CycleGAN",
        "description": (
            "Zhu et al. 2017: ResNet generators + PatchGANs translating 32x32 "
            "grey digits (A) <-> their edge maps (B) without pairs; scaled "
            "down for a CPU: 16 filters, 3 residual blocks, 34x34 patches, "
            "batch 4"
        ),
        "aliases": [],
        "file": "cyclegan_digits.keras",
        "figures": {"cycle_accuracy": None, "btoa_accuracy": None, "atob_l1": None},
        "bars": {"btoa_accuracy": [">=", 0.95], "cycle_accuracy": [">=", 0.97]},
        "recipe": {
            "model": {
                "image_size": 32,
                "channels_a": 1,
                "generator_filters": 16,  # paper: 64
                "discriminator_filters": 16,  # paper: 64
                "num_residual_blocks": 3,  # paper: 6 at 128x128
                "num_discriminator_layers": 2,  # 34x34 patches (paper: 70x70)
                "cycle_weight": 10.0,
                "identity_weight": 0.5,
                "pool_size": 50,
            },
            "compile": {},
            "data": {"kind": "digit_unpaired"},
            "epochs": 5,
            "batch_size": 4,
            "seed": 20170330,
            "out": "runs/cyclegan_digits",
            # a | G(a) | F(G(a)) | true edges, and b | F(b) | G(F(b)) | true digit
            "grid": {"kind": "cycle_translations", "num": 16, "groups": 4},
            "evaluation": "cyclegan_digits",
            "flags": _MODEL_FLAGS,
        },
    },
    "cyclegan_horse2zebra": {
        "class": "CycleGAN",
        "description": (
            "Zhu et al. 2017, the paper's horse2zebra settings: 256x256, 9 "
            "residual blocks, 70x70 PatchGANs, batch 1, 200 epochs (config only)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "recipe": {
            "model": {
                "image_size": 256,
                "channels_a": 3,
                "generator_filters": 64,
                "discriminator_filters": 64,
                "num_residual_blocks": 9,
                "num_discriminator_layers": 3,  # 70x70 PatchGAN
                "cycle_weight": 10.0,
                "identity_weight": 0.5,
                "pool_size": 50,
            },
            "compile": {},
            "data": {
                "kind": "cyclegan_folder",
                "dataset": "horse2zebra",  # downloaded when --data-dir is not given
                "load_size": 286,  # random jitter: resize to 286, crop 256
            },
            "epochs": 200,  # 100 at the constant rate, 100 decaying to 0
            "batch_size": 1,
            "seed": 20170330,
            "out": "runs/cyclegan_horse2zebra",
            "grid": {"kind": "cycle_translations", "num": 4, "groups": 1},
            "evaluation": "cyclegan_folder",
            "data_dir_help": "a downloaded copy (the folder holding trainA/, "
            "trainB/, testA/, testB/); default: download the official "
            "horse2zebra archive (~110 MB)",
            "flags": [
                {"flag": "--image-size", "target": "model.image_size"},
                {"flag": "--load-size", "target": "data.load_size"},
                *_MODEL_FLAGS,
            ],
        },
    },
}
