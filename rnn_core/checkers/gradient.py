"""Exercise: the central-difference gradient of a scalar function (notebook 03, exercise 1).

    gradient[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)       for every index i of x

The cases call fn(f, x, h) with two kinds of h:

- h = 1e-5, where the result is compared with the analytic gradient of f (tolerance 1e-7: the
  central difference is off by about h**2, plus round-off);
- h = 0.1 and h = 0.3, where the central difference is far from the gradient, and the result is
  compared with rnn_core's `numerical_gradient(f, x, h)` at that same h (tolerance 1e-9). A
  function that ignores its h, or uses another formula, fails there by orders of magnitude.

The test functions f have entries that interact (so an entry left perturbed changes the later
derivatives) and derivatives of order 2 and 3 of order 1 on [0.5, 1.5], where x is drawn.
"""

import numpy as np

from rnn_core.gradcheck import numerical_gradient

from .cases import Case
from .engine import Exercise
from .learner import OneValue

ANALYTIC_TOLERANCE = 1e-7  # h = 1e-5 against the analytic gradient: h**2 and round-off
SAME_H_TOLERANCE = 1e-9  # against rnn_core's central difference at the same large h
LARGE_STEPS = (0.3, 0.1)


def sine_and_square_of_sum(v):
    return np.sum(np.sin(v) * v**2) + 0.5 * np.sum(v) ** 2


def sine_and_square_of_sum_gradient(v):
    return np.cos(v) * v**2 + 2 * v * np.sin(v) + np.sum(v)


def exp_and_neighbour_products(v):
    u = np.ravel(v)
    return np.sum(np.exp(v)) + np.sum(u[:-1] * u[1:])


def exp_and_neighbour_products_gradient(v):
    u = np.ravel(v)
    neighbours = np.zeros_like(u)
    neighbours[:-1] += u[1:]  # d(u_i u_{i+1})/du_i = u_{i+1}
    neighbours[1:] += u[:-1]  # d(u_{i-1} u_i)/du_i = u_{i-1}
    return np.exp(v) + neighbours.reshape(np.shape(v))


TEST_FUNCTIONS = (
    (sine_and_square_of_sum, sine_and_square_of_sum_gradient),
    (exp_and_neighbour_products, exp_and_neighbour_products_gradient),
)


class WatchedFunction:
    """The test function f, watching how the learner's numerical gradient calls it.

    - low_precision: f received float32 (or float16) values.
    - moved_callers_x: f was called while the caller's x was perturbed.
    """

    def __init__(self, f, gradient, x):
        self.f, self.gradient = f, gradient
        self.x, self.x_before = x, x.copy()  # the caller's array, and what it held before
        self.low_precision = False
        self.moved_callers_x = False
        self.__name__ = f.__name__

    def __call__(self, v):
        if getattr(v, "dtype", None) in (np.float32, np.float16):
            self.low_precision = True
        if not np.array_equal(self.x, self.x_before):
            self.moved_callers_x = True
        return self.f(v)


def gradient_case(f, gradient, x, h):
    """A Case whose every call gets a fresh x and a fresh watched f of it."""

    def make():
        point = x.copy()
        return (WatchedFunction(f, gradient, point), point, h)

    shown = {"f": f.__name__, "x.shape": x.shape, "h": h}
    if h in LARGE_STEPS:
        label, tolerance, against = (
            "cases with h = 0.3 and 0.1",
            SAME_H_TOLERANCE,
            "rnn_core's numerical_gradient at the same h",
        )
    else:
        label, tolerance, against = (
            "random cases with h = 1e-5",
            ANALYTIC_TOLERANCE,
            "the analytic gradient",
        )
    return Case(make, shown, label=label, tolerance=tolerance, against=against)


def gradient_cases(rng, count):
    """Two cases with a large h, then `count` random cases with h = 1e-5, x in [0.5, 1.5]."""
    shapes = [(2, 3), (4,), (4,), (2, 3), (1,), (2, 1, 3), (6,)]  # the first two: a large h
    while len(shapes) < count + 2:
        shapes.append(tuple(int(n) for n in rng.integers(1, 4, size=rng.integers(1, 4))))
    steps = LARGE_STEPS + (1e-5,) * count
    cases = []
    for k, (shape, h) in enumerate(zip(shapes, steps)):
        f, gradient = TEST_FUNCTIONS[k % len(TEST_FUNCTIONS)]
        cases.append(gradient_case(f, gradient, rng.uniform(0.5, 1.5, size=shape), h))
    return cases


def reference(f, x, h):
    """The analytic gradient at h = 1e-5; rnn_core's central difference at a large h."""
    return numerical_gradient(f.f, x, h) if h in LARGE_STEPS else f.gradient(x)


MOVED_X = (
    "the caller's x is moved while the function works (f was called with the caller's array "
    "perturbed), or left changed afterwards. Perturb a copy: point = np.array(x, dtype=float) "
    "copies, np.asarray(x, dtype=float) does not. Then nothing that shares x, such as a closure "
    "that reads it, sees it move."
)

NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient",
    arguments=("f", "x", "h"),
    outputs={"the gradient": None},
    returns=OneValue("the gradient", "the gradient, an array of x's shape"),
    reference=reference,
    cases=gradient_cases,
    equations="for every index i of x (np.ndindex(x.shape)): move x[i] to x[i] + h, then to "
    "x[i] - h, in a copy of x; gradient[i] = (f(x + h e_i) - f(x - h e_i)) / (2h); then put "
    "x[i] back.",
    modified_explanations={"x": MOVED_X},
    moved=lambda args: ["x"] if args[0].moved_callers_x else [],
)


# --- the mistakes ---


@NUMERICAL_GRADIENT.sign(
    "computed_in_float32",
    "computed in float32 (f received float32 values, or the result is float32). float32 keeps "
    "about 7 significant digits: f(x + h) and f(x - h) share their first 5 or so when h = 1e-5, "
    "so their difference keeps only 2. Keep x and every intermediate in float64 (the default "
    "dtype of numpy arrays).",
    summary="the numerical gradient is computed in float32",
)
def float32_seen(outcome):
    result = outcome.outputs["the gradient"].array
    return outcome.args[0].low_precision or result.dtype in (np.float32, np.float16)


def one_sided(f, x, h, step):
    """(f(x + step e_i) - f(x)) / step for every i, on a copy of x (step < 0: backwards)."""
    point = np.array(x, dtype=float)
    gradient = np.zeros_like(point)
    f_x = f(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + step
        gradient[index] = (f(point) - f_x) / step
        point[index] = original
    return gradient


ONE_SIDED = (
    "a one-sided difference: (f(x + h) - f(x)) / h is off by about (h/2) * f'', an error of "
    "order h. The central difference (f(x + h) - f(x - h)) / (2h) cancels that term (the two "
    "Taylor expansions' first-order errors have opposite signs) and is off by order h**2 only."
)


@NUMERICAL_GRADIENT.mistake(
    "one_sided_difference",
    ONE_SIDED,
    summary="one-sided difference (f(x + h) - f(x)) / h: error O(h)",
)
def forward_difference(f, x, h):
    return one_sided(f, x, h, h)


@NUMERICAL_GRADIENT.mistake("one_sided_difference", ONE_SIDED)
def backward_difference(f, x, h):
    return one_sided(f, x, h, -h)


FIXED_STEP = (
    "your function ignores its argument h and always uses a step {step}: its results are the "
    "central differences at that step, whatever h the caller passes (here also 0.3 and 0.1). "
    "The error of a central difference grows like the square of the step (about "
    "step**2 * f''' / 6), and the caller chooses h for a reason. Use the h argument for every "
    "perturbation."
)


@NUMERICAL_GRADIENT.mistake(
    "huge_h",
    FIXED_STEP.format(step="of 0.1"),
    summary="h is ignored: a fixed step (0.1, 0.01, 0.001, ...) is used whatever h is passed",
    step=0.1,
)
@NUMERICAL_GRADIENT.mistake("huge_h", FIXED_STEP.format(step="of 0.01"), step=0.01)
@NUMERICAL_GRADIENT.mistake("huge_h", FIXED_STEP.format(step="of 0.001"), step=0.001)
@NUMERICAL_GRADIENT.mistake(
    "huge_h", FIXED_STEP.format(step="of about 1e-5 (1e-4 and 1e-6 give the same)"), step=1e-5
)
def ignores_h(f, x, h, step):
    return numerical_gradient(f, x, step)  # `step`, whatever h is


def left_perturbed(f, x, h, first):
    """The central difference that does not put x[i] back: x[i] stays at x[i] - first."""
    point = np.array(x, dtype=float)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + first
        f_first = f(point)
        point[index] = original - first
        gradient[index] = (f_first - f(point)) / (2 * first)  # and no point[index] = original
    return gradient


NOT_RESTORED = (
    "a perturbed entry is not put back: after computing entry i, x[i] stays at x[i] - h (or "
    "x[i] + h), so every later entry is differentiated at a shifted point, and the caller's x "
    "may be left changed. Save original = x[i] before perturbing and end with x[i] = original, "
    "on a copy of x."
)


@NUMERICAL_GRADIENT.mistake(
    "not_restored",
    NOT_RESTORED,
    summary="a perturbed entry of x is not put back before the next one is perturbed",
)
def left_at_minus_h(f, x, h):
    return left_perturbed(f, x, h, h)


@NUMERICAL_GRADIENT.mistake("not_restored", NOT_RESTORED)
def left_at_plus_h(f, x, h):
    return left_perturbed(f, x, h, -h)


@NUMERICAL_GRADIENT.mistake(
    "divided_by_h",
    "the central difference is divided by h instead of 2h: x + h and x - h lie 2h apart, so "
    "gradient[i] = (f(x + h e_i) - f(x - h e_i)) / (2 * h).",
    summary="the central difference is divided by h instead of 2h",
)
def divided_by_h(f, x, h):
    return 2 * numerical_gradient(f, x, h)  # (f(x + h) - f(x - h)) / h
