"""Bad input: one table per rnn_core module, and what every array argument goes through.

Each row of a table is (call, exception type, phrase): the call must raise that type, with a
message that contains the phrase, which names the argument at fault (and, where a row gives a
second phrase, the hint the message must carry). Many rows are regressions for defects a fuzz
found: a later cell cache that was not checked, indices that perturbed a whole row, a seed of -1.

The second half holds the promises of `rnn_core._validation` that are not errors: integer arrays
are computed in float64, float32 stays float32, np.matrix gives the ndarray answer, and no
argument is modified.
"""

import warnings

import numpy as np
import pytest
from helpers import assert_rejects, bad

import rnn_core as rc
from rnn_core.corpus import build_vocabulary, decode, encode, load_corpus, make_batch
from rnn_core.optimizers import (
    Adagrad,
    clip_by_global_norm,
    clip_elementwise,
    global_norm,
    sgd_step,
)
from rnn_core.problems import random_parameters, random_problem
from rnn_core.sampling import next_char_probabilities, sample
from rnn_core.training import perplexity, train

X, Y, A0, P = random_problem(3, 5, 2, 10, 4, seed=0)  # n_x=3, n_a=5, n_y=2, m=10, T_x=4
XT = X[:, :, 0]
A, Y_PRED, CACHES = rc.rnn_forward(X, A0, P)
CACHE = rc.rnn_cell_forward(XT, A0, P)[2]
DA = np.ones((5, 10, 4))
GRADIENTS = {"dWax": np.ones((2, 2)), "da0": np.ones((2, 1))}
TEXT = load_corpus()
CHARS, CHAR_TO_INDEX = build_vocabulary(TEXT)
INDICES = encode(TEXT, CHAR_TO_INDEX)
V = len(CHARS)
MODEL = rc.initialize_parameters(V, 8, V, scale=0.5, seed=3)


def replace(parameters, **changes):
    return {**parameters, **changes}


def without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


def with_cell(t, cell):
    """CACHES with the cell cache of step t replaced by `cell`."""
    cells = list(CACHES[0])
    cells[t] = cell
    return (cells, CACHES[1])


def with_cell_entry(t, k, value):
    """CACHES with entry k of the cell cache of step t replaced by `value`."""
    cell = list(CACHES[0][t])
    cell[k] = value
    return with_cell(t, tuple(cell))


class Unreadable:
    """An object whose __array__ raises, as a tensor that requires grad does."""

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on a tensor that requires grad")


def f16(array):
    return np.asarray(array).astype(np.float16)


def masked(array):
    return np.ma.masked_array(array, mask=np.zeros(np.shape(array), dtype=bool))


ACTIVATIONS = [
    bad("softmax of NaN", lambda: rc.softmax([[1.0], [np.nan]]), ValueError, "z contains NaN"),
    bad("softmax of a scalar", lambda: rc.softmax(3.0), ValueError, "z has shape ()"),
    bad(
        "softmax of nothing", lambda: rc.softmax(np.zeros((0, 3))), ValueError, "z has shape (0, 3)"
    ),
    bad(
        "log_softmax of float16",
        lambda: rc.log_softmax(f16([[1.0], [2.0]])),
        TypeError,
        "z must be an array of real numbers (float64 or float32)",
        "dtype float16",
    ),
    bad("softmax of a masked array", lambda: rc.softmax(masked(XT)), TypeError, "z is a masked"),
    bad(
        "softmax of an unreadable object",
        lambda: rc.softmax(Unreadable()),
        TypeError,
        "z cannot be read as a numpy array",
    ),
    bad("sigmoid of text", lambda: rc.sigmoid(["a", "b"]), TypeError, "z must be an array of real"),
]

RNN = [
    # parameters
    bad(
        "parameters not a dict",
        lambda: rc.rnn_cell_forward(XT, A0, [P]),
        TypeError,
        "parameters must be a dict",
    ),
    bad(
        "parameters missing by",
        lambda: rc.rnn_forward(X, A0, without(P, "by")),
        ValueError,
        "parameters is missing 'by'",
    ),
    bad(
        "ba of shape (5,)",
        lambda: rc.rnn_cell_forward(XT, A0, replace(P, ba=P["ba"].ravel())),
        ValueError,
        "parameters['ba'] has shape (5,), expected (n_a, 1) = (5, 1)",
    ),
    bad(
        "Waa not square",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=np.ones((5, 4)))),
        ValueError,
        "parameters['Waa'] has shape (5, 4), expected (n_a, n_a) = (5, 5)",
    ),
    bad(
        "Wax with the wrong n_a",
        lambda: rc.rnn_forward(X, A0, replace(P, Wax=np.ones((4, 3)))),
        ValueError,
        "parameters['Wax'] has shape (4, 3), expected (n_a, n_x) = (5, 3)",
    ),
    bad(
        "Wya transposed",
        lambda: rc.rnn_forward(X, A0, replace(P, Wya=P["Wya"].T)),
        ValueError,
        "parameters['Wya'] has shape (5, 2), expected (n_y, n_a) = (5, 5)",
    ),
    bad(
        "by of the wrong n_y",
        lambda: rc.rnn_forward(X, A0, replace(P, by=np.ones((3, 1)))),
        ValueError,
        "parameters['by'] has shape (3, 1), expected (n_y, 1) = (2, 1)",
    ),
    bad(
        "NaN in a parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=with_value(P["Waa"], (1, 2), np.nan))),
        ValueError,
        "parameters['Waa'] contains NaN or inf (1 entries, the first at index (1, 2))",
    ),
    bad(
        "string parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, by="0.5")),
        TypeError,
        "parameters['by'] must be an array of real numbers",
    ),
    bad(
        "float16 parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, Wax=f16(P["Wax"]))),
        TypeError,
        "parameters['Wax'] must be an array of real numbers (float64 or float32)",
        "dtype float16",
    ),
    bad(
        "masked parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=masked(P["Waa"]))),
        TypeError,
        "parameters['Waa'] is a masked array",
    ),
    bad(
        "unreadable parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=Unreadable())),
        TypeError,
        "parameters['Waa'] cannot be read as a numpy array",
    ),
    # data
    bad(
        "xt of the wrong n_x",
        lambda: rc.rnn_cell_forward(np.ones((4, 10)), A0, P),
        ValueError,
        "xt has shape (4, 10), expected (n_x, m) = (3, 10)",
    ),
    bad(
        "xt sliced along the wrong axis",
        lambda: rc.rnn_cell_forward(X[:, 0, :], A0, P),
        ValueError,
        "xt has shape (3, 4), expected (n_x, m) = (3, 10) (m = 10 comes from a_prev)",
        "x[:, :, t]",
    ),
    bad(
        "a_prev with the wrong n_a",
        lambda: rc.rnn_cell_forward(XT, np.ones((4, 10)), P),
        ValueError,
        "a_prev has shape (4, 10), expected (n_a, m) = (5, 10)",
        "(n_a = 5 comes from parameters['Waa'])",
    ),
    bad(
        "x with two dimensions",
        lambda: rc.rnn_forward(XT, A0, P),
        ValueError,
        "x has shape (3, 10), expected (n_x, m, T_x) = (3, m, T_x)",
    ),
    bad(
        "a0 with the wrong n_a",
        lambda: rc.rnn_forward(X, np.ones((4, 10)), P),
        ValueError,
        "a0 has shape (4, 10), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "x with zero time steps",
        lambda: rc.rnn_forward(X[:, :, :0], A0, P),
        ValueError,
        "x has shape (3, 10, 0): it is empty",
    ),
    bad(
        "a0 with zero sequences",
        lambda: rc.rnn_cell_forward(XT, A0[:, :0], P),
        ValueError,
        "a_prev has shape (5, 0): it is empty",
    ),
    bad(
        "inf in x",
        lambda: rc.rnn_forward(with_value(X, (0, 0, 3), np.inf), A0, P),
        ValueError,
        "x contains NaN or inf",
    ),
    bad(
        "NaN in a0",
        lambda: rc.rnn_forward(X, with_value(A0, (4, 9), np.nan), P),
        ValueError,
        "a0 contains NaN or inf",
    ),
    bad(
        "boolean x",
        lambda: rc.rnn_forward(X > 0, A0, P),
        TypeError,
        "x must be an array of real numbers",
        "dtype bool",
    ),
    bad(
        "float16 x",
        lambda: rc.rnn_forward(f16(X), A0, P),
        TypeError,
        "x must be an array of real numbers (float64 or float32)",
        "dtype float16",
    ),
    bad("masked x", lambda: rc.rnn_forward(masked(X), A0, P), TypeError, "x is a masked array"),
    bad(
        "unreadable x",
        lambda: rc.rnn_forward(Unreadable(), A0, P),
        TypeError,
        "x cannot be read as a numpy array",
    ),
    bad(
        "complex xt",
        lambda: rc.rnn_cell_forward(XT + 0j, A0, P),
        TypeError,
        "xt must be an array of real numbers",
    ),
    bad(
        "ragged a_prev",
        lambda: rc.rnn_cell_forward(XT, [[1.0, 2.0], [3.0]], P),
        ValueError,
        "a_prev is not a rectangular array",
    ),
    # initialisation
    bad("n_a = 0", lambda: rc.initialize_parameters(3, 0, 2), ValueError, "n_a must be at least 1"),
    bad(
        "n_x a float",
        lambda: rc.initialize_parameters(3.0, 5, 2),
        TypeError,
        "n_x must be an int, got float",
    ),
    bad(
        "negative scale",
        lambda: rc.initialize_parameters(3, 5, 2, scale=-1.0),
        ValueError,
        "scale must be a finite number > 0",
    ),
    # backward through one step
    bad(
        "da_next of the wrong m",
        lambda: rc.rnn_cell_backward(np.ones((5, 3)), CACHE),
        ValueError,
        "da_next has shape (5, 3), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "cache a list",
        lambda: rc.rnn_cell_backward(np.ones((5, 10)), list(CACHE)),
        ValueError,
        "cache must be the tuple (a_next, a_prev, xt, parameters)",
    ),
    bad(
        "NaN in da_next",
        lambda: rc.rnn_cell_backward(with_value(np.ones((5, 10)), (0, 0), np.nan), CACHE),
        ValueError,
        "da_next contains NaN or inf",
    ),
    bad(
        "float16 in a cache",
        lambda: rc.rnn_cell_backward(np.ones((5, 10)), (CACHE[0], f16(CACHE[1]), *CACHE[2:])),
        TypeError,
        "cache[1] (a_prev) must be an array of real numbers",
    ),
    # backward through time
    bad(
        "da with the wrong T_x",
        lambda: rc.rnn_backward(np.ones((5, 10, 3)), CACHES),
        ValueError,
        "da has shape (5, 10, 3), expected (n_a, m, T_x) = (5, 10, 4)",
    ),
    bad(
        "caches not a pair",
        lambda: rc.rnn_backward(DA, CACHES[0]),
        ValueError,
        "caches must be the tuple (list_of_cell_caches, x)",
    ),
    bad(
        "caches of another length",
        lambda: rc.rnn_backward(DA, (CACHES[0][:3], CACHES[1])),
        ValueError,
        "caches[0] (list_of_cell_caches) has 3 cell caches, expected T_x = 4",
    ),
    bad(
        "a later cell cache None",
        lambda: rc.rnn_backward(DA, with_cell(2, None)),
        ValueError,
        "caches[0][2] must be the tuple (a_next, a_prev, xt, parameters)",
    ),
    bad(
        "a later cell cache of length 3",
        lambda: rc.rnn_backward(DA, with_cell(2, CACHES[0][2][:3])),
        ValueError,
        "caches[0][2] must be the tuple (a_next, a_prev, xt, parameters)",
        "a tuple of length 3",
    ),
    bad(
        "a later cell cache with the wrong m",
        lambda: rc.rnn_backward(DA, with_cell_entry(3, 1, np.ones((5, 9)))),
        ValueError,
        "caches[0][3][1] (a_prev) has shape (5, 9), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "a later cell cache with the wrong n_x",
        lambda: rc.rnn_backward(DA, with_cell_entry(1, 2, np.ones((4, 10)))),
        ValueError,
        "caches[0][1][2] (xt) has shape (4, 10), expected (n_x, m) = (3, 10)",
    ),
    bad(
        "NaN in a later cell cache",
        lambda: rc.rnn_backward(DA, with_cell_entry(2, 2, with_value(CACHES[0][2][2], 0, np.nan))),
        ValueError,
        "caches[0][2][2] (xt) contains NaN or inf",
    ),
    bad(
        "NaN in a later a_next",
        lambda: rc.rnn_backward(DA, with_cell_entry(3, 0, with_value(CACHES[0][3][0], 0, np.nan))),
        ValueError,
        "caches[0][3][0] (a_next) contains NaN or inf",
    ),
    bad(
        "float16 in a later cell cache",
        lambda: rc.rnn_backward(DA, with_cell_entry(2, 0, f16(CACHES[0][2][0]))),
        TypeError,
        "caches[0][2][0] (a_next) must be an array of real numbers",
    ),
    bad(
        "other parameters in a later cell cache",
        lambda: rc.rnn_backward(DA, with_cell_entry(1, 3, replace(P, Waa=2 * P["Waa"]))),
        ValueError,
        "caches[0][1][3] (parameters) differs from caches[0][0][3]",
    ),
]

LOSS = [
    bad(
        "y_pred of two dimensions",
        lambda: rc.cross_entropy_loss(Y_PRED[:, :, 0], Y),
        ValueError,
        "y_pred has shape (2, 10)",
    ),
    bad(
        "cross-entropy of logits",
        lambda: rc.cross_entropy_loss(np.log(Y_PRED) - 3.0, Y),
        ValueError,
        "y_pred must hold probabilities",
        "rnn_core.softmax",
    ),
    bad(
        "cross-entropy of 3 * y_pred",
        lambda: rc.cross_entropy_loss(3 * Y_PRED, Y),
        ValueError,
        "y_pred must hold probabilities",
        "rnn_core.softmax",
    ),
    bad(
        "output layer of y_pred times 2",
        lambda: rc.output_layer_backward(2 * Y_PRED, Y, A, P),
        ValueError,
        "y_pred must hold probabilities",
    ),
    bad(
        "a of the wrong n_a",
        lambda: rc.output_layer_backward(Y_PRED, Y, A[:4], P),
        ValueError,
        "a has shape (4, 10, 4), expected (n_a, m, T_x) = (5, 10, 4)",
    ),
    bad("one_hot with n_y = 0", lambda: rc.one_hot(Y, 0), ValueError, "n_y must be at least 1"),
    bad(
        "one_hot of a label = n_y",
        lambda: rc.one_hot(Y, 1),
        ValueError,
        "y holds the class index 1",
    ),
]

NETWORK = [
    bad(
        "entries so large that a product overflows",
        lambda: rc.rnn_loss(X, Y, A0, {**P, "Wax": np.full((5, 3), 1e308)}),
        ValueError,
        "rnn_loss overflows: x, a0 and parameters hold entries too large for it",
    ),
    bad(
        "a linear RNN whose states overflow",
        lambda: rc.hidden_states(
            np.ones((3, 1, 800)), A0[:, :1], {**P, "Waa": 3 * np.eye(5)}, "linear"
        ),
        ValueError,
        "hidden_states overflows: x, a0 and parameters",
    ),
    bad(
        "relative_error of entries whose difference overflows",
        lambda: rc.relative_error([1e308], [-1e308]),
        ValueError,
        "relative_error overflows: a and b",
    ),
    bad(
        "float labels",
        lambda: rc.rnn_loss_and_gradients(X, Y.astype(float), A0, P),
        TypeError,
        "y must hold integers in [0, n_y), one class index per entry",
        "got dtype float64",
    ),
    bad(
        "label = n_y",
        lambda: rc.rnn_loss_and_gradients(X, np.full((10, 4), 2), A0, P),
        ValueError,
        "y holds the class index 2, outside [0, n_y) = [0, 2)",
    ),
    bad(
        "negative label",
        lambda: rc.rnn_loss(X, np.full((10, 4), -1), A0, P),
        ValueError,
        "y holds the class index -1, outside [0, n_y) = [0, 2)",
    ),
    bad(
        "labels transposed",
        lambda: rc.rnn_loss_and_gradients_by_steps(X, Y.T, A0, P),
        ValueError,
        "y has shape (4, 10), expected (m, T_x) = (10, 4)",
    ),
    bad(
        "masked a0",
        lambda: rc.rnn_loss(X, Y, masked(A0), P),
        TypeError,
        "a0 is a masked array",
    ),
]

GRADCHECK = [
    bad("f not callable", lambda: rc.numerical_gradient(3.0, X), TypeError, "f must be a function"),
    bad(
        "h = 0",
        lambda: rc.numerical_gradient(np.sum, X, h=0.0),
        ValueError,
        "h must be a finite number > 0",
    ),
    bad(
        "an index of one int into a 2-D x",
        lambda: rc.numerical_gradient(np.sum, XT, indices=[(0,)]),
        ValueError,
        "indices[0] is (0,); each index must be a tuple of 2 ints",
    ),
    bad(
        "an index outside x",
        lambda: rc.numerical_gradient(np.sum, XT, indices=[(0, 1), (3, 0)]),
        ValueError,
        "indices[1] is (3, 0), outside x of shape (3, 10)",
    ),
    bad(
        "a negative index",
        lambda: rc.numerical_gradient(np.sum, XT, indices=[(-1, 0)]),
        ValueError,
        "indices[0] is (-1, 0), outside x",
    ),
    bad(
        "an index of floats",
        lambda: rc.numerical_gradient(np.sum, XT, indices=[(0.0, 1)]),
        ValueError,
        "indices[0] is (0.0, 1); each index must be a tuple of 2 ints",
    ),
    bad(
        "an index of a bool",
        lambda: rc.numerical_gradient(np.sum, XT, indices=[(True, 1)]),
        ValueError,
        "indices[0] is (True, 1)",
    ),
    bad(
        "indices a string",
        lambda: rc.numerical_gradient(np.sum, XT, indices="0, 1"),
        TypeError,
        "indices must be a list of index tuples",
    ),
    bad(
        "f returns an array",
        lambda: rc.numerical_gradient(lambda v: 2 * v, XT),
        TypeError,
        "f must return one real number, but returned ndarray with shape (3, 10)",
    ),
    bad(
        "f returns NaN",
        lambda: rc.numerical_gradient(lambda v: np.nan, XT),
        ValueError,
        "f returned nan",
    ),
    bad(
        "relative_error of two shapes",
        lambda: rc.relative_error(np.ones(3), np.ones(4)),
        ValueError,
        "a has shape (3,) and b has shape (4,); expected equal shapes",
    ),
    bad(
        "num_entries = 0",
        lambda: rc.gradient_check(X, Y, A0, P, num_entries=0),
        ValueError,
        "num_entries must be at least 1",
    ),
    bad(
        "loss_and_gradients not callable",
        lambda: rc.gradient_check(X, Y, A0, P, loss_and_gradients="fused"),
        TypeError,
        "loss_and_gradients must be a function",
    ),
    bad(
        "loss_and_gradients returns a loss only",
        lambda: rc.gradient_check(X, Y, A0, P, loss_and_gradients=rc.rnn_loss),
        TypeError,
        "loss_and_gradients must return (loss, gradients)",
    ),
    bad(
        "loss_and_gradients without dx",
        lambda: rc.gradient_check(
            X,
            Y,
            A0,
            P,
            loss_and_gradients=lambda *a: (0.0, without(rc.numerical_gradients(*a), "x")),
        ),
        ValueError,
        "loss_and_gradients must return (loss, gradients); its gradients lack",
    ),
    bad("format_error of NaN", lambda: rc.format_error(np.nan), ValueError, "error must be"),
    bad("format_error of -1", lambda: rc.format_error(-1), ValueError, "error must be"),
    bad("format_error of inf", lambda: rc.format_error(np.inf), ValueError, "error must be"),
    bad("format_error of a str", lambda: rc.format_error("1e-9"), TypeError, "error must be"),
]

DYNAMICS = [
    bad(
        "nonlinearity relu",
        lambda: rc.hidden_states(X, A0, P, "relu"),
        ValueError,
        "nonlinearity must be one of ('tanh', 'linear'), got 'relu'",
    ),
    bad(
        "k = 0",
        lambda: rc.truncated_bptt_gradients(X, Y, A0, P, 0),
        ValueError,
        "k must be at least 1",
    ),
    bad(
        "spectral_radius of a non-square matrix",
        lambda: rc.spectral_radius(np.ones((2, 3))),
        ValueError,
        "matrix has shape (2, 3), expected (n, n) = (2, 2)",
    ),
    bad(
        "spectral radius 0",
        lambda: rc.scaled_orthogonal_matrix(3, 0.0),
        ValueError,
        "spectral_radius must be a finite number > 0",
    ),
    bad(
        "da_last of the wrong m",
        lambda: rc.backpropagate_from_last_step(A, P["Waa"], np.ones((5, 3))),
        ValueError,
        "da_last has shape (5, 3), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "float16 da_total",
        lambda: rc.gradient_norms(f16(DA)),
        TypeError,
        "da_total must be an array of real numbers (float64 or float32)",
    ),
]

CORPUS = [
    bad("corpus name", lambda: load_corpus("hamlet"), ValueError, "name is 'hamlet'"),
    bad("text not a str", lambda: build_vocabulary(["a"]), TypeError, "text must be a str"),
    bad("empty text", lambda: build_vocabulary(""), ValueError, "text is empty"),
    bad(
        "unknown character",
        lambda: encode("Thee", CHAR_TO_INDEX),
        ValueError,
        "text contains characters that are not in the vocabulary (char_to_index): 'T'",
    ),
    bad(
        "char_to_index to a string",
        lambda: encode("ab", {"a": 0, "b": "1"}),
        TypeError,
        "char_to_index['b'] is '1'",
    ),
    bad(
        "char_to_index to a negative index",
        lambda: encode("ab", {"a": 0, "b": -1}),
        ValueError,
        "char_to_index['b'] is -1, outside [0, n) = [0, 2)",
    ),
    bad(
        "char_to_index to one index twice",
        lambda: encode("ab", {"a": 0, "b": 0}),
        ValueError,
        "char_to_index gives two characters the same index",
    ),
    bad(
        "index too large",
        lambda: decode([0, V], CHARS),
        ValueError,
        "indices holds the index 36, outside [0, len(chars)) = [0, 36)",
    ),
    bad(
        "window too long",
        lambda: make_batch(INDICES[:5], V, 2, 5, np.random.default_rng(0)),
        ValueError,
        "indices has length 5, need at least T_x + 1 = 6",
    ),
    bad(
        "rng an int",
        lambda: make_batch(INDICES, V, 2, 5, 0),
        TypeError,
        "rng must be a numpy Generator",
    ),
    bad("m zero", lambda: make_batch(INDICES, V, 0, 5, None), ValueError, "m must be at least 1"),
]

OPTIMIZERS = [
    bad("max_norm zero", lambda: clip_by_global_norm(GRADIENTS, 0), ValueError, "max_norm must be"),
    bad(
        "gradients not a dict",
        lambda: clip_elementwise([1.0], 1.0),
        TypeError,
        "gradients must be a dict",
    ),
    bad(
        "clip key missing",
        lambda: clip_by_global_norm(GRADIENTS, 1.0, keys=["dWaa"]),
        ValueError,
        "keys names ['dWaa']",
    ),
    bad(
        "no parameter gradients",
        lambda: clip_elementwise({"da0": np.ones(2)}, 1.0),
        ValueError,
        "gradients has no key that starts with 'dW' or 'db'",
    ),
    bad(
        "NaN in a gradient",
        lambda: global_norm({"dWax": np.array([1.0, np.nan])}),
        ValueError,
        "gradients['dWax'] contains NaN or inf",
    ),
    bad(
        "masked gradient",
        lambda: clip_by_global_norm({"dWax": masked(np.ones(2))}, 1.0),
        TypeError,
        "gradients['dWax'] is a masked array",
    ),
    bad(
        "unreadable gradient",
        lambda: clip_elementwise({"dWax": Unreadable()}, 1.0),
        TypeError,
        "gradients['dWax'] cannot be read as a numpy array",
    ),
    bad(
        "empty gradient",
        lambda: global_norm({"dWax": np.ones((0, 2))}),
        ValueError,
        "gradients['dWax'] has shape (0, 2): it is empty",
    ),
    bad(
        "gradient missing",
        lambda: sgd_step({"W": np.ones(2)}, {"db": np.ones(2)}, 0.1),
        ValueError,
        "gradients is missing 'dW'",
    ),
    bad(
        "gradient shape",
        lambda: Adagrad().step({"W": np.ones(2)}, {"dW": np.ones(3)}),
        ValueError,
        "gradients['dW'] has shape (3,)",
    ),
    bad(
        "learning_rate negative",
        lambda: sgd_step({"W": np.ones(2)}, {"dW": np.ones(2)}, -0.1),
        ValueError,
        "learning_rate must be a finite number > 0",
    ),
    bad(
        "float16 parameter",
        lambda: sgd_step({"W": f16(np.ones(2))}, {"dW": np.ones(2)}, 0.1),
        TypeError,
        "parameters['W'] must be an array of real numbers (float64 or float32)",
    ),
]

TRAINING = [
    bad("steps a float", lambda: train(TEXT, steps=2.5), TypeError, "steps must be an int"),
    bad("text too short", lambda: train("abc", T_x=5), ValueError, "text has 3 characters"),
    bad("clip zero", lambda: train(TEXT, clip=0.0), ValueError, "clip must be a finite number > 0"),
    bad(
        "perplexity of a string",
        lambda: perplexity("2.0"),
        TypeError,
        "loss_per_char must be an array of real numbers",
    ),
]

SAMPLING = [
    bad(
        "temperature zero",
        lambda: sample(MODEL, CHARS, CHAR_TO_INDEX, "the", 5, temperature=0),
        ValueError,
        "temperature must be a finite number > 0",
    ),
    bad(
        "temperature inf",
        lambda: next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "the", np.inf),
        ValueError,
        "temperature must be a finite number > 0",
    ),
    bad(
        "prompt outside the vocabulary",
        lambda: next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "The", 1.0),
        ValueError,
        "prompt contains characters that are not in the vocabulary (char_to_index): 'T'",
    ),
    bad(
        "empty start",
        lambda: sample(MODEL, CHARS, CHAR_TO_INDEX, "", 5),
        ValueError,
        "start is empty",
    ),
    bad(
        "chars of the wrong size",
        lambda: sample(MODEL, CHARS[:-1], CHAR_TO_INDEX, "the", 5),
        ValueError,
        "chars has 35 and char_to_index 36 entries, expected n_y = 36",
    ),
    bad(
        "a model with n_x != n_y",
        lambda: sample(rc.initialize_parameters(V + 1, 8, V), CHARS, CHAR_TO_INDEX, "the", 5),
        ValueError,
        "parameters has n_x = 37 (from parameters['Wax']) and n_y = 36",
    ),
]

PROBLEMS = [
    bad("m = 0", lambda: random_problem(2, 3, 2, 0, 4), ValueError, "m must be at least 1"),
    bad(
        "dtype float16",
        lambda: random_parameters(2, 3, 2, dtype="float16"),
        ValueError,
        "dtype must be one of ('float64', 'float32'), got 'float16'",
    ),
    bad(
        "negative bias_scale",
        lambda: random_parameters(2, 3, 2, bias_scale=-0.1),
        ValueError,
        "bias_scale must be a finite number >= 0",
    ),
]

# Every function that takes a seed refuses the same four bad seeds, naming `seed`.
SEEDED = {
    "initialize_parameters": lambda seed: rc.initialize_parameters(2, 3, 2, seed=seed),
    "scaled_orthogonal_matrix": lambda seed: rc.scaled_orthogonal_matrix(3, 1.0, seed=seed),
    "random_problem": lambda seed: random_problem(2, 3, 2, 1, 2, seed=seed),
    "sample": lambda seed: sample(MODEL, CHARS, CHAR_TO_INDEX, "the", 3, seed=seed),
    "train": lambda seed: train(TEXT, n_a=2, T_x=3, m=1, steps=1, seed=seed),
    "gradient_check": lambda seed: rc.gradient_check(X, Y, A0, P, num_entries=1, seed=seed),
}
BAD_SEEDS = [
    (-1, ValueError, "seed must be an int >= 0, got -1"),
    (1.0, TypeError, "seed must be an int >= 0 or a numpy Generator, got float"),
    (True, TypeError, "seed must be an int >= 0 or a numpy Generator, got bool"),
    ("0", TypeError, "seed must be an int >= 0 or a numpy Generator, got str"),
]
SEEDS = [
    bad(f"{name} with seed {seed!r}", lambda call=call, seed=seed: call(seed), error, phrase)
    for name, call in SEEDED.items()
    for seed, error, phrase in BAD_SEEDS
]

TABLES = {
    "activations": ACTIVATIONS,
    "rnn": RNN,
    "loss": LOSS,
    "network": NETWORK,
    "gradcheck": GRADCHECK,
    "dynamics": DYNAMICS,
    "corpus": CORPUS,
    "optimizers": OPTIMIZERS,
    "training": TRAINING,
    "sampling": SAMPLING,
    "problems": PROBLEMS,
    "seeds": SEEDS,
}


@pytest.mark.parametrize(
    "call, error, phrases",
    [
        pytest.param(*case.values, id=f"{module}: {case.id}")
        for module, table in TABLES.items()
        for case in table
    ],
)
def test_bad_input_is_rejected_with_a_message_that_names_the_argument(call, error, phrases):
    assert_rejects(call, error, phrases)


# --- what every array goes through, when it is accepted ---


def test_integer_data_is_computed_in_float64():
    x_int = np.arange(3 * 10 * 4).reshape(3, 10, 4) % 3 - 1
    parameters_int = replace(P, Wax=np.array([[1, 0, -1]] * 5))
    a_int, _, _ = rc.rnn_forward(x_int, np.zeros((5, 10), dtype=int), parameters_int)
    a_float, _, _ = rc.rnn_forward(
        x_int.astype(float),
        np.zeros((5, 10)),
        replace(parameters_int, Wax=parameters_int["Wax"] * 1.0),
    )
    assert a_int.dtype == np.float64
    np.testing.assert_array_equal(a_int, a_float)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint64, np.int8])
def test_an_integer_array_in_a_later_cell_cache_gives_the_float64_answer(dtype):
    """Regression: 1 - a**2 of a uint8 a_next wrapped around (|dx| of about 1e19)."""
    values = np.random.default_rng(0).integers(0, 4, size=(5, 10))  # small whole numbers
    as_ints = with_cell(
        2, (values.astype(dtype), values.astype(dtype), values[:3].astype(dtype), P)
    )
    as_floats = with_cell(2, (values * 1.0, values * 1.0, values[:3] * 1.0, P))
    expected = rc.rnn_backward(DA, as_floats)
    gradients = rc.rnn_backward(DA, as_ints)
    for name, value in expected.items():
        assert gradients[name].dtype == np.float64, name
        np.testing.assert_array_equal(gradients[name], value, err_msg=name)


def arrays_in(result):
    """Every ndarray in a result (nested tuples, lists and dicts), in a fixed order."""
    if isinstance(result, np.ndarray):
        return [result]
    if isinstance(result, dict):
        return [a for key in sorted(result) for a in arrays_in(result[key])]
    if isinstance(result, (tuple, list)):
        return [a for item in result for a in arrays_in(item)]
    return []


def problem_of(dtype):
    parameters = {k: v.astype(dtype) for k, v in P.items()}
    return X.astype(dtype), Y, A0.astype(dtype), parameters, DA.astype(dtype)


def gradients_of(x, y, a0, parameters, da):
    return rc.rnn_loss_and_gradients(x, y, a0, parameters)[1]


def output_layer(x, y, a0, parameters):
    a, y_pred, _ = rc.rnn_forward(x, a0, parameters)
    return rc.output_layer_backward(y_pred, y, a, parameters)


FLOAT32_CALLS = {
    "rnn_cell_forward": lambda x, y, a0, p, da: rc.rnn_cell_forward(x[:, :, 0], a0, p)[:2],
    "rnn_cell_backward": lambda x, y, a0, p, da: rc.rnn_cell_backward(
        da[:, :, 0], rc.rnn_cell_forward(x[:, :, 0], a0, p)[2]
    ),
    "rnn_forward": lambda x, y, a0, p, da: rc.rnn_forward(x, a0, p),
    "rnn_backward": lambda x, y, a0, p, da: rc.rnn_backward(da, rc.rnn_forward(x, a0, p)[2]),
    "rnn_loss_and_gradients": lambda x, y, a0, p, da: rc.rnn_loss_and_gradients(x, y, a0, p),
    "rnn_loss_and_gradients_by_steps": lambda x, y, a0, p, da: rc.rnn_loss_and_gradients_by_steps(
        x, y, a0, p
    ),
    "output_layer_backward": lambda x, y, a0, p, da: output_layer(x, y, a0, p),
    "hidden_states tanh": lambda x, y, a0, p, da: rc.hidden_states(x, a0, p, "tanh"),
    "hidden_states linear": lambda x, y, a0, p, da: rc.hidden_states(x, a0, p, "linear"),
    "hidden_state_gradients": lambda x, y, a0, p, da: rc.hidden_state_gradients(x, y, a0, p),
    "backpropagate_from_last_step": lambda x, y, a0, p, da: rc.backpropagate_from_last_step(
        rc.hidden_states(x, a0, p, "linear"), p["Waa"], da[:, :, -1], "linear"
    ),
    "truncated_bptt_gradients": lambda x, y, a0, p, da: rc.truncated_bptt_gradients(x, y, a0, p, 2),
    "gradient_norms": lambda x, y, a0, p, da: rc.gradient_norms(da * x[:1]),
    "clip_by_global_norm": lambda *problem: clip_by_global_norm(gradients_of(*problem), 0.1),
    "clip_elementwise": lambda *problem: clip_elementwise(gradients_of(*problem), 0.01),
    "sgd_step": lambda x, y, a0, p, da: sgd_step(p, gradients_of(x, y, a0, p, da), 0.1),
    "Adagrad": lambda x, y, a0, p, da: Adagrad().step(p, gradients_of(x, y, a0, p, da)),
}


@pytest.mark.parametrize("call", FLOAT32_CALLS.values(), ids=FLOAT32_CALLS.keys())
def test_float32_stays_float32_and_agrees_with_float64_to_its_precision(call):
    singles = arrays_in(call(*problem_of(np.float32)))
    doubles = arrays_in(call(*problem_of(np.float64)))
    assert singles and len(singles) == len(doubles)
    for single, double in zip(singles, doubles):
        if double.dtype.kind != "f":  # labels
            continue
        assert single.dtype == np.float32, (single.dtype, single.shape)
        scale = max(1.0, np.abs(double).max())
        np.testing.assert_allclose(single, double, rtol=1e-4, atol=1e-5 * scale)


MATRIX_CALLS = {
    "rnn_cell_forward": lambda to: rc.rnn_cell_forward(
        to(XT), to(A0), {k: to(v) for k, v in P.items()}
    ),
    "rnn_cell_backward": lambda to: rc.rnn_cell_backward(
        to(DA[:, :, 0]),
        (to(CACHE[0]), to(CACHE[1]), to(CACHE[2]), {k: to(v) for k, v in P.items()}),
    ),
    "rnn_loss_and_gradients": lambda to: rc.rnn_loss_and_gradients(
        X, Y, to(A0), {k: to(v) for k, v in P.items()}
    ),
    "softmax": lambda to: rc.softmax(to(XT)),
    "spectral_radius": lambda to: rc.spectral_radius(to(P["Waa"])),
    "clip_by_global_norm": lambda to: clip_by_global_norm({"dWax": to(P["Wax"])}, 0.5),
    "sgd_step": lambda to: sgd_step({"W": to(P["Waa"])}, {"dW": to(P["Waa"])}, 0.1),
}


def as_matrix(array):
    with warnings.catch_warnings():  # numpy discourages np.matrix; learners still meet it
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(array)


@pytest.mark.parametrize("call", MATRIX_CALLS.values(), ids=MATRIX_CALLS.keys())
def test_np_matrix_gives_the_answer_of_the_ndarray(call):
    """np.matrix redefines * and ** as matrix products; its entries must be read as an ndarray's."""
    expected = call(np.asarray)
    result = call(as_matrix)
    arrays, expected_arrays = arrays_in(result), arrays_in(expected)
    assert len(arrays) == len(expected_arrays)
    for array, value in zip(arrays, expected_arrays):
        assert type(array) is np.ndarray
        np.testing.assert_array_equal(array, value)
    if not expected_arrays:  # a number
        assert result == expected


def test_no_broadcast_turns_a_flat_bias_into_a_result():
    """The seed's trap: a ba of shape (5,) would broadcast to (5, 5); here it is refused."""
    with pytest.raises(ValueError, match=r"parameters\['ba'\]"):
        rc.rnn_cell_forward(XT[:, :5], A0[:, :5], replace(P, ba=P["ba"].ravel()))


def test_inputs_are_not_modified():
    x, a0, parameters = X.copy(), A0.copy(), {k: v.copy() for k, v in P.items()}
    rc.rnn_loss_and_gradients(x, Y, a0, parameters)
    rc.rnn_loss_and_gradients_by_steps(x, Y, a0, parameters)
    rc.gradient_check(x, Y, a0, parameters, num_entries=2)
    gradients = rc.rnn_loss_and_gradients(x, Y, a0, parameters)[1]
    before = {k: v.copy() for k, v in gradients.items()}
    clip_by_global_norm(gradients, 1e-3)
    clip_elementwise(gradients, 1e-3)
    sgd_step(parameters, gradients, 0.1)
    Adagrad().step(parameters, gradients)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(a0, A0)
    for key in P:
        np.testing.assert_array_equal(parameters[key], P[key])
    for key in before:
        np.testing.assert_array_equal(gradients[key], before[key])


def test_gradient_check_gives_the_function_under_test_copies():
    """Regression: a loss_and_gradients that changed its arguments moved the caller's problem."""
    parameters = {k: v.copy() for k, v in P.items()}

    def doubles_Waa(x, y, a0, p):
        result = rc.rnn_loss_and_gradients(x, y, a0, p)
        p["Waa"] *= 2  # a bug in the function under test
        return result

    errors = rc.gradient_check(X, Y, A0, parameters, loss_and_gradients=doubles_Waa)
    np.testing.assert_array_equal(parameters["Waa"], P["Waa"])
    assert max(errors.values()) < 1e-6  # the numerical gradients are taken at the caller's point


def test_log_softmax_of_a_column_whose_spread_exceeds_float64_is_minus_inf_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_p = rc.log_softmax(np.array([[1e308], [-1e308]]))
        p = rc.softmax(np.array([[3e38], [-3e38]], dtype=np.float32))
    np.testing.assert_array_equal(log_p, [[0.0], [-np.inf]])
    np.testing.assert_array_equal(p, [[1.0], [0.0]])
