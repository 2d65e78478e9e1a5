"""`ProgressiveGAN` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`. A `schedule` is the
`ProgressiveSchedule` of the run: thousands of images (kimg) per phase and
the minibatch per resolution; `sample_dir` is relative to the run's `--out`.
"""

__all__ = ["PRESETS"]

_TINY_MAPS = [
    {"flag": "--fmap-base", "target": "model.fmap_base"},
    {"flag": "--fmap-max", "target": "model.fmap_max"},
    {"flag": "--latent-dim", "target": "model.latent_dim"},
]

PRESETS = {
    "pggan_digits": {
        "class": "ProgressiveGAN",
        "description": (
            "Karras et al. 2018, made small: grows 4x4 -> 32x32 on digits "
            "padded to 32x32"
        ),
        "aliases": [],
        "file": "pggan_digits.keras",
        "figures": {"class_entropy": None, "confident_fraction": None},
        "bars": {
            "resolution": [">=", 32],
            "confident_fraction": [">=", 0.9],
            "class_entropy": [">=", 2.25],
            "digit_fd_ratio": ["<=", 2.0],
        },
        "recipe": {
            "model": {
                "image_size": 32,
                "channels": 1,
                "latent_dim": 128,
                "fmap_base": 256,
                "fmap_max": 64,
            },
            # An EMA over ~100 steps: the phases are short. XLA was slower on CPU.
            "compile": {"ema_decay": 0.99},
            "data": {
                "kind": "digits",
                "with_labels": False,
                "tfds": "mnist",
                "pad_to": 32,
                "repeat": True,
            },
            "epochs": 8,  # the schedule is split into this many epochs
            "batch_size": 32,  # the largest minibatch; the dataset's batch
            "seed": 20180215,
            "out": "runs/pggan_digits",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "pggan_digits",
            "schedule": {
                "first_kimg": 20.0,
                "fade_kimg": 16.0,
                "stable_kimg": {8: 40.0, 16: 360.0},
                "final_kimg": 60.0,
                # More, smaller steps where steps are cheap.
                "batch_sizes": {4: 16, 8: 16, 16: 16, 32: 32},
                "sample_dir": "phases",
                "num_samples": 100,
            },
            "flags": [
                {
                    "flag": "--kimg-per-phase",
                    "type": "float",
                    "default": None,
                    "target": [
                        "schedule.first_kimg",
                        "schedule.fade_kimg",
                        "schedule.stable_kimg",
                        "schedule.final_kimg",
                    ],
                    "help": "thousands of images per phase, the same for every "
                    "phase (default: 20 at 4x4, 16 per fade-in, stable 40 at "
                    "8x8 and 360 at 16x16, 60 for the last)",
                },
                *_TINY_MAPS,
            ],
        },
    },
    "pggan_celeba": {
        "class": "ProgressiveGAN",
        "description": (
            "Karras et al. 2018, the paper's CelebA settings at 128x128 "
            "(config only: train it with your copy of CelebA)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "recipe": {
            "model": {
                "image_size": 128,
                "channels": 3,
                "latent_dim": 512,
                "fmap_base": 8192,
                "fmap_max": 512,
            },
            "compile": {"ema_decay": 0.999},
            "data": {
                "kind": "faces",
                "tfds": "celeb_a",
                "center_crop": True,
                "random_flip": True,
                "repeat": True,
            },
            "epochs": 100,  # the schedule is split into this many epochs
            "batch_size": 16,  # minibatch up to 128x128
            "seed": 20180215,
            "out": "runs/pggan_celeba",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "pggan_progress",
            "schedule": {
                "fade_kimg": 800.0,
                "stable_kimg": 800.0,
                # Karras et al. 2018, appendix A.1: 16 up to 128x128, then 14, 6, 3.
                "batch_sizes": {256: 14, 512: 6, 1024: 3},
                "sample_dir": "phases",
            },
            "data_dir_help": "folder of face images such as img_align_celeba/ "
            "(default: TFDS celeb_a)",
            "flags": [
                {
                    "flag": "--tfds-data-dir",
                    "type": "str",
                    "target": "data.tfds_data_dir",
                    "default": None,
                    "help": "TFDS data folder holding celeb_a",
                },
                {"flag": "--max-resolution", "target": "model.image_size"},
                {
                    "flag": "--kimg-per-phase",
                    "target": ["schedule.fade_kimg", "schedule.stable_kimg"],
                    "help": "thousands of images per fade-in and per stable "
                    "phase (paper: 800)",
                },
                *_TINY_MAPS,
            ],
        },
    },
}
