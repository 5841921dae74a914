"""The whole network: forward pass, loss and every gradient, composed two ways (notebooks 02, 06).

    by steps   rnn_forward → loss from the logits → output_layer_backward → rnn_backward
    fused      the same numbers, with every product that need not wait for the previous time step
               taken out of the time loop (`rnn_core.fused`, notebook 06)

Both take the logarithm of the probabilities with the one log-softmax of `rnn_core.activations`,
before anything can underflow, so the two return the same loss wherever either is finite (and it
is finite for every finite input). A test holds the two paths equal to 1e-12, saturated tanh
units and logits of size 1e4 included.

Every function checks its arguments once (`check_problem`) and then calls unchecked code.
"""

from ._validation import check_problem, refuses_overflow
from .fused import _fused_loss, _fused_loss_and_gradients
from .loss import _output_layer_backward, _output_layer_loss
from .rnn import _rnn_backward, _rnn_forward
from .threads import step_work, threads_for


@refuses_overflow("x, a0 and parameters")
def rnn_loss(x, y, a0, parameters):
    """The loss alone (forward pass + cross-entropy), for numerical gradients.

    Arguments as for `rnn_loss_and_gradients`. Returns: the loss, a float.
    """
    x, y, a0, parameters = check_problem(x, y, a0, parameters)
    with threads_for(step_work(x.shape[0], *a0.shape)):
        return _fused_loss(x, y, a0, parameters)


@refuses_overflow("x, a0 and parameters")
def rnn_loss_and_gradients_by_steps(x, y, a0, parameters):
    """Forward pass, loss, and every gradient, composed from the step functions.

    This is backpropagation through time as the notebooks explain it: `rnn_forward`, the
    cross-entropy, `output_layer_backward` (which turns the predictions into the per-step `da`),
    then `rnn_backward`. `rnn_loss_and_gradients` returns the same numbers, computed faster.

    Arguments and returns as for `rnn_loss_and_gradients`.
    """
    x, y, a0, parameters = check_problem(x, y, a0, parameters)
    a, y_pred, caches = _rnn_forward(x, a0, parameters)  # a: (n_a, m, T_x), y_pred: (n_y, m, T_x)
    loss = _output_layer_loss(a, y, parameters)  # from the logits: log-softmax, no underflow
    output = _output_layer_backward(y_pred, y, a, parameters)  # dWya, dby and da (n_a, m, T_x)
    recurrent, _ = _rnn_backward(output["da"], caches)  # dx, da0, dWax, dWaa, dba
    gradients = {
        "dWax": recurrent["dWax"],
        "dWaa": recurrent["dWaa"],
        "dba": recurrent["dba"],
        "dWya": output["dWya"],
        "dby": output["dby"],
        "da0": recurrent["da0"],
        "dx": recurrent["dx"],
    }
    return loss, gradients


@refuses_overflow("x, a0 and parameters")
def rnn_loss_and_gradients(x, y, a0, parameters):
    """Forward pass, loss, and every gradient by backpropagation through time.

    The numbers are those of `rnn_loss_and_gradients_by_steps` (to round-off; a test holds them
    to 1e-12); the
    computation takes every product that does not have to wait for the previous time step out of
    the time loop (see `rnn_core.fused` and notebook 06).

    Arguments:
    - x: inputs of shape (n_x, m, T_x).
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    - a0: initial hidden state of shape (n_a, m).
    - parameters: dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns a tuple of:
    - loss: a float, the cross-entropy summed over time and averaged over the batch.
    - gradients: a dict with dWax, dWaa, dba, dWya, dby (each of its parameter's shape),
      da0 (n_a, m) and dx (n_x, m, T_x).
    """
    x, y, a0, parameters = check_problem(x, y, a0, parameters)
    with threads_for(step_work(x.shape[0], *a0.shape)):
        return _fused_loss_and_gradients(x, y, a0, parameters)[:2]  # not the last state
