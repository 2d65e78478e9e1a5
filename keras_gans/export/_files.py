"""Writing export folders: versions, whole-or-nothing folders, ONNX files.

Private to `keras_gans.export`. Paths go through `tf.io.gfile`, so local
folders and any file system TensorFlow knows (`gs://`, `s3://`, `ram://`)
behave alike.
"""

import os
import re
import socket
import uuid

import tensorflow as tf

from keras_gans import _keras_compat
from keras_gans.utils import is_int

__all__ = []


def next_version(base_dir):
    """1 + the largest integer subfolder of `base_dir` (1 when there is none).

    >>> next_version("ram://keras_gans_doctest/none_yet")
    1
    """
    base_dir = os.fspath(base_dir)
    version = 1
    if tf.io.gfile.isdir(base_dir):
        names = [name.rstrip("/") for name in tf.io.gfile.listdir(base_dir)]
        versions = [int(d) for d in names if re.fullmatch(r"\d+", d)]
        version = max(versions, default=0) + 1
    # Some file systems (ram://, object stores) list no folders: probe too.
    while tf.io.gfile.exists(_join(base_dir, str(version))):
        version += 1
    return version


_TEMPORARY = re.compile(
    r"\.tmp-(?P<version>\d+)-(?P<host>[^-/]+)-(?P<pid>\d+)-[0-9a-f]{32}"
)


def _host():
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"


def _temporary(export_dir, path):
    """A temporary folder name beside `path` that TF Serving ignores and
    that names its writer (host and PID), so a dead writer's can be found."""
    name = f".tmp-{os.path.basename(path)}-{_host()}-{os.getpid()}-{uuid.uuid4().hex}"
    return _join(export_dir, name)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_temporaries(export_dir):
    """Removes the temporary folders of dead writers from `export_dir`: those
    this host's processes left (a writer killed mid-export) whose PID no
    longer runs. Another host's, a live writer's, or any name not written
    by `_temporary` are left alone. Returns the paths removed."""
    export_dir = os.fspath(export_dir)
    if not tf.io.gfile.isdir(export_dir):
        return []
    removed = []
    for name in tf.io.gfile.listdir(export_dir):
        match = _TEMPORARY.fullmatch(name.rstrip("/"))
        if not match or match["host"] != _host():
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        path = _join(export_dir, name.rstrip("/"))
        try:
            tf.io.gfile.rmtree(path)
            removed.append(path)
        except tf.errors.OpError:  # gone already, or not ours to remove
            pass
    return removed


def _join(base, name):
    return base.rstrip("/") + "/" + name if "://" in base else os.path.join(base, name)


def _version_path(export_dir, version):
    """`export_dir/<version>` (`None`: the next free version); must not exist."""
    if version is None:
        version = next_version(export_dir)
    if not is_int(version) or version < 1:
        raise ValueError(
            f"`version` must be a positive int. Received: version={version!r}"
        )
    path = _join(export_dir, str(int(version)))
    if tf.io.gfile.exists(path):
        raise ValueError(f"Export folder already exists: {path}")
    return path


def write_archive(archive, export_dir, version):
    """Writes `archive` to `export_dir/<version>` whole or not at all.

    The SavedModel is written under a temporary name that TF Serving ignores
    (not all digits). On a local disk the folder is then renamed, which is
    atomic. Other file systems (`gs://`, `s3://`, `ram://`) have no atomic
    folder rename (a rename copies object by object, or moves nothing), so
    the files are copied into the version folder with `saved_model.pb`
    last: the folder is not a loadable SavedModel until every file is in.
    """
    export_dir = os.fspath(export_dir)
    path = _version_path(export_dir, version)
    tf.io.gfile.makedirs(export_dir)
    remove_stale_temporaries(export_dir)
    temporary = _temporary(export_dir, path)
    try:
        archive.write_out(temporary, verbose=False)
        if "://" in export_dir:
            _copy_tree_model_last(temporary, path)
        else:
            tf.io.gfile.rename(temporary, path)
    finally:
        try:
            if tf.io.gfile.exists(temporary):
                tf.io.gfile.rmtree(temporary)
        except tf.errors.OpError:
            pass
    return path


def _copy_tree_model_last(source, target):
    """Copies a SavedModel folder file by file, `saved_model.pb` last."""
    files = []
    for folder, _, names in tf.io.gfile.walk(source):
        relative = folder[len(source) :].lstrip("/")
        files += [(relative, name) for name in names]
    if not any(name == "saved_model.pb" for _, name in files):
        raise ValueError(f"No saved_model.pb was written under {source}")
    files.sort(key=lambda item: item[1] == "saved_model.pb")  # the model last
    for relative, name in files:
        folder = _join(target, relative) if relative else target
        tf.io.gfile.makedirs(folder)
        source_file = _join(_join(source, relative) if relative else source, name)
        tf.io.gfile.copy(source_file, _join(folder, name), overwrite=False)


def write_onnx(archive, export_dir, version, opset=17):
    """Converts `archive`'s `serving_default` to `export_dir/<version>/model.onnx`."""
    try:
        import onnx  # noqa: F401  (tf2onnx's converter needs it)
        import tf2onnx
    except ImportError as error:
        raise ImportError(
            '`format="onnx"` needs tf2onnx and onnx: pip install "keras-gans[onnx]"'
        ) from error
    export_dir = os.fspath(export_dir)
    path = _version_path(export_dir, version)
    # The endpoint as `ExportArchive.add_endpoint` stored it (a tf.function).
    function = _keras_compat.archive_endpoint(archive, "serving_default")
    signature = _keras_compat.archive_endpoint_signature(archive, "serving_default")
    remove_stale_temporaries(export_dir)
    temporary = _temporary(export_dir, path)
    tf.io.gfile.makedirs(temporary)
    try:
        _keras_compat.patch_tf2onnx()  # numpy 2 support, as Keras' ONNX export
        model_proto, _ = tf2onnx.convert.from_function(
            function, input_signature=signature, opset=opset
        )
        with tf.io.gfile.GFile(_join(temporary, "model.onnx"), "wb") as f:
            f.write(model_proto.SerializeToString())
        if "://" in export_dir:
            tf.io.gfile.makedirs(path)
            tf.io.gfile.copy(_join(temporary, "model.onnx"), _join(path, "model.onnx"))
        else:
            tf.io.gfile.rename(temporary, path)
    finally:
        if tf.io.gfile.exists(temporary):
            tf.io.gfile.rmtree(temporary)
    return _join(path, "model.onnx")
