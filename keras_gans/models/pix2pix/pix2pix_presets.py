"""`Pix2Pix` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`.
"""

__all__ = ["PRESETS"]

_FILTER_FLAGS = [
    {"flag": "--generator-filters", "target": "model.generator_filters"},
    {"flag": "--discriminator-filters", "target": "model.discriminator_filters"},
    {"flag": "--n-layers", "target": "model.num_discriminator_layers"},
    {"flag": "--l1-weight", "target": "model.l1_weight"},
    {
        "flag": "--normalization",
        "target": "model.normalization",
        "choices": ["batch", "instance"],
    },
]

PRESETS = {
    "pix2pix_digits": {
        "class": "Pix2Pix",
        "description": (
            "Isola et al. 2017: U-Net + PatchGAN translating digit edge maps "
            "to 32x32 grey digits"
        ),
        "aliases": [],
        "file": "pix2pix_digits.keras",
        "figures": {"heldout_l1": None, "heldout_accuracy": None},
        "bars": {"heldout_accuracy": [">=", 0.98]},
        "recipe": {
            "model": {
                "image_size": 32,
                "input_channels": 1,
                "channels": 1,
                "generator_filters": 32,
                "discriminator_filters": 32,
                "num_discriminator_layers": 1,  # 16x16 patches: half the image
                "normalization": "batch",
                "l1_weight": 100.0,
            },
            "compile": {"loss": "non_saturating"},
            "data": {"kind": "digit_pairs"},
            "epochs": 24,  # held-out translations read right: 0.957 at 6, 0.975 at 24
            "batch_size": 32,
            "seed": 20170321,
            "out": "runs/pix2pix_digits",
            # input | translated | target of the first 16 held-out pairs.
            "grid": {"kind": "translations", "num": 16, "groups": 4},
            "evaluation": "pix2pix_digits",
            "flags": _FILTER_FLAGS,
        },
    },
    "pix2pix_facades": {
        "class": "Pix2Pix",
        "description": (
            "Isola et al. 2017, the paper's CMP Facades settings: label maps "
            "-> 256x256 photos (config only)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "recipe": {
            "model": {
                "image_size": 256,
                "input_channels": 3,
                "channels": 3,
                "generator_filters": 64,
                "discriminator_filters": 64,
                "num_discriminator_layers": 3,  # 70x70 PatchGAN
                # What the paper's BatchNorm computes at batch size 1.
                "normalization": "instance",
                "l1_weight": 100.0,
            },
            "compile": {"loss": "non_saturating"},
            "data": {
                "kind": "pix2pix_folder",
                "dataset": "facades",  # downloaded when --data-dir is not given
                "direction": "BtoA",  # labels -> photo
                "load_size": 286,  # random jitter: resize to 286, crop 256
                "train": ["train"],
                "validation": ["val", "test"],
            },
            "epochs": 200,
            "batch_size": 1,
            "seed": 20161121,
            "out": "runs/pix2pix_facades",
            "grid": {"kind": "translations", "num": 4, "groups": 1},
            "evaluation": "pix2pix_folder",
            "data_dir_help": "a downloaded copy (the folder holding train/ and "
            "val/); default: download the pix2pix facades archive (~30 MB)",
            "flags": [
                {
                    "flag": "--direction",
                    "target": "data.direction",
                    "choices": ["AtoB", "BtoA"],
                },
                {"flag": "--image-size", "target": "model.image_size"},
                {"flag": "--load-size", "target": "data.load_size"},
                *_FILTER_FLAGS,
            ],
        },
    },
}
