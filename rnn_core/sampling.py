"""Sampling from a trained character model (notebook 05): next-character probabilities and text.

The model reads a prompt one character at a time from a = 0, then either reports its distribution
over the next character or draws characters one after another, feeding each back in. The model is
any of the three cells (RNN, LSTM, GRU; notebook 07), recognised by its parameters
(`rnn_core.models`); the LSTM starts from c = 0 as well.
"""

import numpy as np

from ._validation import (
    check_known_characters,
    check_model,
    check_positive_float,
    check_positive_int,
    check_seed,
    check_text,
)
from .activations import _log_softmax
from .models import cell_of, check_model_parameters, hidden_size, output_layer, step, zero_state


def next_char_probabilities(parameters, chars, char_to_index, prompt, temperature=1.0):
    """The model's distribution over the character that follows `prompt`.

    The prompt is read one character at a time from a = 0; then

        p = softmax((Wya a + by) / temperature)

    Temperature 1 gives the model's own probabilities; below 1 sharpens them towards the most
    likely character, above 1 flattens them towards uniform.

    Arguments:
    - parameters: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1),
      with n_x = n_y = the vocabulary size; or an LSTM's or a GRU's parameters (there the output
      layer is Wy, by).
    - chars, char_to_index: the vocabulary the model was trained with (n_y characters).
    - prompt: a non-empty str of characters from the vocabulary.
    - temperature: > 0.
    Returns: the probabilities, shape (n_y,), summing to 1.
    """
    parameters, chars, char_to_index = _check_model(parameters, chars, char_to_index)
    prompt = check_text("prompt", prompt)
    temperature = check_positive_float("temperature", temperature)
    a = _read(parameters, char_to_index, "prompt", prompt)[0]  # (n_a, 1)
    return _probabilities(parameters, a, temperature)


def sample(parameters, chars, char_to_index, start, length, temperature=1.0, seed=0):
    """Generate `length` characters after `start`, feeding each sampled character back in.

    After reading `start`, each step draws a character from softmax(logits / temperature), where
    logits = Wya a + by (Wy a + by for the gated cells), and runs the cell on its one-hot vector
    to get the next state.
    As temperature -> 0 the draw becomes the argmax (greedy decoding).

    Arguments:
    - parameters, chars, char_to_index: the model and its vocabulary, as for
      `next_char_probabilities`.
    - start: the prompt, a non-empty str of characters from the vocabulary.
    - length: how many characters to generate, >= 1.
    - temperature: > 0.
    - seed: seeds the draws, so the same arguments give the same text.
    Returns: start followed by the `length` generated characters, a str.
    """
    parameters, chars, char_to_index = _check_model(parameters, chars, char_to_index)
    start = check_text("start", start)
    length = check_positive_int("length", length)
    temperature = check_positive_float("temperature", temperature)
    rng = check_seed("seed", seed)
    n_y = len(chars)
    cell = cell_of(parameters)
    state = _read(parameters, char_to_index, "start", start)  # after the whole prompt
    generated = []
    for _ in range(length):
        p = _probabilities(parameters, state[0], temperature)  # (n_y,)
        index = int(rng.choice(n_y, p=p))
        generated.append(chars[index])
        xt = _one_hot_column(index, n_y, state[0].dtype)  # (n_y, 1)
        state = step(cell, xt, state, parameters)  # the sample becomes the next input
    return start + "".join(generated)


def _check_model(parameters, chars, char_to_index):
    def check(parameters):
        return check_model_parameters(parameters)[1:]

    return check_model(parameters, chars, char_to_index, check)


def _read(parameters, char_to_index, name, text):
    """The state after running the cell over `text` from zeros: (a,) or, for the LSTM, (a, c),
    each (n_a, 1)."""
    check_known_characters(name, text, char_to_index)
    cell = cell_of(parameters)
    n_y = len(char_to_index)
    dtype = np.result_type(*parameters.values())  # float32 parameters: a float32 model
    state = zero_state(cell, hidden_size(parameters), 1, dtype)  # one sequence, m = 1
    for c in text:
        state = step(cell, _one_hot_column(char_to_index[c], n_y, dtype), state, parameters)
    return state


def _probabilities(parameters, a, temperature):
    # The cells' yt_pred is softmax(logits) at temperature 1; here we need the logits.
    W, b = output_layer(parameters)
    logits = W @ a + b  # (n_y, n_a) @ (n_a, 1) -> (n_y, 1)
    # The division can overflow for a tiny temperature; the log-softmax of the scaled logits
    # cannot, since it subtracts the largest first: (z - max z) / τ <= 0.
    with np.errstate(over="ignore"):
        scaled = (logits - logits.max()) / temperature  # (n_y, 1), entries <= 0 (or -inf)
    scaled = np.maximum(scaled, np.finfo(scaled.dtype).min)  # -inf -> the most negative float
    p = np.exp(_log_softmax(scaled))[:, 0]  # (n_y, 1) -> (n_y,)
    return p / p.sum()  # exact normalisation for rng.choice


def _one_hot_column(index, n_y, dtype):
    xt = np.zeros((n_y, 1), dtype)
    xt[index, 0] = 1.0
    return xt
