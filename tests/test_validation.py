"""Bad input: every rejection path raises the right type with a message that names the argument."""

import re

import numpy as np
import pytest
from problems import make_problem

import rnn_core as rc

X, Y, A0, P = make_problem((3, 5, 2, 10, 4), seed=0)  # n_x=3, n_a=5, n_y=2, m=10, T_x=4
XT = X[:, :, 0]
CACHE = rc.rnn_cell_forward(XT, A0, P)[2]
CACHES = rc.rnn_forward(X, A0, P)[2]
A, Y_PRED, _ = rc.rnn_forward(X, A0, P)
DA = np.ones((5, 10, 4))


def replace(parameters, **changes):
    return {**parameters, **changes}


def without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


# (id, call, exception type, a regular expression the message must match)
CASES = [
    # parameters
    (
        "parameters not a dict",
        lambda: rc.rnn_cell_forward(XT, A0, [P]),
        TypeError,
        r"^parameters must be a dict",
    ),
    (
        "parameters missing by",
        lambda: rc.rnn_forward(X, A0, without(P, "by")),
        ValueError,
        r"parameters is missing 'by'",
    ),
    (
        "ba of shape (5,)",
        lambda: rc.rnn_cell_forward(XT, A0, replace(P, ba=P["ba"].ravel())),
        ValueError,
        re.escape("parameters['ba'] has shape (5,), expected (n_a, 1) = (5, 1)"),
    ),
    (
        "Waa not square",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=np.ones((5, 4)))),
        ValueError,
        re.escape("parameters['Waa'] has shape (5, 4), expected (n_a, n_a) = (5, 5)"),
    ),
    (
        "Wax with the wrong n_a",
        lambda: rc.rnn_forward(X, A0, replace(P, Wax=np.ones((4, 3)))),
        ValueError,
        re.escape("parameters['Wax'] has shape (4, 3), expected (n_a, n_x) = (5, 3)"),
    ),
    (
        "Wya transposed",
        lambda: rc.rnn_forward(X, A0, replace(P, Wya=P["Wya"].T)),
        ValueError,
        re.escape("parameters['Wya'] has shape (5, 2), expected (n_y, n_a) = (5, 5)"),
    ),
    (
        "by of the wrong n_y",
        lambda: rc.rnn_forward(X, A0, replace(P, by=np.ones((3, 1)))),
        ValueError,
        re.escape("parameters['by'] has shape (3, 1), expected (n_y, 1) = (2, 1)"),
    ),
    (
        "NaN in a parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, Waa=with_value(P["Waa"], (1, 2), np.nan))),
        ValueError,
        re.escape("parameters['Waa'] contains NaN or inf (1 entries, the first at index (1, 2))"),
    ),
    (
        "string parameter",
        lambda: rc.rnn_forward(X, A0, replace(P, by="0.5")),
        TypeError,
        r"parameters\['by'\] must be an array of real numbers",
    ),
    # data
    (
        "xt of the wrong n_x",
        lambda: rc.rnn_cell_forward(np.ones((4, 10)), A0, P),
        ValueError,
        re.escape("xt has shape (4, 10), expected (n_x, m) = (3, 10)"),
    ),
    (
        "a_prev with the wrong m",
        lambda: rc.rnn_cell_forward(XT, np.ones((5, 9)), P),
        ValueError,
        re.escape("a_prev has shape (5, 9), expected (n_a, m) = (5, 10)"),
    ),
    (
        "x with two dimensions",
        lambda: rc.rnn_forward(XT, A0, P),
        ValueError,
        re.escape("x has shape (3, 10), expected (n_x, m, T_x) = (3, m, T_x)"),
    ),
    (
        "a0 with the wrong n_a",
        lambda: rc.rnn_forward(X, np.ones((4, 10)), P),
        ValueError,
        re.escape("a0 has shape (4, 10), expected (n_a, m) = (5, 10)"),
    ),
    (
        "x with zero time steps",
        lambda: rc.rnn_forward(np.ones((3, 10, 0)), A0, P),
        ValueError,
        re.escape("x has shape (3, 10, 0): every dimension must be at least 1"),
    ),
    (
        "inf in x",
        lambda: rc.rnn_forward(with_value(X, (0, 0, 3), np.inf), A0, P),
        ValueError,
        r"^x contains NaN or inf",
    ),
    (
        "NaN in a0",
        lambda: rc.rnn_forward(X, with_value(A0, (4, 9), np.nan), P),
        ValueError,
        r"^a0 contains NaN or inf",
    ),
    (
        "boolean x",
        lambda: rc.rnn_forward(X > 0, A0, P),
        TypeError,
        r"^x must be an array of real numbers, got ndarray with dtype bool",
    ),
    (
        "complex xt",
        lambda: rc.rnn_cell_forward(XT + 0j, A0, P),
        TypeError,
        r"^xt must be an array of real numbers",
    ),
    (
        "ragged a0",
        lambda: rc.rnn_cell_forward(XT, [[1.0, 2.0], [3.0]], P),
        ValueError,
        r"^a_prev is not a rectangular array",
    ),
    # backward
    (
        "da_next of the wrong m",
        lambda: rc.rnn_cell_backward(np.ones((5, 3)), CACHE),
        ValueError,
        re.escape("da_next has shape (5, 3), expected (n_a, m) = (5, 10)"),
    ),
    (
        "cache not a tuple",
        lambda: rc.rnn_cell_backward(np.ones((5, 10)), list(CACHE)),
        ValueError,
        r"^cache must be the tuple \(a_next, a_prev, xt, parameters\)",
    ),
    (
        "NaN in da_next",
        lambda: rc.rnn_cell_backward(with_value(np.ones((5, 10)), (0, 0), np.nan), CACHE),
        ValueError,
        r"^da_next contains NaN or inf",
    ),
    (
        "da with the wrong T_x",
        lambda: rc.rnn_backward(np.ones((5, 10, 3)), CACHES),
        ValueError,
        re.escape("da has shape (5, 10, 3), expected (n_a, m, T_x) = (5, 10, 4)"),
    ),
    (
        "caches not a pair",
        lambda: rc.rnn_backward(DA, CACHES[0]),
        ValueError,
        r"^caches must be the tuple \(list_of_cell_caches, x\)",
    ),
    (
        "caches of another length",
        lambda: rc.rnn_backward(DA, (CACHES[0][:3], CACHES[1])),
        ValueError,
        r"^caches\[0\] \(list_of_cell_caches\) has 3 cell caches, expected T_x = 4",
    ),
    (
        "a cell cache broken",
        lambda: rc.rnn_backward(DA, (CACHES[0][:2] + [None] + CACHES[0][3:], CACHES[1])),
        ValueError,
        r"^caches\[0\]\[2\] must be a cell cache",
    ),
    # labels and loss
    (
        "float labels",
        lambda: rc.rnn_loss_and_gradients(X, Y.astype(float), A0, P),
        ValueError,
        r"^y must hold integer class indices in \[0, n_y\), got dtype float64",
    ),
    (
        "label = n_y",
        lambda: rc.rnn_loss_and_gradients(X, np.full((10, 4), 2), A0, P),
        ValueError,
        re.escape("y holds the class index 2, outside [0, n_y) = [0, 2)"),
    ),
    (
        "negative label",
        lambda: rc.rnn_loss(X, np.full((10, 4), -1), A0, P),
        ValueError,
        re.escape("y holds the class index -1, outside [0, n_y) = [0, 2)"),
    ),
    (
        "labels transposed",
        lambda: rc.rnn_loss_and_gradients(X, Y.T, A0, P),
        ValueError,
        re.escape("y has shape (4, 10), expected (m, T_x) = (10, 4)"),
    ),
    (
        "y_pred of two dimensions",
        lambda: rc.cross_entropy_loss(Y_PRED[:, :, 0], Y),
        ValueError,
        r"^y_pred has shape \(2, 10\)",
    ),
    (
        "a of the wrong n_a",
        lambda: rc.output_layer_backward(Y_PRED, Y, A[:4], P),
        ValueError,
        re.escape("a has shape (4, 10, 4), expected (n_a, m, T_x) = (5, 10, 4)"),
    ),
    ("one_hot with n_y = 0", lambda: rc.one_hot(Y, 0), ValueError, r"^n_y must be at least 1"),
    # activations
    (
        "softmax of NaN",
        lambda: rc.softmax([[1.0], [np.nan]]),
        ValueError,
        r"^z contains NaN or inf",
    ),
    ("softmax of a scalar", lambda: rc.softmax(3.0), ValueError, r"^z has shape \(\)"),
    (
        "sigmoid of text",
        lambda: rc.sigmoid(["a", "b"]),
        TypeError,
        r"^z must be an array of real numbers",
    ),
    # initialisation
    (
        "n_a = 0",
        lambda: rc.initialize_parameters(3, 0, 2),
        ValueError,
        r"^n_a must be at least 1, got 0",
    ),
    (
        "n_x a float",
        lambda: rc.initialize_parameters(3.0, 5, 2),
        TypeError,
        r"^n_x must be an int, got float",
    ),
    (
        "negative scale",
        lambda: rc.initialize_parameters(3, 5, 2, scale=-1.0),
        ValueError,
        r"^scale must be a finite number > 0",
    ),
    # gradient checking
    ("f not callable", lambda: rc.numerical_gradient(3.0, X), TypeError, r"^f must be a function"),
    (
        "h = 0",
        lambda: rc.numerical_gradient(np.sum, X, h=0.0),
        ValueError,
        r"^h must be a finite number > 0",
    ),
    (
        "relative_error of two shapes",
        lambda: rc.relative_error(np.ones(3), np.ones(4)),
        ValueError,
        re.escape("a has shape (3,) and b has shape (4,); expected equal shapes"),
    ),
    (
        "num_entries = 0",
        lambda: rc.gradient_check(X, Y, A0, P, num_entries=0),
        ValueError,
        r"^num_entries must be at least 1",
    ),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_a_message_that_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


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


def test_no_broadcast_turns_a_flat_bias_into_a_result():
    """The seed's trap: a ba of shape (5,) would broadcast to (5, 5); here it is refused."""
    with pytest.raises(ValueError, match=r"parameters\['ba'\]"):
        rc.rnn_cell_forward(XT[:, :5], A0[:, :5], replace(P, ba=P["ba"].ravel()))


def test_inputs_are_not_modified():
    x, a0, parameters = X.copy(), A0.copy(), {k: v.copy() for k, v in P.items()}
    rc.rnn_loss_and_gradients(x, Y, a0, parameters)
    rc.gradient_check(x, Y, a0, parameters, num_entries=2)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(a0, A0)
    for key in P:
        np.testing.assert_array_equal(parameters[key], P[key])


def test_every_bad_input_case_has_a_distinct_name():
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))
