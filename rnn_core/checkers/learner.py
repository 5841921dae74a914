"""Reading what a learner's function returned or raised, so that nothing of it can escape.

Everything here touches the learner's objects, and anything can happen there: a torch tensor that
requires grad raises in `__array__`, a dict subclass raises in `__getitem__`, an exception raises
in `__str__`. Each function turns such objects, right away, into plain values of the checker's own
(numpy arrays, strings), or into a text saying why it could not; the engine calls them inside the
time limit, and only KeyboardInterrupt (the learner stopping the kernel) and `TimedOut` pass
through.
"""

import os
import re
import traceback
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

import rnn_core

from .timeout import TimedOut


class WrongReturnError(Exception):
    """What the learner's function returned is not of the form the exercise asks for."""


def returned_text(returned, expected):
    return f"your function returned {describe(returned)}; expected {expected}"


class TupleOf:
    """The function returns a tuple (or list) of these values, in this order."""

    def __init__(self, *names):
        self.names = names
        self.text = f"the tuple ({', '.join(names)})"

    def read(self, returned):
        if not isinstance(returned, (tuple, list)) or len(returned) != len(self.names):
            raise WrongReturnError(returned_text(returned, self.text))
        return dict(zip(self.names, returned))


class DictOf:
    """The function returns a dict with (at least) these keys."""

    def __init__(self, *names):
        self.names = names
        self.text = f"a dict with the keys {', '.join(names)}"

    def read(self, returned):
        if not isinstance(returned, Mapping):
            raise WrongReturnError(returned_text(returned, self.text))
        missing = [name for name in self.names if name not in returned]
        if missing:
            listed = ", ".join(repr(name) for name in missing)
            raise WrongReturnError(
                f"your function returned a dict without {listed}; expected {self.text}"
            )
        return {name: returned[name] for name in self.names}


class OneValue:
    """The function returns one value (an array, or a number)."""

    def __init__(self, name, text):
        self.names = (name,)
        self.text = text

    def read(self, returned):
        if returned is None:
            raise WrongReturnError("your function returned None (is the return statement missing?)")
        return {self.names[0]: returned}


class Output(NamedTuple):
    """One output of a function, read into the checker's own array (or why it could not be)."""

    array: np.ndarray | None  # a copy, with the dtype the function returned
    problem: str | None  # why it is not an array of numbers


def read_output(name, value):
    """`value` as an Output: a copy in a numpy array, or the reason it is not an array of numbers.

    Anything can happen here: a torch tensor that requires grad raises in `__array__`, a ragged
    list cannot be an array. None of it escapes.
    """
    if value is None:
        return Output(None, f"{name} is None (a missing return or assignment?)")
    try:
        array = np.array(value)  # a copy, so nothing the function keeps can change it later
    except (KeyboardInterrupt, TimedOut):
        raise
    except BaseException as error:
        return Output(
            None,
            f"{name} is {describe(value)} that cannot be turned into a numpy array "
            f"(np.array raised {error_text(error)}). Return a numpy array (a torch tensor "
            "becomes one with tensor.detach().numpy())",
        )
    if array.dtype.kind not in "iuf":
        return Output(None, f"{name} is not an array of numbers ({describe(value)})")
    return Output(array, None)


# --- the learner's exceptions ---


class Raised(NamedTuple):
    """An exception the learner's function raised, read at once into plain text."""

    kind: type
    text: str  # "KeyError: 'Wax'"
    message: str  # str(error) alone, "" when there is none or it cannot be shown
    line: str | None  # the line of the learner's code that raised


def read_exception(error):
    """A Raised for `error`, even when its str() raises or its traceback is odd."""
    try:
        message = clean(str(error))
    except (KeyboardInterrupt, TimedOut):
        raise
    except BaseException:
        message = ""
    try:
        line = learner_line(error)
    except (KeyboardInterrupt, TimedOut):
        raise
    except BaseException:
        line = None
    return Raised(type(error), error_text(error), message, line)


def error_text(error):
    """The text "KeyError: 'Wax'" for any exception, even one whose str() raises."""
    name = type(error).__name__
    try:
        text = clean(str(error))
    except (KeyboardInterrupt, TimedOut):
        raise
    except BaseException as failure:
        return f"{name} (its message cannot be shown: str() of it raised {type(failure).__name__})"
    return f"{name}: {text}" if text else name


def learner_line(error):
    """The source line of the deepest frame outside numpy and rnn_core: where the learner's code
    raised (or called the function that did). Frames without a source file are skipped too, such
    as numpy 1.x's "<__array_function__ internals>" between np.dot and the caller."""
    skipped = (os.path.dirname(np.__file__), os.path.dirname(os.path.abspath(rnn_core.__file__)))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        synthetic = frame.filename.startswith("<") and not frame.line
        if not synthetic and not os.path.abspath(frame.filename).startswith(skipped):
            return frame.line or None
    return None


def describe(value):
    """A few words on a learner's object, from its type (its repr may fail, or be huge)."""
    try:
        if value is None:
            return "None"
        if isinstance(value, np.ndarray):
            return f"an array of shape {value.shape}"
        if isinstance(value, (tuple, list)):
            return f"a {type(value).__name__} of length {len(value)}"
        if isinstance(value, Mapping):
            keys = [key if isinstance(key, str) else type(key).__name__ for key in value]
            return f"a dict with keys {', '.join(keys)}" if keys else "an empty dict"
    except (KeyboardInterrupt, TimedOut):
        raise
    except BaseException:
        pass
    kind = type(value).__name__
    return f"{'an' if kind[0].lower() in 'aeiou' else 'a'} {kind}"


def clean(text):
    """An exception message without memory addresses (so that printed outputs are reproducible),
    cut to 300 characters."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    return text if len(text) <= 300 else text[:297] + "..."
