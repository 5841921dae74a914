"""The cases a checker runs: their sizes, their random problems, and how each one is shown.

Every random problem is drawn by `rnn_core.problems.random_problem`, the one generator of the
package, from a numpy Generator made from the checker's `seed`: the same seed gives the same
cases, and so the same verdict, on every machine.

Sizes use the package's letters: n_x (input), n_a (hidden), n_y (classes), m (sequences in a
batch), T_x (time steps).
"""

import copy

from rnn_core.problems import random_problem

from .engine import TOLERANCE

LETTERS = ("n_x", "n_a", "n_y", "m", "T_x")

# (n_x, n_a, n_y, m, T_x) of the first cases; the rest are drawn at random.
CORNERS = (
    (3, 5, 4, 2, 6),  # every size different: a missing transpose becomes a shape error
    (3, 3, 3, 3, 3),  # every size equal: the shapes fit, so only the values can tell
    (2, 3, 2, 1, 4),  # one sequence, two classes
    (4, 2, 3, 3, 1),  # one time step
    (1, 1, 2, 1, 1),  # the smallest problem
)


class Case:
    """One case: a maker of fresh arguments, and what the messages say about it.

    - make: called with no argument, returns a new tuple of arguments every time, so that the
      learner's function, rnn_core's reference and every known mistake get their own copies.
    - sizes: the sizes to show, e.g. {"n_x": 3, "m": 2}.
    - note: a few words on a special case, e.g. "z = [[1000, 0], [1001, 1]]".
    - label: the group the case is counted in, e.g. "random cases".
    - tolerance: the largest relative error that passes.
    - against: what the result is compared with, e.g. "rnn_core".
    """

    def __init__(self, make, sizes, *, note=None, label, tolerance, against="rnn_core"):
        self.make = make
        self.sizes = sizes
        self.note = note
        self.label = label
        self.tolerance = tolerance
        self.against = against

    @classmethod
    def of(cls, args, sizes, **details):
        """A case whose arguments are `args`, deep-copied for every call."""
        return cls(lambda: copy.deepcopy(args), sizes, **details)

    def describe(self):
        """The text "n_x=3, n_a=5, m=2", and the note if there is one."""
        parts = [f"{letter}={size}" for letter, size in self.sizes.items()]
        return ", ".join(parts + ([self.note] if self.note else []))


def draw_sizes(rng, count):
    """Sizes n_x, n_a, n_y, m, T_x of `count` cases: the corners first, then random sizes.

    Returns: a list of `count` dicts {letter: size}; n_y >= 2, every other size >= 1.
    """
    drawn = []
    for k in range(count):
        if k < len(CORNERS):
            values = CORNERS[k]
        else:
            values = (rng.integers(1, 6), rng.integers(1, 6), rng.integers(2, 6))
            values += (rng.integers(1, 5), rng.integers(1, 5))
        drawn.append(dict(zip(LETTERS, (int(v) for v in values))))
    return drawn


def draw_problem(rng, sizes):
    """A random problem of these sizes: (x (n_x, m, T_x), y (m, T_x), a0 (n_a, m), parameters).

    Biases and a0 are drawn larger than `random_problem`'s defaults, so that a missing bias or a
    recurrence started from zeros changes the results well beyond round-off.
    """
    return random_problem(*(sizes[k] for k in LETTERS), seed=rng, bias_scale=0.5, a0_scale=0.5)


def random_cases(rng, count, case_of):
    """`count` random cases, one per size drawn by `draw_sizes`: case_of(rng, sizes) returns the
    arguments and the sizes the message names, as (args, letters)."""
    return [
        Case.of(*case_of(rng, sizes), label="random cases", tolerance=TOLERANCE)
        for sizes in draw_sizes(rng, count)
    ]


def shown(sizes, letters):
    """The sizes named in `letters` (the ones an exercise's arrays use), in that order."""
    return {letter: sizes[letter] for letter in letters}


def draw_lstm_problem(rng, sizes):
    """A random LSTM problem of these sizes: (x (n_x, m, T_x), a0 (n_a, m), c0 (n_a, m),
    parameters), the parameters in the order of `rnn_core.lstm.LSTM_PARAMETER_ORDER`.

    Weights and biases are drawn with standard deviation 0.5, so that every gate stays well away
    from 0 and 1 and a missing bias, a swapped gate or a wrong derivative changes the results well
    beyond round-off; c0 is drawn too, so that a cell step sees a nonzero c_prev.
    """
    n_x, n_a, n_y, m, T_x = (sizes[k] for k in LETTERS)
    parameters = {}
    for g in "fico":
        parameters[f"W{g}"] = 0.5 * rng.standard_normal((n_a, n_a + n_x))
        parameters[f"b{g}"] = 0.5 * rng.standard_normal((n_a, 1))
    parameters["Wy"] = 0.5 * rng.standard_normal((n_y, n_a))
    parameters["by"] = 0.5 * rng.standard_normal((n_y, 1))
    x = rng.standard_normal((n_x, m, T_x))
    a0 = 0.5 * rng.standard_normal((n_a, m))
    c0 = rng.standard_normal((n_a, m))
    return x, a0, c0, parameters
