"""Conventions every scorer of :mod:`patnav.models` follows (scikit-learn's).

- Hyper-parameters are keyword arguments of ``__init__``, stored unchanged, no logic there.
- ``fit(...)`` validates them, learns from the store and returns ``self``.
- Learned state ends in ``_``; :func:`check_fitted` refuses to score without it.
- Invalid values raise :class:`~patnav.errors.InvalidParameterError` with one message
  shape (:func:`invalid_parameter`).
"""

from __future__ import annotations

from typing import Any

from patnav.errors import InvalidParameterError, NotFittedError

__all__ = ["NotFittedError", "check_fitted", "invalid_parameter"]


def invalid_parameter(
    model: object, name: str, expected: str, got: Any
) -> InvalidParameterError:
    """The error for a bad hyper-parameter, in the one shape every model uses:
    ``The 'alpha' parameter of ValueScorer must be a float in [0, 1]. Got -0.5 instead.``"""
    return InvalidParameterError(
        f"The {name!r} parameter of {type(model).__name__} must be {expected}. "
        f"Got {got!r} instead."
    )


def check_fitted(model: object, attribute: str) -> None:
    """Raise :class:`NotFittedError` unless ``model`` has the learned ``attribute``."""
    if getattr(model, attribute, None) is None:
        raise NotFittedError(
            f"This {type(model).__name__} is not fitted yet: call fit(store) before "
            "score(...)."
        )
