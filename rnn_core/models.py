"""Three cells behind one interface: what training and sampling need from a character model.

A character model is one of the three cells of this package with its output layer, and it is
recognised by its parameters (notebook 07 trains all three on the same text):

    cell    parameters                                    state carried from step to step
    "rnn"   Wax, Waa, ba, Wya, by                         a        (n_a, m)
    "lstm"  Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by        (a, c)   (n_a, m) each
    "gru"   Wz, bz, Wr, br, Wh, bh, Wy, by                a        (n_a, m)

The state is always a tuple: (a,) for the RNN and the GRU, (a, c) for the LSTM. Everything here is
a thin dispatch onto the cells' own unchecked functions in `rnn_core.rnn`, `rnn_core.lstm` and
`rnn_core.gru`, and for training and the loss on held-out text onto their fast versions in
`rnn_core.fused` and `rnn_core.fused_gated` (tested equal to the step functions to round-off).
"""

from collections.abc import Mapping

import numpy as np

from ._validation import check_parameters, choose
from .fused import _fused_loss_and_gradients, _fused_loss_and_state
from .fused_gated import (
    _fused_gru_loss_and_gradients,
    _fused_gru_loss_and_state,
    _fused_lstm_loss_and_gradients,
    _fused_lstm_loss_and_state,
)
from .gru import _check_gru_parameters, _gru_cell_forward, initialize_gru_parameters
from .lstm import _lstm_cell_forward, check_lstm_parameters, initialize_lstm_parameters
from .rnn import _rnn_cell_forward, initialize_parameters

CELLS = ("rnn", "lstm", "gru")
# Weight matrices of (n_a, n_a + n_x) each cell multiplies at every step (`threads.step_work`).
WEIGHT_MATRICES = {"rnn": 1, "lstm": 4, "gru": 3}
# The key that tells the cells apart: every cell has it, no other cell does.
_MARK = {"Waa": "rnn", "Wf": "lstm", "Wz": "gru"}


def cell_of(parameters, name="parameters"):
    """The cell a parameter dict belongs to: "rnn", "lstm" or "gru" (by its keys)."""
    if not isinstance(parameters, Mapping):
        raise TypeError(
            f"{name} must be a dict of a model's weights, got {type(parameters).__name__}"
        )
    found = [cell for key, cell in _MARK.items() if key in parameters]
    if len(found) != 1:
        raise ValueError(
            f"{name} has the keys {sorted(map(str, parameters))}; expected those of one cell: "
            "Wax, Waa, ba, Wya, by (RNN), Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by (LSTM) or Wz, bz, "
            "Wr, br, Wh, bh, Wy, by (GRU)"
        )
    return found[0]


def _gru_variant(parameters):
    return "pytorch" if "bha" in parameters else "cho"


def check_model_parameters(parameters, name="parameters"):
    """(cell, a new dict of float arrays, the sizes it fixes) for any cell's parameters."""
    cell = cell_of(parameters, name)
    if cell == "rnn":
        parameters, sizes = check_parameters(parameters, name=name)
    elif cell == "lstm":
        parameters, sizes = check_lstm_parameters(parameters, name=name)
    else:
        parameters, sizes = _check_gru_parameters(parameters, _gru_variant(parameters), name=name)
    return cell, parameters, sizes


def initialize(cell, n_x, n_a, n_y, seed=0):
    """Small random weights and zero biases for `cell`: its own initialize function, scale 0.01."""
    cell = choose("cell", cell, CELLS)
    start = {
        "rnn": initialize_parameters,
        "lstm": initialize_lstm_parameters,
        "gru": initialize_gru_parameters,
    }[cell]
    return start(n_x, n_a, n_y, seed=seed)


def parameter_count(parameters):
    """The number of numbers the model learns: the sum of the sizes of its arrays."""
    return int(sum(np.size(value) for value in parameters.values()))


def hidden_size(parameters):
    """n_a, the rows of the cell's first bias (ba, bf or bz)."""
    return next(parameters[key] for key in ("ba", "bf", "bz") if key in parameters).shape[0]


def zero_state(cell, n_a, m, dtype=np.float64):
    """The state before the first character: zeros, (a,) or (a, c), each (n_a, m)."""
    count = 2 if cell == "lstm" else 1
    return tuple(np.zeros((n_a, m), dtype) for _ in range(count))


def output_layer(parameters):
    """(W, b) of the output layer: Wya, by for the RNN; Wy, by for the gated cells."""
    return parameters.get("Wya", parameters.get("Wy")), parameters["by"]


def step(cell, xt, state, parameters):
    """One step of the cell from `state` on the input xt (n_x, m); returns the new state."""
    if cell == "rnn":
        return (_rnn_cell_forward(xt, state[0], parameters)[0],)
    if cell == "lstm":
        a_next, c_next, _, _ = _lstm_cell_forward(xt, state[0], state[1], parameters)
        return (a_next, c_next)
    return (_gru_cell_forward(xt, state[0], parameters, _gru_variant(parameters))[0],)


def loss_and_state(cell, x, y, state, parameters):
    """The loss of the windows x (n_x, m, T_x), y (m, T_x) read from `state`, and the state
    after their last step (summed over time, averaged over m, as every loss here). x may also be
    the character indices (m, T_x) (`rnn_core.embedding`). All three run the forward half of
    their fused paths (`rnn_core.fused`, `rnn_core.fused_gated`), with no backward."""
    if cell == "rnn":
        loss, a_last = _fused_loss_and_state(x, y, state[0], parameters)
        return loss, (a_last,)
    if cell == "lstm":
        return _fused_lstm_loss_and_state(x, y, state[0], parameters, state[1])
    loss, a_last = _fused_gru_loss_and_state(x, y, state[0], parameters, _gru_variant(parameters))
    return loss, (a_last,)


def loss_gradients_and_state(cell, x, y, state, parameters, gradients=None):
    """The loss, every gradient, and the state after the last step of the windows x, y read from
    `state`. The gradients stop at `state`: it is treated as a constant (truncated BPTT).

    For the RNN, x may be character indices (m, T_x) (then there is no dx), and `gradients` may
    be the dict an earlier call returned, to write the gradients into (the training loop reuses
    one set every step). The gated cells take one-hot x and return new arrays. All three run
    their fused paths (`rnn_core.fused`, `rnn_core.fused_gated`): the numbers of the step
    functions, to round-off, in fewer and larger products."""
    if cell == "rnn":
        loss, gradients, a_last = _fused_loss_and_gradients(x, y, state[0], parameters, gradients)
        return loss, gradients, (a_last,)
    if cell == "lstm":
        return _fused_lstm_loss_and_gradients(x, y, state[0], parameters, state[1])
    loss, gradients, a_last = _fused_gru_loss_and_gradients(
        x, y, state[0], parameters, _gru_variant(parameters)
    )
    return loss, gradients, (a_last,)
