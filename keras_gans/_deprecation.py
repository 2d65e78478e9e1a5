"""The one deprecation helper of keras_gans.

Every deprecated name, argument, attribute or module path warns through
`deprecate`, so each warning says the same three things: what is
deprecated, what replaces it, and the release that removes it. A renamed
constructor argument is the three helpers below: `renamed_arguments` (the
old name still works, with a warning), `renamed_config_keys` (configs saved
under the old name load silently) and `RenamedAttributes` (the old
attribute name still reads, with a warning).
"""

import inspect
import warnings

__all__ = [
    "REMOVE_IN",
    "RenamedAttributes",
    "deprecate",
    "deprecation_message",
    "renamed_argument",
    "renamed_arguments",
    "renamed_config_keys",
]

#: The release that removes what is deprecated today.
REMOVE_IN = "0.2.0"


def _quoted(name):
    """`name` in backticks, unless it already holds its own."""
    return name if "`" in name else f"`{name}`"


def deprecation_message(old, new=None, *, remove_in=REMOVE_IN, details=None):
    """The text `deprecate` warns with.

    >>> deprecation_message("Pix2Pix.output_channels", "channels")
    '`Pix2Pix.output_channels` is deprecated (removed in keras_gans 0.2.0); use `channels`.'
    """
    message = f"{_quoted(old)} is deprecated (removed in keras_gans {remove_in})"
    if new is not None:
        message += f"; use {_quoted(new)}"
    message += "."
    if details:
        message += f" {details}"
    return message


def deprecate(old, new=None, *, remove_in=REMOVE_IN, details=None, stacklevel=2):
    """Warns with a `DeprecationWarning` that `old` is deprecated.

    Args:
        old: str. What is deprecated: a module path, a name, an argument
            (`"Pix2Pix(output_channels=...)"`), shown in backticks.
        new: str or `None`. What replaces it, shown in backticks (a text
            that holds its own backticks is shown as it is).
        remove_in: str. The keras_gans release that removes `old`.
        details: str or `None`. A sentence added at the end (e.g. the
            value received).
        stacklevel: int. As for `warnings.warn`, counted from the caller of
            `deprecate`: 2 (the default) names the code that called the
            function that calls `deprecate`.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     deprecate("old_name", "new_name")
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    warnings.warn(
        deprecation_message(old, new, remove_in=remove_in, details=details),
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def renamed_argument(owner, kwargs, old, new, value, default=None, stacklevel=2):
    """The value of the argument `new`: `value`, or the value passed by its
    deprecated name `old` (popped from `kwargs`, with a `DeprecationWarning`).

    Args:
        owner: str. The callable the argument belongs to (`"CycleGAN"`).
        kwargs: dict. The `**kwargs` the callable received; `old` is popped.
        old: str. The deprecated name.
        new: str. The name that replaces it.
        value: the value received as `new`.
        default: `new`'s default: a `value` equal to it counts as not given.
        stacklevel: int. As for `deprecate`, counted from the caller of
            `renamed_argument`: 2 (the default) names the code that called
            the callable.

    Returns:
        `value`, or the value passed as `old`.

    Raises:
        ValueError: both names passed, with different values.

    >>> import warnings
    >>> kwargs = {"residual_blocks": 3, "name": "g"}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed_argument("CycleGAN", kwargs, "residual_blocks",
    ...                      "num_residual_blocks", None)
    3
    >>> kwargs, str(caught[0].message)
    ({'name': 'g'}, '`CycleGAN(residual_blocks=...)` is deprecated (removed in keras_gans 0.2.0); use `num_residual_blocks=...`.')
    """
    if old not in kwargs:
        return value
    received = kwargs.pop(old)
    deprecate(f"{owner}({old}=...)", f"{new}=...", stacklevel=stacklevel + 1)
    if value != default and value != received:
        raise ValueError(
            f"Pass `{new}` or its deprecated name `{old}`, not both. "
            f"Received: {new}={value!r}, {old}={received!r}"
        )
    return received


def renamed_arguments(function, kwargs, renames, *values, stacklevel=2):
    """The values of `function`'s renamed arguments, in the order of
    `renames`: each the value received under its new name, or the value
    passed under its old name (popped from `kwargs`, with a warning; see
    `renamed_argument`).

    Args:
        function: the class (its `__init__`) or function the arguments
            belong to; its signature gives their defaults, its name the
            warning's. A function takes no other keyword: one left in
            `kwargs` raises `TypeError`.
        kwargs: dict. The `**kwargs` it received.
        renames: dict. Old name -> new name.
        *values: the values received under the new names, in `renames`'s
            order.
        stacklevel: int. As for `renamed_argument`.

    Returns:
        tuple: the values, in `renames`'s order.

    >>> import warnings
    >>> def builder(num_layers=3, **kwargs):
    ...     (num_layers,) = renamed_arguments(
    ...         builder, kwargs, {"n_layers": "num_layers"}, num_layers)
    ...     return num_layers
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     builder(n_layers=2), builder(), len(caught)
    (2, 3, 1)
    """
    is_class = inspect.isclass(function)
    parameters = inspect.signature(
        function.__init__ if is_class else function
    ).parameters
    resolved = []
    for (old, new), value in zip(renames.items(), values, strict=True):
        default = parameters[new].default if new in parameters else None
        resolved.append(
            renamed_argument(
                function.__name__, kwargs, old, new, value, default, stacklevel + 1
            )
        )
    if kwargs and not is_class:
        raise TypeError(
            f"{function.__name__}() got an unexpected keyword argument "
            f"{next(iter(kwargs))!r}"
        )
    return tuple(resolved)


def renamed_config_keys(config, renames):
    """A copy of `config` with each old key of `renames` (old -> new name)
    under its new name, without a warning: `from_config` calls it so that
    configs (and `.keras` files) saved before a rename load silently. A key
    saved under its new name wins.

    >>> renamed_config_keys({"n_layers": 2, "seed": 0},
    ...                     {"n_layers": "num_discriminator_layers"})
    {'seed': 0, 'num_discriminator_layers': 2}
    """
    config = dict(config)
    for old, new in renames.items():
        if old in config:
            value = config.pop(old)
            config.setdefault(new, value)
    return config


class RenamedAttributes:
    """Mixin: reading an attribute by its old name warns and reads the new one.

    `renamed_attributes` maps each old name to the attribute that replaces
    it. The old names are served by `__getattr__`, not by properties, so
    `dir()` does not list them: Keras's saving reads every attribute that
    `dir()` lists, and saving or loading a model would warn otherwise.

    Needs from the class: nothing but `renamed_attributes`; put the mixin
    before `keras.Model` in the bases.

    >>> import warnings
    >>> class Model(RenamedAttributes):
    ...     renamed_attributes = {"residual_blocks": "num_residual_blocks"}
    ...     num_residual_blocks = 3
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Model().residual_blocks
    3
    >>> str(caught[0].message)
    '`Model.residual_blocks` is deprecated (removed in keras_gans 0.2.0); use `num_residual_blocks`.'
    >>> "residual_blocks" in dir(Model())
    False
    """

    #: Old attribute name -> the attribute that replaces it.
    renamed_attributes = {}

    def __getattr__(self, name):
        new = type(self).renamed_attributes.get(name)
        if new is None:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}"
            )
        deprecate(f"{type(self).__name__}.{name}", new)
        return getattr(self, new)
