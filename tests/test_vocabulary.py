"""One constructor vocabulary (issue 27, part 5): each argument name means
one thing in every model and builder.

- `channels`: the channels of the images a model draws or translates into;
  `input_channels`: those of the images it translates from (Pix2Pix and
  the translation builders); CycleGAN's two domains are `channels_a` and
  `channels_b`.
- counts are `num_*`: `num_residual_blocks`, `num_discriminator_layers`
  (`num_layers` in the PatchGAN builder), `num_mapping_layers`.

An old name still works for one release, with one `DeprecationWarning`
that points at the caller; configs (and `.keras` files, the shipped
presets' among them) saved under the old names load without a warning.
The style models have `from_preset` too: their presets are configurations,
as `pix2pix_facades` is.
"""

import warnings

import numpy as np
import pytest

from keras_gans import presets
from keras_gans.models import (
    CycleGAN,
    FastStyleTransfer,
    NeuralStyleTransfer,
    Pix2Pix,
    StyleGAN2,
    registry,
)
from keras_gans.models.cyclegan import resnet_generator
from keras_gans.models.pix2pix import patch_discriminator, unet_generator
from keras_gans.models.stylegan2 import StyleGAN2Generator
from keras_gans.presets import runner

TINY_CYCLEGAN = dict(
    image_size=8, generator_filters=2, discriminator_filters=2, pool_size=1, seed=0
)
TINY_PIX2PIX = dict(image_size=16, generator_filters=2, discriminator_filters=2)
TINY_STYLEGAN2 = dict(
    image_size=8, channels=1, latent_dim=4, w_dim=4, channel_base=32, channel_max=4
)

# (class, shared arguments, {new name: value}, {old name: the same value})
RENAMES = [
    (CycleGAN, TINY_CYCLEGAN, {"channels_a": 1}, {"channels": 1}),
    (CycleGAN, TINY_CYCLEGAN, {"num_residual_blocks": 1}, {"residual_blocks": 1}),
    (CycleGAN, TINY_CYCLEGAN, {"num_discriminator_layers": 1}, {"n_layers": 1}),
    (Pix2Pix, TINY_PIX2PIX, {"num_discriminator_layers": 1}, {"n_layers": 1}),
    (Pix2Pix, TINY_PIX2PIX, {"channels": 1}, {"output_channels": 1}),
    (StyleGAN2, TINY_STYLEGAN2, {"num_mapping_layers": 1}, {"mapping_layers": 1}),
    (
        StyleGAN2Generator,
        TINY_STYLEGAN2,
        {"num_mapping_layers": 1},
        {"mapping_layers": 1},
    ),
]
IDS = [f"{cls.__name__}.{next(iter(old))}" for cls, _, _, old in RENAMES]


def _ours(caught):
    """The keras_gans deprecation warnings among `caught`."""
    return [
        w
        for w in caught
        if issubclass(w.category, DeprecationWarning)
        and "removed in keras_gans" in str(w.message)
    ]


def _recorded(function):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function()
    return result, _ours(caught)


@pytest.mark.parametrize("cls, base, new, old", RENAMES, ids=IDS)
def test_an_old_name_warns_once_and_builds_the_same_model(cls, base, new, old):
    (new_name, value), (old_name, _) = *new.items(), *old.items()
    model = cls(**base, **new, name="m")
    assert getattr(model, new_name) == value
    assert model.get_config()[new_name] == value
    assert old_name not in model.get_config()
    renamed, caught = _recorded(lambda: cls(**base, **old, name="m"))
    assert len(caught) == 1, [str(w.message) for w in caught]
    message = str(caught[0].message)
    assert f"`{cls.__name__}({old_name}=...)`" in message
    assert f"use `{new_name}=...`" in message
    assert caught[0].filename == __file__  # it points at the caller
    assert renamed.get_config() == model.get_config()
    # The old attribute name still reads, with a warning; `dir()` (what
    # Keras's saving walks) does not list it.
    read, caught = _recorded(lambda: getattr(model, old_name))
    assert read == value and len(caught) == 1
    assert old_name not in dir(model)


@pytest.mark.parametrize("cls, base, new, old", RENAMES, ids=IDS)
def test_a_config_saved_under_the_old_name_loads_silently(cls, base, new, old):
    (new_name, old_name) = *new, *old
    model = cls(**base, **new, name="m")
    config = model.get_config()
    config[old_name] = config.pop(new_name)  # as saved before the rename
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        loaded = cls.from_config(config)
    assert loaded.get_config() == model.get_config()


@pytest.mark.parametrize("cls, base, new, old", RENAMES, ids=IDS)
def test_both_names_at_once_is_an_error(cls, base, new, old):
    ((new_name, value),) = new.items()
    ((old_name, _),) = old.items()
    other = {old_name: value + 1}
    with pytest.raises(ValueError, match=f"`{new_name}` or its deprecated name"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cls(**base, **new, **other)


def test_cyclegan_domains_are_channels_a_and_channels_b():
    model = CycleGAN(channels_a=1, channels_b=3, identity_weight=0.0, **TINY_CYCLEGAN)
    assert (model.channels_a, model.channels_b) == (1, 3)
    assert model.generator_ab.input.shape[-1] == 1
    assert model.generator_ab.output.shape[-1] == 3
    assert model.sample_shape == (8, 8, 3)  # `channels` of what it draws: B
    assert CycleGAN(8, 1, identity_weight=0.0).channels_a == 1  # still second


def test_translation_builders_share_the_vocabulary():
    def shapes(net):
        return net.input.shape[-1], net.output.shape[-1]

    # input_channels -> channels, in every builder.
    assert shapes(resnet_generator(1, 3, filters=2, num_residual_blocks=0)) == (1, 3)
    assert shapes(unet_generator(16, 1, 3, filters=2)) == (1, 3)
    d = patch_discriminator(1, input_channels=1, channels=3, filters=2)
    assert d.input.shape[-1] == 4
    # `resnet_generator(channels=C)` alone still means C in, C out.
    assert shapes(resnet_generator(channels=2, filters=2, num_residual_blocks=0)) == (
        2,
        2,
    )
    # The old spellings: one warning each, the same networks.
    old_calls = [
        (
            lambda: resnet_generator(
                channels=1, output_channels=3, filters=2, residual_blocks=0
            ),
            (1, 3),
            2,
        ),
        (
            lambda: resnet_generator(output_channels=1, filters=2, residual_blocks=0),
            (3, 1),
            2,
        ),
        (lambda: unet_generator(16, 1, output_channels=3, filters=2), (1, 3), 1),
    ]
    for build, expected, warnings_expected in old_calls:
        net, caught = _recorded(build)
        assert shapes(net) == expected
        assert len(caught) == warnings_expected, [str(w.message) for w in caught]
        assert all(w.filename == __file__ for w in caught)
    d, caught = _recorded(
        lambda: patch_discriminator(
            n_layers=1, input_channels=1, target_channels=3, filters=2
        )
    )
    assert d.input.shape[-1] == 4 and len(caught) == 2
    assert d.count_params() == patch_discriminator(1, 1, 3, filters=2).count_params()
    with pytest.raises(TypeError, match="unexpected keyword argument 'layers'"):
        patch_discriminator(layers=3)


def test_every_shipped_preset_loads_and_saves_silently(tmp_path):
    """The shipped `.keras` files were saved under the old names."""
    shipped = [row for row in presets.list_presets() if row["has_weights"]]
    assert shipped
    for row in shipped:
        cls = registry.registered_model_class(row["class"])
        model, caught = _recorded(lambda: cls.from_preset(row["name"]))
        assert not caught, (row["name"], [str(w.message) for w in caught])
        _, caught = _recorded(lambda: model.save(tmp_path / f"{row['name']}.keras"))
        assert not caught, (row["name"], [str(w.message) for w in caught])


# --------------------------------------------------------------- style presets
STYLE_PRESETS = [
    (FastStyleTransfer, "fast_style_johnson2016", "recipes/fast_style_train.py"),
    (NeuralStyleTransfer, "neural_style_gatys2016", "model.stylize"),
]


@pytest.mark.parametrize("cls, name, hint", STYLE_PRESETS)
def test_style_presets_are_configurations_like_the_others(cls, name, hint):
    row = {r["name"]: r for r in presets.list_presets()}[name]
    assert row["class"] == cls.__name__ and not row["has_weights"]
    # from_preset refuses as for every configuration without weights ...
    with pytest.raises(FileNotFoundError, match="without trained weights") as info:
        cls.from_preset(name)
    assert hint in str(info.value) and "presets.build" in str(info.value)
    with pytest.raises(FileNotFoundError, match="without trained weights"):
        Pix2Pix.from_preset("pix2pix_facades")
    with pytest.raises(ValueError, match="not a"):
        cls.from_preset("pix2pix_digits")
    # ... `keras-gans train` says what trains it instead ...
    with pytest.raises(ValueError, match="not trained by `keras-gans train`") as info:
        runner.preset_parser(name)
    assert hint in str(info.value)
    # ... and `presets.build` makes the configured model.
    model = presets.build(name, vgg_weights=None)
    assert type(model) is cls and model.compiled
    recipe = presets.get(name)["recipe"]
    config = model.get_config()
    for key, value in recipe["model"].items():
        if key != "vgg_weights":
            assert np.all(np.asarray(config[key]) == np.asarray(value)), key
    assert config["seed"] == recipe["seed"]


def test_the_fast_style_preset_holds_the_papers_network():
    model = presets.get("fast_style_johnson2016")["recipe"]["model"]
    assert (model["filters"], model["num_residual_blocks"]) == (32, 5)
    gatys = presets.get("neural_style_gatys2016")["recipe"]["model"]
    assert (gatys["pooling"], gatys["content_weight"]) == ("avg", 1e-3)
