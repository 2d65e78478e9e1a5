"""Seeded network construction: one model seed, one set of initial weights."""

import contextlib
import random

from keras import ops

from keras_gans import _keras_compat
from keras_gans.utils import check_int

__all__ = ["SavedSeedStates", "layer_seeds", "seed_states"]


@contextlib.contextmanager
def layer_seeds(seed):
    """Layers created inside draw their initializer and dropout seeds from `seed`.

    Keras gives every unseeded initializer and `SeedGenerator` (dropout) an
    integer seed drawn from Python's `random` when the layer is created.
    Inside this context that draw comes from a stream started at `seed`, so
    each layer gets its own seed, the same for the same `seed` and build
    order; Python's `random` state is restored afterwards, so nothing
    outside the block changes. `seed=None` leaves creation unseeded (and
    keeps an enclosing block's stream).

    Args:
        seed: int or `None`.

    Example:
    >>> with layer_seeds(3):
    ...     a = keras.layers.Dense(2)
    ...     a.build((None, 2))
    >>> with layer_seeds(3):
    ...     b = keras.layers.Dense(2)
    ...     b.build((None, 2))
    >>> bool(np.all(a.get_weights()[0] == b.get_weights()[0]))
    True
    """
    if seed is None:
        yield
        return
    seed = check_int("seed", seed)
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def seed_states(*networks):
    """The state variables of every `SeedGenerator` (dropout masks, ...) of
    the networks' layers, in a fixed order; Keras does not save them."""
    states, seen = [], set()
    for network in networks:
        if network is None:
            continue
        for layer in _keras_compat.flatten_layers(network):
            for generator in _keras_compat.seed_generators(layer):
                if id(generator.state) not in seen:
                    seen.add(id(generator.state))
                    states.append(generator.state)
    return states


_OWN_KEY = "seed_generator_state"
_PREFIX = "layer_seed_state_"


class SavedSeedStates:
    """Mixin for a `keras.Model` with its own `seed_generator` and layers with
    `SeedGenerator`s (dropout): `save_own_variables` writes all their states,
    which Keras does not save, so a resumed run continues the same streams.
    Files without the layers' states load with the streams as built.

    Needs from the model: `seed_generator`, and `keras.Model`'s
    `save_own_variables` / `load_own_variables` after it in the bases;
    `_seed_generators_to_save()` says which streams (override it to add the
    networks' layers).
    """

    def _seed_generators_to_save(self):
        """`(own_state_variable, [layer state variables])`."""
        return self.seed_generator.state, []

    def save_own_variables(self, store):
        super().save_own_variables(store)
        own, layers = self._seed_generators_to_save()
        store[_OWN_KEY] = ops.convert_to_numpy(own)
        for i, state in enumerate(layers):
            store[f"{_PREFIX}{i}"] = ops.convert_to_numpy(state)

    def load_own_variables(self, store):
        keys = list(store.keys())
        own, layers = self._seed_generators_to_save()
        if _OWN_KEY in keys:
            own.assign(store[_OWN_KEY])
        layer_keys = [k for k in keys if k.startswith(_PREFIX)]
        if layer_keys and len(layer_keys) == len(layers):
            for i, state in enumerate(layers):
                state.assign(store[f"{_PREFIX}{i}"])
        keys = [k for k in keys if k != _OWN_KEY and k not in layer_keys]
        variables = _keras_compat.own_variables(self)
        for i, variable in enumerate(variables):
            if str(i) not in keys:
                raise ValueError(
                    f"{type(self).__name__}: the saved state holds {len(keys)} "
                    f"variables of the model itself; {len(variables)} expected."
                )
            variable.assign(store[str(i)])
