"""The one deprecation helper of keras_gans.

Every deprecated name, argument, attribute or module path warns through
`deprecate`, so each warning says the same three things: what is
deprecated, what replaces it, and the release that removes it.
"""

import warnings

__all__ = ["REMOVE_IN", "deprecate", "deprecation_message"]

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
