"""`StyleGAN2` presets: name -> description, shipped weights and recipe.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.runner.run_preset` trains from its `recipe`. The optimizers are
`lazy_adam(0.0025, interval)` written out (G: path length every 4, D: R1
every 16).

- `stylegan2_digits`: config F made small for 2 CPU cores, on the embedded
  digits padded to 32x32 (as `pggan_digits`). Where it departs from config
  F it follows StyleGAN2-ADA's `auto` config for a small resolution: R1
  γ = 0.0002 r² / batch (0.0064 -> 0.01, the ADA `cifar` γ at 32x32),
  learning rate 0.0025, EMA half-life batch · 10 / 32 kimg with ramp-up
  0.05; path length, style mixing and the residual D stay as in config F.
- `stylegan2_celeba` (128x128) and `stylegan2_ffhq` (256x256): GPU
  configurations without weights. FFHQ at 256 is the ADA paper's
  `paper256` (config F with half the feature maps, batch 64, mbstd 8,
  lr 0.0025, γ = 1, EMA 20 kimg); CelebA at 128 is config F with the `auto`
  rules for its size (half the feature maps, γ = 0.0002 · 128² / 32 ≈
  0.1, lr 0.0025, EMA 10 kimg). Both train for 25 000 kimg (the papers'
  length) split into epochs of the data.
"""

__all__ = ["PRESETS"]

_TINY_MAPS = [
    {"flag": "--channel-base", "target": "model.channel_base"},
    {"flag": "--channel-max", "target": "model.channel_max"},
    {"flag": "--latent-dim", "target": ["model.latent_dim", "model.w_dim"]},
    {"flag": "--mapping-layers", "target": "model.num_mapping_layers"},
]


def _faces(tfds):
    return {
        "kind": "faces",
        "tfds": tfds,
        "center_crop": True,
        "random_flip": True,  # the papers' x-flips (`--mirror=1`)
    }


PRESETS = {
    "stylegan2_digits": {
        "class": "StyleGAN2",
        "description": (
            "Karras et al. 2020 (config F, made small): mapping network, "
            "modulated convs, lazy R1 + path length, on digits padded to 32x32"
        ),
        "aliases": [],
        "file": None,  # weights not trained yet (issue 28)
        "figures": {},
        "bars": {
            "confident_fraction": [">=", 0.9],
            "class_entropy": [">=", 2.25],
            "digit_fd_ratio": ["<=", 2.0],
        },
        "recipe": {
            "model": {
                "image_size": 32,
                "channels": 1,
                "latent_dim": 128,
                "w_dim": 128,
                "num_mapping_layers": 8,
                "channel_base": 512,  # 64 maps at 4 and 8, 32 at 16, 16 at 32
                "channel_max": 64,
                "mbstd_group_size": 4,
            },
            "compile": {
                "g_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 4 / 5,  # lazy_adam(0.0025, 4)
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (4 / 5),
                    "epsilon": 1e-8,
                },
                "d_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 16 / 17,  # lazy_adam(0.0025, 16)
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (16 / 17),
                    "epsilon": 1e-8,
                },
                "r1_weight": 0.01,
                "d_reg_interval": 16,
                "pl_weight": 2.0,
                "pl_interval": 4,
                "style_mixing_prob": 0.9,
                "ema_kimg": 10.0,
                "ema_rampup": 0.05,
            },
            "data": {
                "kind": "digits",
                "with_labels": False,
                "tfds": "mnist",
                "pad_to": 32,
            },
            "epochs": 10,  # 50k images, 1560 steps
            "batch_size": 32,
            "seed": 20200323,
            "out": "runs/stylegan2_digits",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "padded_digits",
            "flags": list(_TINY_MAPS),
        },
    },
    "stylegan2_celeba": {
        "class": "StyleGAN2",
        "description": (
            "Karras et al. 2020, config F at 128x128 with StyleGAN2-ADA's rules "
            "for the size (config only: train it on a GPU with your CelebA)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "recipe": {
            "model": {
                "image_size": 128,
                "channels": 3,
                "latent_dim": 512,
                "w_dim": 512,
                "num_mapping_layers": 8,
                "channel_base": 16384,
                "channel_max": 512,
                "mbstd_group_size": 4,
            },
            "compile": {
                "g_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 4 / 5,
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (4 / 5),
                    "epsilon": 1e-8,
                },
                "d_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 16 / 17,
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (16 / 17),
                    "epsilon": 1e-8,
                },
                "r1_weight": 0.1024,  # 0.0002 * 128**2 / 32
                "ema_kimg": 10.0,
            },
            "data": _faces("celeb_a"),
            "epochs": 154,  # 25 000 kimg over CelebA's 162 770 training images
            "batch_size": 32,
            "seed": 20200323,
            "out": "runs/stylegan2_celeba",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "pggan_progress",
            "data_dir_help": "folder of face images such as img_align_celeba/ "
            "(default: TFDS celeb_a)",
            "flags": list(_TINY_MAPS),
        },
    },
    "stylegan2_ffhq": {
        "class": "StyleGAN2",
        "description": (
            "Karras et al. 2020 at 256x256: StyleGAN2-ADA's paper256 config "
            "(config only: train it on a GPU with FFHQ images, --data-dir)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "recipe": {
            "model": {
                "image_size": 256,
                "channels": 3,
                "latent_dim": 512,
                "w_dim": 512,
                "num_mapping_layers": 8,
                "channel_base": 16384,
                "channel_max": 512,
                "mbstd_group_size": 8,
            },
            "compile": {
                "g_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 4 / 5,
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (4 / 5),
                    "epsilon": 1e-8,
                },
                "d_optimizer": {
                    "class": "Adam",
                    "learning_rate": 0.0025 * 16 / 17,
                    "beta_1": 0.0,
                    "beta_2": 0.99 ** (16 / 17),
                    "epsilon": 1e-8,
                },
                "r1_weight": 1.0,
                "ema_kimg": 20.0,
            },
            "data": _faces(None),
            "epochs": 357,  # 25 000 kimg over FFHQ's 70 000 images
            "batch_size": 64,
            "seed": 20200323,
            "out": "runs/stylegan2_ffhq",
            "grid": {"kind": "samples", "labels": None},
            "evaluation": "pggan_progress",
            "data_dir_help": "folder of FFHQ images (e.g. images1024x1024/, "
            "resized on the fly)",
            "flags": list(_TINY_MAPS),
        },
    },
}
