"""Shared helpers for tests that train: a callback that simulates a crash."""

import keras


class Crash(keras.callbacks.Callback):
    """Stops the process's training at the end of an epoch, like a kill."""

    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.at_epoch:
            raise RuntimeError("simulated crash")
