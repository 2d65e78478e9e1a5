"""Data kinds: a recipe's `data` names a registered builder, not a branch."""

import numpy as np
import pytest

from keras_gans import data, presets
from keras_gans.data import kinds


def test_every_preset_names_a_registered_kind():
    known = set(data.data_kinds())
    assert {"digits", "faces", "digit_pairs", "pix2pix_folder"} <= known
    for name in presets.names():
        recipe = presets.get(name)["recipe"]
        if "data" in recipe:
            assert recipe["data"]["kind"] in known, name


def test_an_unknown_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown data kind 'nope'.*digit_pairs"):
        data.build_data({"kind": "nope"}, data.DataRequest(4, seed=0))


def test_a_new_kind_is_one_registered_builder(monkeypatch):
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))

    @data.data_kind("zeros")
    def zeros(spec, request):
        images = np.zeros((8, spec["size"], spec["size"]), np.uint8)
        return data.from_arrays(images, batch_size=request.batch_size), {"n": 8}

    assert "zeros" in data.data_kinds()
    ds, context = data.build_data(
        {"kind": "zeros", "size": 4, "repeat": True}, data.DataRequest(2, seed=0)
    )
    assert context == {"n": 8}
    assert [tuple(x.shape) for (x,), _ in zip(ds, range(5))] == [(2, 4, 4, 1)] * 5


def test_the_paired_digits_context_gives_held_out_pairs():
    recipe = presets.get("pix2pix_digits")["recipe"]
    _, context = presets.build_dataset(recipe)
    inputs, targets = context["heldout"](3)
    assert inputs.shape == targets.shape == (3, 32, 32, 1)
    assert inputs.min() >= -1 and targets.max() <= 1


def test_tfds_is_refused_where_a_kind_does_not_use_it():
    recipe = presets.get("pix2pix_digits")["recipe"]
    with pytest.raises(ValueError, match="--tfds.*embedded digit pairs"):
        presets.build_dataset(recipe, tfds=True)
