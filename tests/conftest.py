import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a clean Keras session and a fixed global seed.

    `free_memory=False`: Keras' own `gc.collect()` costs 0.5-1.5 s on the
    heap of a process that has imported TensorFlow, twice per test; that
    was most of the suite's time. Garbage is collected once per module
    instead (`_collect_garbage_per_module`).
    """
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage_per_module():
    yield
    keras.backend.clear_session(free_memory=False)
    gc.collect()
