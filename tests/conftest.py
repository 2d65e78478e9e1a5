import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import pytest  # noqa: E402

import keras_gans  # noqa: E402, F401

# What the imports made (TensorFlow, Keras, this package) lives for the whole
# run: the garbage collector need not walk it again after every test.
gc.freeze()


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a clean Keras session and a fixed global seed.

    `free_memory=False` and our own `gc.collect()`: Keras' collection walks
    every object TensorFlow's import made (0.5-1.5 s a call, twice per test:
    most of the suite's time); after `gc.freeze()` one walk covers only what
    the test made.
    """
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session(free_memory=False)
    gc.collect()
