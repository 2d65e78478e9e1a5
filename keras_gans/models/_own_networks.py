"""The config of a model that builds its own G and D from its arguments."""

from keras_gans._deprecation import RenamedAttributes
from keras_gans.models._shapes import upgrade_image_shape

__all__ = ["OwnNetworksConfig"]


class OwnNetworksConfig(RenamedAttributes):
    """What `GAN`, `DCGAN` and `ConditionalGAN` share: each builds G and D
    from architecture arguments, so its config holds those arguments (not
    the serialized networks), and configs saved with the older
    `image_shape` load. `model.image_shape` is the deprecated name of
    `sample_shape` (a warning on reading it, none on saving the model).

    Needs from the model: an attribute for every name in `config_arguments`
    (the constructor argument of the same name, as the constructor stored
    it), and an `AdversarialModel` after it in the bases, whose config holds
    the shared arguments (`latent_dim`, `latent_distribution`, `seed`, ...).
    """

    builds_own_networks = True

    #: The constructor arguments the config saves, in order.
    config_arguments = ()

    renamed_attributes = {"image_shape": "sample_shape"}

    def get_config(self):
        config = super().get_config()
        config.update({name: getattr(self, name) for name in self.config_arguments})
        return config

    @classmethod
    def from_config(cls, config):
        return super().from_config(upgrade_image_shape(config))
