"""rnn_core: recurrent neural networks in numpy (the vanilla cell, LSTM, GRU), written to be read.

Letters used for sizes everywhere in this package:

    n_x   size of one input vector x_t          n_a   size of the hidden state a_t
    n_y   number of output classes              m     number of sequences in a batch
    T_x   number of time steps

Arrays are column-major: one time step is (n, m), a whole sequence is (n, m, T_x). Parameters are
a dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1) and by (n_y, 1).

Reading order, one idea per module:

    activations   softmax, log_softmax, sigmoid                                    notebook 01
    rnn           the cell, the sequence, backpropagation through time             notebooks 01-02
    loss          cross-entropy and the output layer                               notebook 02
    network       the whole network's loss and gradients, by steps and fused       notebooks 02, 06
    fused         the fast path, with products taken out of the time loop          notebook 06
    embedding     character indices: the lookup Wax[:, x] and its scatter-add     notebooks 05-06
    lstm          the LSTM cell, its sequence, BPTT, loss and gradients            notebook 07
    gru           the GRU cell (Cho's form and PyTorch's), BPTT, loss, gradients   notebook 07
    fused_gated   the LSTM's and the GRU's fast paths, which training uses         notebook 07
    gradcheck     numerical gradients and gradient checks                          notebook 03
    dynamics      gradients through time: vanishing, exploding, truncated          notebook 04
    corpus        text, vocabulary and batches for a character model               notebook 05
    optimizers    gradient clipping, SGD and Adagrad                               notebooks 04-05
    training      the training loop                                                notebook 05
    sampling      next-character probabilities and sampled text                    notebook 05
    threads       BLAS threads fitted to the size of the work and to the CPU quota  notebook 06
    problems      random problems, shared by the tests, checkers and benchmarks
    checkers      the exercise checkers (a package)
    _validation   every argument check

Figures and dashboards are in `plots` and `widgets`, which need matplotlib and ipywidgets and are
imported only when asked for. `import rnn_core` needs numpy, threadpoolctl and joblib (the last
two for the BLAS threads, `threads`).
"""

from . import threads as threads  # first: at import it fits the BLAS threads to the CPUs allowed
from .activations import log_softmax, sigmoid, softmax
from .dynamics import (
    backpropagate_from_last_step,
    gradient_norms,
    hidden_state_gradients,
    hidden_states,
    scaled_orthogonal_matrix,
    spectral_radius,
    truncated_bptt_gradients,
)
from .embedding import embedding_backward, embedding_forward
from .gradcheck import (
    format_error,
    gradient_check,
    loss_functions,
    numerical_gradient,
    numerical_gradients,
    relative_error,
)
from .gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from .loss import cross_entropy_loss, one_hot, output_layer_backward
from .lstm import (
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss,
    lstm_loss_and_gradients,
)
from .network import rnn_loss, rnn_loss_and_gradients, rnn_loss_and_gradients_by_steps
from .problems import random_parameters, random_problem
from .rnn import (
    initialize_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)

__version__ = "0.1.0"

__all__ = [
    "softmax",
    "log_softmax",
    "sigmoid",
    "initialize_parameters",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "one_hot",
    "cross_entropy_loss",
    "output_layer_backward",
    "rnn_loss",
    "rnn_loss_and_gradients",
    "rnn_loss_and_gradients_by_steps",
    "embedding_forward",
    "embedding_backward",
    "numerical_gradient",
    "relative_error",
    "gradient_check",
    "format_error",
    "loss_functions",
    "numerical_gradients",
    "spectral_radius",
    "scaled_orthogonal_matrix",
    "hidden_states",
    "hidden_state_gradients",
    "gradient_norms",
    "backpropagate_from_last_step",
    "truncated_bptt_gradients",
    "random_parameters",
    "random_problem",
    "initialize_lstm_parameters",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_and_gradients",
    "initialize_gru_parameters",
    "gru_cell_forward",
    "gru_forward",
    "gru_cell_backward",
    "gru_backward",
    "gru_loss",
    "gru_loss_and_gradients",
]
