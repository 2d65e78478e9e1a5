import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a clean Keras session and a fixed global seed."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()
