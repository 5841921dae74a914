"""Checkers for the exercises: run your version of a function against rnn_core's on many cases.

How to use one. In a notebook exercise you write your own version of a function and pass the
function itself (without calling it) to its checker:

    from rnn_core.checkers import check_rnn_cell_backward

    def my_rnn_cell_backward(da_next, cache):
        ...

    check_rnn_cell_backward(my_rnn_cell_backward)

The checker calls your function on random cases (several shapes, including m = 1, T_x = 1 and
n_y = 2, one case where every size is different so that a missing transpose fails loudly, and one
where every size is equal so that it cannot hide behind a shape error), compares what it returns
with rnn_core, and returns a `CheckResult` whose text either says that your function matches, with
the largest relative error measured and the tolerance, or says what is wrong, on which case, and,
when it recognises the mistake, what the mistake is and how to fix it.

Every checker takes the same arguments: `check_x(fn, seed=0, cases=20, *, time_limit=5.0,
loops_allowed=True, max_products_in_loop=None)`.

- seed, cases: which random cases, and how many (an int >= 0 or a numpy Generator; an int >= 1).
- time_limit: the seconds one call of your function may take (None: no limit). A function that has
  not returned by then, usually an endless `while` loop, is stopped and gets the verdict
  "timed_out", and no further case is run. This uses the SIGALRM signal, which JupyterLab's kernel
  allows on Linux and macOS, where cells run in the main thread; on Windows, and in a thread other
  than the main one, the checker runs your function without a time limit. A function that
  changes the SIGALRM handler or timer itself (signal.signal, signal.alarm, signal.setitimer)
  switches the limit off and gets the verdict "changes_alarm"; one that switches it off and then
  never returns cannot be stopped (interrupt the kernel). Whatever your function does to them,
  the signal handler, the timer and the trace function (sys.settrace) that were there before the
  checker was called are put back.
- loops_allowed=False: the exercise asks for no loop. The checker reads your function's source
  and fails it if it has a `for` or `while` loop or a comprehension (even one that only copies a
  dict), or calls a function that has one.
- max_products_in_loop=k: the exercise allows at most k matrix products inside the loop (`@`,
  np.dot, np.matmul, .dot, np.einsum; a call of another function counts as the products in its
  body, so a loop that calls rnn_cell_backward holds 4). Both rules follow the calls they can
  tell from the source (a global function, a nested def, a lambda, a local alias such as
  `back = rc.rnn_cell_backward`); `source.py` lists what they cannot see.
  Notebook 06 uses check_output_layer_backward(fn, loops_allowed=False) and
  check_rnn_backward(fn, max_products_in_loop=1).

How a mistake is recognised. For every exercise, this package keeps the classic mistakes as small
functions, each one the right computation with that one mistake in it, next to its explanation
(for example `dxt_without_transpose` in `backward.py`). They run on the same cases as your
function, and a mistake is named only if it reproduces everything your function returned, the
right outputs as well as the wrong ones, on every case (and raises where yours raised). A few
things are found by watching instead: an argument changed in place (compared with an untouched
copy after the call), float32 values reaching f in a numerical gradient, a cache of the wrong
form, an output left all zeros. When nothing known explains the result, the message says which
output is wrong, on which case, by how much, and quotes the equations.

A checker never raises because of your function: whatever it returns or raises, or if it never
returns, becomes a verdict. Only a wrong argument of the checker itself (fn that is not a function,
a bad seed, cases, time_limit...) raises a TypeError or ValueError that names it. `MISTAKES` lists
every verdict and every mistake the checkers can name, as (identifier, description); a result's
`mistake` is one of those identifiers, or None.

Where things are: `softmax.py`, `forward.py` (the cell and the sequence), `backward.py` (the
cell and BPTT), `output.py` (the loss and the output layer) and `gradient.py` hold each exercise's
cases, reference and mistakes; adding a mistake means adding one decorated function there.
`engine.py` runs the cases and judges them, `cases.py` draws them, `learner.py` reads what your
function returned or raised, `messages.py` writes the texts, `timeout.py` and `source.py` hold the
time limit and the rules on loops. Sizes use the letters of the package: n_x, n_a, n_y, m
(sequences in a batch), T_x (time steps).
"""

from .backward import CELL_BACKWARD, RNN_BACKWARD
from .engine import CheckResult, mistakes_table
from .forward import CELL_FORWARD, RNN_FORWARD
from .gradient import NUMERICAL_GRADIENT
from .lstm import LSTM_BACKWARD, LSTM_CELL_BACKWARD, LSTM_CELL_FORWARD, LSTM_FORWARD
from .output import CROSS_ENTROPY_LOSS, OUTPUT_LAYER_BACKWARD
from .softmax import SOFTMAX

__all__ = [
    "CheckResult",
    "MISTAKES",
    "check_softmax",
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_rnn_cell_backward",
    "check_rnn_backward",
    "check_cross_entropy_loss",
    "check_output_layer_backward",
    "check_numerical_gradient",
    "check_lstm_cell_forward",
    "check_lstm_forward",
    "check_lstm_cell_backward",
    "check_lstm_backward",
]

EXERCISES = (
    SOFTMAX,
    CELL_FORWARD,
    RNN_FORWARD,
    CELL_BACKWARD,
    RNN_BACKWARD,
    CROSS_ENTROPY_LOSS,
    OUTPUT_LAYER_BACKWARD,
    NUMERICAL_GRADIENT,
    LSTM_CELL_FORWARD,
    LSTM_FORWARD,
    LSTM_CELL_BACKWARD,
    LSTM_BACKWARD,
)

# Every verdict a checker can give: (identifier, one-line description), the generic ones first.
MISTAKES = mistakes_table(EXERCISES)


check_softmax = SOFTMAX.checker(
    "check_softmax",
    """Check `fn(z)`, a softmax over axis 0 of logits z of shape (n_y, m) (notebooks 01, 05).

    Runs `cases` random batches, then three batches of large logits: columns 1000 apart, columns
    shifted by up to 800, and columns whose own entries lie 2000 apart, where only a softmax
    that subtracts each column's own maximum stays finite. Recognises: the wrong axis (rows, or
    the whole array); each row's maximum subtracted; one maximum for the whole batch; no maximum;
    each column's minimum, mean or first entry subtracted instead of its maximum.
    """,
)


check_rnn_cell_forward = CELL_FORWARD.checker(
    "check_rnn_cell_forward",
    """Check `fn(xt, a_prev, parameters) -> (a_next, yt_pred, cache)`, one step (notebook 01).

    xt is (n_x, m), a_prev (n_a, m). Compares a_next (n_a, m) and yt_pred (n_y, m) with
    rnn_core, and checks that cache is the tuple (a_next, a_prev, xt, parameters) that
    rnn_cell_backward reads. Recognises: softmax over the wrong axis; a missing bias (ba or by);
    Wax and Waa swapped; the output computed from a_prev; a missing tanh; a cache of another
    form; a_prev changed in place.
    """,
)


check_rnn_forward = RNN_FORWARD.checker(
    "check_rnn_forward",
    """Check `fn(x, a0, parameters) -> (a, y_pred, caches)`, the forward pass (notebook 01).

    x is (n_x, m, T_x), a0 (n_a, m). Compares a (n_a, m, T_x) and y_pred (n_y, m, T_x) with
    rnn_core, and checks that caches is the tuple (list of the T_x cell caches, x) that
    rnn_backward reads. Recognises: the recurrence started from zeros instead of a0; a_prev
    stored in a instead of a_next; a0 passed to every step; caches of another form.
    """,
)


check_rnn_cell_backward = CELL_BACKWARD.checker(
    "check_rnn_cell_backward",
    """Check `fn(da_next, cache) -> dict of dxt, da_prev, dWax, dWaa, dba` (notebooks 02, 04).

    da_next is (n_a, m); the cache comes from rnn_core's rnn_cell_forward. Recognises: dWaa from
    a_next instead of a_prev; the tanh derivative missing, written 1 - a_next, or written
    1 - tanh(a_next)**2; dxt computed with Waa; a missing transpose (an exception where the
    shapes differ, wrong values where they are equal) or a gradient transposed; dba summed over
    the wrong axis; dba without keepdims.
    """,
)


check_rnn_backward = RNN_BACKWARD.checker(
    "check_rnn_backward",
    """Check `fn(da, caches) -> dict of dx, da0, dWax, dWaa, dba`, BPTT (notebooks 02, 04, 06).

    da is a random upstream gradient (n_a, m, T_x); the caches come from rnn_core's rnn_forward.
    Recognises: only da_prev passed to each step (without da[:, :, t]); only da[:, :, t] passed
    (da_prev dropped); weight gradients assigned instead of summed over time; da changed in
    place, reported even when every value is right; an output left all zeros. Notebook 06 passes
    max_products_in_loop=1: only Waa.T @ dz may stay inside the loop.
    """,
)


check_cross_entropy_loss = CROSS_ENTROPY_LOSS.checker(
    "check_cross_entropy_loss",
    """Check `fn(y_pred, y) -> float`, the cross-entropy summed over time, averaged over the batch.

    y_pred has shape (n_y, m, T_x), y holds integer labels of shape (m, T_x) (notebooks 03, 05).
    Recognises: divided by T_x, or by m * T_x, instead of m; not divided at all; labels on the
    wrong axis or read transposed; a missing minus sign. An array of shape (1,) is not a float:
    it gets the verdict "wrong_return_type", which says to return float(loss).
    """,
)


check_output_layer_backward = OUTPUT_LAYER_BACKWARD.checker(
    "check_output_layer_backward",
    """Check `fn(y_pred, y, a, parameters) -> dict of dWya, dby, da` (notebooks 02, 03, 05, 06).

    y_pred is (n_y, m, T_x), y (m, T_x), a (n_a, m, T_x). Recognises: the gradients not divided
    by m; the one-hot labels not subtracted; dby not summed over both the batch and time; dby
    without keepdims; a missing transpose (da from Wya instead of Wya.T, or dWya transposed);
    dWya or dby holding only the last step's share; y_pred changed in place. Notebook 06 passes
    loops_allowed=False: no loop over t.
    """,
)


check_numerical_gradient = NUMERICAL_GRADIENT.checker(
    "check_numerical_gradient",
    """Check `fn(f, x, h)`, central differences of a scalar function f at the array x (notebook 03).

    x has 1 to 3 dimensions. Two cases pass h = 0.3 and h = 0.1 and compare with rnn_core's
    central difference at that h (tolerance 1e-9); `cases` more pass h = 1e-5 and compare with
    the analytic gradient (tolerance 1e-7). Recognises: a one-sided difference; computing in
    float32; h ignored for a fixed step; perturbed entries not put back; dividing by h instead of
    2h; the caller's x moved (even when it is put back before the function returns).
    """,
    cases=10,
)


check_lstm_cell_forward = LSTM_CELL_FORWARD.checker(
    "check_lstm_cell_forward",
    """Check `fn(xt, a_prev, c_prev, parameters) -> (a_next, c_next, yt_pred, cache)` (notebook 07).

    xt is (n_x, m), a_prev and c_prev (n_a, m); every gate weight is (n_a, n_a + n_x) and acts
    on [a_prev; xt]. Compares a_next, c_next (n_a, m) and yt_pred (n_y, m) with rnn_core, and
    checks that cache is the tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt,
    parameters) that lstm_cell_backward reads. Recognises: the input stacked as [xt; a_prev];
    tanh of c_prev instead of c_next; the tanh of the cell state missing; the forget and input
    gates swapped; c_next from a_prev; the candidate through sigmoid; a gate bias or by missing;
    the output from a_prev; softmax over the wrong axis; a cache of another form; a_prev or
    c_prev changed in place.
    """,
)


check_lstm_forward = LSTM_FORWARD.checker(
    "check_lstm_forward",
    """Check `fn(x, a0, parameters) -> (a, y, c, caches)`, the LSTM forward pass (notebook 07).

    x is (n_x, m, T_x), a0 (n_a, m), the initial cell state zero. Compares a, c (n_a, m, T_x) and
    y (n_y, m, T_x) with rnn_core, and checks that caches is the tuple (list of the T_x cell
    caches, x) that lstm_backward reads. Recognises: the recurrence started from zeros instead of
    a0; the cell state started from a0; the cell state not carried from step to step; a0 passed
    to every step; caches of another form.
    """,
)


check_lstm_cell_backward = LSTM_CELL_BACKWARD.checker(
    "check_lstm_cell_backward",
    """Check `fn(da_next, dc_next, cache) -> dict of dxt, da_prev, dc_prev, dWf, dbf, dWi, dbi,
    dWc, dbc, dWo, dbo`, one LSTM step backwards (notebook 07).

    da_next and dc_next are (n_a, m); the cache comes from rnn_core's lstm_cell_forward.
    Recognises: the path da_next -> dc dropped; dc_next dropped; dc_prev = dc without ft, or
    dc_next * ft; tanh of c_prev instead of c_next; gate derivatives written as σ' (or tanh') of
    the gate itself, missing, or in the other activation's form; dzo from dc; the stack taken
    as [xt; a_prev] (in the weight gradients, in the split of ds, or both).
    """,
)


check_lstm_backward = LSTM_BACKWARD.checker(
    "check_lstm_backward",
    """Check `fn(da, caches) -> dict of dx, da0, dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo`, BPTT
    through the LSTM (notebook 07).

    da is a random upstream gradient (n_a, m, T_x); the caches come from rnn_core's
    lstm_forward. Recognises: only da_prev, or only da[:, :, t], passed to each step; dc_prev not
    carried back (dc_next = zeros at every step); weight gradients assigned instead of summed
    over time; da changed in place; an output left all zeros.
    """,
)
