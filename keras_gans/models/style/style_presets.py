"""`NeuralStyleTransfer` and `FastStyleTransfer` presets: the papers'
settings, as configurations without weights.

Pure data (no imports): `keras_gans.models.registry` reads it and
`keras_gans.presets.build(name)` builds the configured model from its
`recipe`. Neither ships weights (a fast stylizer is trained for one style
image; Gatys et al. optimise each image anew), and `keras-gans train` does
not train them (their recipes name no `data`): `train_with` says what does.
Both need the VGG19 ImageNet weights in the Keras cache (or pass
`vgg_weights=PATH` to `build`).
"""

__all__ = ["PRESETS"]

PRESETS = {
    "fast_style_johnson2016": {
        "class": "FastStyleTransfer",
        "description": (
            "Johnson et al. 2016's settings: a transformation network of 32 "
            "filters and 5 residual blocks trained with VGG19 perceptual "
            "losses, Adam(1e-3), batch 4, 256x256 content crops (config only: "
            "one model per style image)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "train_with": (
            "`python recipes/fast_style_train.py --content-dir DIR --style IMAGE "
            "--out DIR`"
        ),
        "recipe": {
            "model": {
                "filters": 32,
                "num_residual_blocks": 5,
                "content_weight": 1e-3,
                "style_weight": 1.0,
                "tv_weight": 0.0,
                "pooling": "max",
                "vgg_weights": "imagenet",
            },
            "compile": {},  # FastStyleTransfer's default: Adam(1e-3), the paper's
            "epochs": 2,  # the paper's 40k iterations over 80k COCO images
            "batch_size": 4,
            "seed": 2016,
        },
    },
    "neural_style_gatys2016": {
        "class": "NeuralStyleTransfer",
        "description": (
            "Gatys et al. 2016's settings: the image optimised against VGG19 "
            "conv4_2 content and conv1_1..conv5_1 Gram matrices, average "
            "pooling, alpha/beta = 1e-3, started from the content image, "
            "256x256 (config only: nothing to train beforehand)"
        ),
        "aliases": [],
        "file": None,
        "figures": {},
        "train_with": (
            "`model.stylize(content, style)` (it optimises the image), or "
            "`python recipes/style_transfer.py --content IMAGE --style IMAGE "
            "--out out.png`"
        ),
        "recipe": {
            "model": {
                "image_size": 256,
                "content_weight": 1e-3,  # alpha / beta = 1e-3 (Fig. 3)
                "style_weight": 1.0,
                "tv_weight": 0.0,
                "pooling": "avg",  # the paper's choice
                "init": "content",
                "vgg_weights": "imagenet",
            },
            "compile": {},  # NeuralStyleTransfer's default: Adam(5.0) on pixels
            "steps": 500,  # `stylize(..., steps=500)`
            "seed": 2016,
        },
    },
}
