"""Export generators as SavedModels (and ONNX files) that serving loads.

`export_generator(model, dir)` writes `<dir>/<version>/` with the endpoints
the model describes (`archives.py`); `_files.py` writes the version folders
whole or not at all and clears what dead writers left.
"""

from keras_gans.export.archives import (
    FORMATS,
    OUTPUTS,
    export_generator,
    export_image_to_image,
    image_to_image_archive,
    image_to_image_endpoints_archive,
    next_version,
    noise_to_image_archive,
)

__all__ = [
    "FORMATS",
    "OUTPUTS",
    "export_generator",
    "export_image_to_image",
    "image_to_image_archive",
    "image_to_image_endpoints_archive",
    "next_version",
    "noise_to_image_archive",
]
