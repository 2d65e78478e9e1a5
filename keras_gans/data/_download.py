"""The one download-and-extract of the paired and unpaired datasets.

`download_and_extract` fetches an archive into the Keras cache once and
unpacks it with `safe_extract`, which refuses members that would land outside
the target folder and makes the folder appear whole or not at all.
"""

import os

import keras

__all__ = ["download_and_extract", "safe_extract"]


def download_and_extract(origin, fname, folder, name, cache_dir=None):
    """Downloads `origin` once and unpacks it; returns the dataset's folder.

    Args:
        origin: str. The archive's URL (a `file://` URL serves a local copy).
        fname: str. The archive's file name in the cache (`facades.tar.gz`).
        folder: str. The name of the unpacked folder beside the archive; an
            existing one is reused and nothing is downloaded.
        name: str. The dataset's name: archives holding one `<name>/` folder
            return that folder.
        cache_dir: str or `None`. Where to keep it (`None`: `~/.keras`);
            files go to `<cache_dir>/datasets/`.

    Returns:
        str: the folder holding the dataset.

    Raises:
        ValueError: an unsafe archive member (see `safe_extract`).
    """
    if cache_dir is not None:
        # get_file falls back to /tmp/.keras for a folder that does not exist.
        cache_dir = os.path.abspath(os.path.expanduser(os.fspath(cache_dir)))
        os.makedirs(cache_dir, exist_ok=True)
    archive = keras.utils.get_file(
        fname=fname, origin=origin, extract=False, cache_dir=cache_dir
    )
    path = os.path.join(os.path.dirname(archive), folder)
    if not os.path.isdir(path):
        safe_extract(archive, path)  # whole or not at all
    nested = os.path.join(path, name)  # the archives hold one `<name>/` folder
    return nested if os.path.isdir(nested) else path


def safe_extract(archive, path):
    """Unpacks a tar or zip archive into the folder `path`, refusing unsafe members.

    Every member must land inside `path`: absolute names, `..` escapes,
    links pointing outside `path`, and device or FIFO files are refused
    before anything is written. The archive is unpacked into a temporary
    sibling folder that is renamed to `path` when complete, so `path`
    appears whole or not at all. On Python versions with tar extraction
    filters, `filter="data"` is applied as well.

    Args:
        archive: str. A tar file (plain, gzip, bz2 or xz) or a zip file.
        path: str. The folder to create.

    Raises:
        ValueError: the archive is neither a tar nor a zip file, or a member
            would land outside `path` (the member and the archive are named).
    """
    import shutil
    import tarfile
    import uuid
    import zipfile

    archive, path = os.fspath(archive), os.path.abspath(os.fspath(path))
    root = os.path.realpath(path)
    temporary = f"{path}.tmp-{uuid.uuid4().hex}"
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
                destination = os.path.realpath(os.path.join(root, member.filename))
                if is_link or not (
                    destination == root or destination.startswith(root + os.sep)
                ):
                    raise ValueError(
                        f"Unsafe member {member.filename!r} in archive "
                        f"{archive!r}: it would extract outside {path!r}."
                    )
            try:
                zipped.extractall(temporary)
                os.replace(temporary, path)
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
        return path
    if not tarfile.is_tarfile(archive):
        raise ValueError(f"Not a tar or zip archive: {archive!r}")
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            _check_member(member, root, archive)
        os.makedirs(temporary)
        try:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(temporary, members=members, filter="data")
            else:  # pragma: no cover - Python < 3.11.4; members checked above
                tar.extractall(temporary, members=members)
            os.replace(temporary, path)
        finally:
            if os.path.isdir(temporary):
                shutil.rmtree(temporary, ignore_errors=True)
    return path


def _check_member(member, root, archive):
    """Raises a `ValueError` when a tar member would land outside `root`."""

    def inside(target):
        resolved = os.path.realpath(os.path.join(root, target))
        return resolved == root or resolved.startswith(root + os.sep)

    problem = None
    if os.path.isabs(member.name) or not inside(member.name):
        problem = "would be written outside the target folder"
    elif member.issym() and not inside(
        os.path.join(os.path.dirname(member.name), member.linkname)
    ):
        problem = f"is a link to {member.linkname!r}, outside the target folder"
    elif member.islnk() and not inside(member.linkname):
        problem = f"is a hard link to {member.linkname!r}, outside the target folder"
    elif member.isdev() or member.isfifo():
        problem = "is a device or FIFO file"
    if problem:
        raise ValueError(
            f"Refusing to extract {archive!r}: member {member.name!r} {problem}."
        )
