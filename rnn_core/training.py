"""Training a character-level RNN: text to batches, gradient clipping, optimisers, sampling.

Letters used for sizes, as in the rest of `rnn_core`:

    n_x   size of one input vector x_t          n_a   size of the hidden state a_t
    n_y   number of output classes              m     number of sequences in a batch
    T_x   number of time steps

For a character model the input and the output are both one character out of the vocabulary, so
n_x = n_y = the number of distinct characters in the text. One training step is:

    x, y          = make_batch(...)                      x (n_y, m, T_x) one-hot, y (m, T_x) labels
    loss, grads   = rnn_loss_and_gradients(x, y, a0, parameters)         a0 = zeros (n_a, m)
    grads, norm   = clip_by_global_norm(grads, clip)                     notebook 04
    parameters    = optimizer.step(parameters, grads)                    Adagrad

The shipped corpus `data/sonnets.txt` is Shakespeare's Sonnets 1-10 (1609, public domain), lower-
cased, as printed in Project Gutenberg eBook #1041 with straight apostrophes.

Nothing here modifies a dict it is given: clipping and the optimisers return new dicts. A notebook
cell that is run twice then starts from the same values both times, instead of clipping an already
clipped gradient or stepping from parameters that the first run already moved.
"""

import dataclasses
import time
from collections.abc import Mapping
from importlib import resources

import numpy as np

from ._validation import (
    check_parameters,
    check_positive_float,
    check_positive_int,
    to_float_array,
)
from .activations import softmax
from .loss import one_hot, rnn_loss_and_gradients
from .rnn import initialize_parameters, rnn_cell_forward

# --- the text ---


def load_corpus(name="sonnets"):
    """The text of `rnn_core/data/<name>.txt`, read from the installed package (no download).

    Available: "sonnets", Shakespeare's Sonnets 1-10 in lower case (about 6 KB, 36 characters).
    Returns: the text, a str.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'sonnets', got {type(name).__name__}")
    data = resources.files("rnn_core") / "data"
    available = sorted(p.name[: -len(".txt")] for p in data.iterdir() if p.name.endswith(".txt"))
    if name not in available:
        raise ValueError(f"name is {name!r}; the corpora shipped with rnn_core are {available}")
    return (data / f"{name}.txt").read_text(encoding="ascii")


def build_vocabulary(text):
    """The distinct characters of `text`, sorted, and the map from character to index.

    Returns a tuple of:
    - chars: list of the n_y distinct characters, sorted, so chars[i] is the character of index i.
    - char_to_index: dict mapping each character to its index in chars.
    """
    text = _check_text("text", text)
    chars = sorted(set(text))
    char_to_index = {c: i for i, c in enumerate(chars)}
    return chars, char_to_index


def encode(text, char_to_index):
    """The characters of `text` as their indices: an int array of shape (len(text),)."""
    text = _check_text("text", text)
    char_to_index = _check_char_to_index(char_to_index)
    unknown = sorted(set(text) - set(char_to_index))
    if unknown:
        raise ValueError(
            f"text contains characters that are not in char_to_index: {''.join(unknown)!r}"
        )
    return np.array([char_to_index[c] for c in text], dtype=np.int64)


def decode(indices, chars):
    """The string of chars[i] for each i in `indices` (an int array of any shape, read in order)."""
    chars = _check_chars(chars)
    indices = _check_indices("indices", indices, len(chars))
    return "".join(chars[i] for i in indices.ravel())


def make_batch(indices, n_y, m, T_x, rng):
    """m random windows of T_x + 1 consecutive characters: inputs and next-character labels.

    Window i starts at a random position s_i; its first T_x characters are the input and its last
    T_x characters are the labels, so y[i, t] is the character that follows x[:, i, t]:

        window_i = indices[s_i : s_i + T_x + 1]
        x[:, i, :] = one_hot(window_i[:-1])          y[i, :] = window_i[1:]

    Arguments:
    - indices: the encoded text, an int array of shape (N,) with N >= T_x + 1, entries in [0, n_y).
    - n_y: the vocabulary size (so n_x = n_y).
    - m: the number of windows, T_x: the number of time steps.
    - rng: a numpy Generator, np.random.default_rng(seed), which draws the start positions.

    Returns a tuple of:
    - x: one-hot inputs of shape (n_y, m, T_x), float64.
    - y: integer labels of shape (m, T_x).
    """
    n_y = check_positive_int("n_y", n_y)
    m = check_positive_int("m", m)
    T_x = check_positive_int("T_x", T_x)
    indices = _check_indices("indices", indices, n_y)
    if indices.ndim != 1:
        raise ValueError(f"indices has shape {indices.shape}, expected a 1-D array (N,)")
    if indices.size < T_x + 1:
        raise ValueError(
            f"indices has length {indices.size}, need at least T_x + 1 = {T_x + 1} for one window"
        )
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {rng!r}")
    starts = rng.integers(0, indices.size - T_x, size=m)  # (m,), each window fits in the text
    windows = indices[starts[:, None] + np.arange(T_x + 1)]  # (m, 1) + (T_x+1,) -> (m, T_x+1)
    x = one_hot(windows[:, :-1], n_y)  # (m, T_x) -> (n_y, m, T_x)
    y = windows[:, 1:]  # (m, T_x): each label is the next character of its input
    return x, y


# --- gradient clipping (notebook 04) ---


def global_norm(gradients, keys=None):
    """sqrt(Σ_k Σ_entries gradients[k]²): the length of all the chosen gradients as one vector.

    Arguments:
    - gradients: dict of arrays, as returned by `rnn_loss_and_gradients`.
    - keys: the keys to include; by default every key that starts with "dW" or "db".
    Returns: the norm, a float.
    """
    gradients, keys = _check_gradients(gradients, keys)
    return _global_norm(gradients, keys)


def _global_norm(gradients, keys):
    return float(np.sqrt(sum(np.sum(gradients[k] ** 2) for k in keys)))


def clip_by_global_norm(gradients, max_norm, keys=None):
    """Scale the gradients down together when their global norm exceeds `max_norm`.

        norm = sqrt(Σ_k Σ_entries gradients[k]²)        over the clipped keys k
        g_k <- g_k * max_norm / norm                     only when norm > max_norm

    Every clipped array is multiplied by the same factor, so the direction of the whole update is
    kept; only its length is capped.

    Arguments:
    - gradients: dict of arrays, as returned by `rnn_loss_and_gradients`. Not modified.
    - max_norm: the largest allowed global norm, > 0.
    - keys: the keys to clip; by default every key that starts with "dW" or "db" (the parameter
      gradients), so da0 and dx are neither clipped nor counted in the norm.

    Returns a tuple of:
    - clipped: a new dict with the same keys; every array is a new array (the keys that are not
      clipped are copies of the input).
    - norm: the global norm before clipping, a float.
    """
    gradients, keys = _check_gradients(gradients, keys)
    max_norm = check_positive_float("max_norm", max_norm)
    norm = _global_norm(gradients, keys)
    scale = max_norm / norm if norm > max_norm else 1.0
    clipped = {k: g * scale if k in keys else g.copy() for k, g in gradients.items()}
    return clipped, norm


def clip_elementwise(gradients, max_value, keys=None):
    """Clip every entry of the chosen gradients to [-max_value, max_value] (as min-char-rnn does).

    Unlike `clip_by_global_norm`, this changes the direction of the update: only the entries
    beyond the bound are cut.

    Arguments as for `clip_by_global_norm`, with `max_value` > 0 in place of `max_norm`.
    Returns: a new dict with the same keys and new arrays; `gradients` is not modified.
    """
    gradients, keys = _check_gradients(gradients, keys)
    max_value = check_positive_float("max_value", max_value)
    return {
        k: np.clip(g, -max_value, max_value) if k in keys else g.copy()
        for k, g in gradients.items()
    }


def _check_gradients(gradients, keys):
    """A dict of float arrays (new dict, same arrays) and the tuple of keys to clip."""
    if not isinstance(gradients, Mapping):
        raise TypeError(f"gradients must be a dict of arrays, got {type(gradients).__name__}")
    gradients = {k: to_float_array(f"gradients[{k!r}]", g) for k, g in gradients.items()}
    if keys is None:
        keys = tuple(k for k in gradients if isinstance(k, str) and k.startswith(("dW", "db")))
        if not keys:
            raise ValueError(
                f"gradients has no key that starts with 'dW' or 'db' (got {list(gradients)}); "
                "pass keys=[...] to say which arrays to clip"
            )
    else:
        if isinstance(keys, str):
            raise TypeError(f"keys must be a list of keys, got the str {keys!r}")
        keys = tuple(keys)
        missing = [k for k in keys if k not in gradients]
        if missing:
            raise ValueError(f"keys names {missing}, which are not in gradients {list(gradients)}")
    return gradients, keys


# --- optimisers ---


def sgd_step(parameters, gradients, learning_rate):
    """One step of gradient descent: p <- p - learning_rate * dp, for every parameter p.

    Arguments:
    - parameters: dict of arrays, for example Wax, Waa, Wya, ba, by. Not modified.
    - gradients: dict holding "d" + name for every parameter name, of the parameter's shape
      (other keys, such as da0 and dx, are ignored). Not modified.
    - learning_rate: the step size, > 0.
    Returns: a new dict of new arrays, with the keys of `parameters`.
    """
    parameters, gradients = _check_step(parameters, gradients)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    return {name: p - learning_rate * gradients["d" + name] for name, p in parameters.items()}


class Adagrad:
    """Adagrad: every entry of every parameter gets its own step size.

    For each parameter p with gradient dp, the optimiser keeps G, the running sum of dp², and steps

        G <- G + dp²                                   (elementwise, shape of p)
        p <- p - learning_rate * dp / (sqrt(G) + eps)

    Entries that have received large gradients take small steps from then on; rarely-seen
    characters keep larger steps. The state G starts at zero for each parameter on its first step.

    `step` returns new parameters and leaves the caller's dicts alone; it does update the
    optimiser's own state G, so to start over, create a new `Adagrad`.
    """

    def __init__(self, learning_rate=0.1, eps=1e-8):
        self.learning_rate = check_positive_float("learning_rate", learning_rate)
        self.eps = check_positive_float("eps", eps)
        self.sum_of_squares = {}  # name -> G, the sum of the squared gradients so far

    def step(self, parameters, gradients):
        """One Adagrad step. Arguments as for `sgd_step`; returns a new dict of new arrays."""
        parameters, gradients = _check_step(parameters, gradients)
        for name, p in parameters.items():
            G = self.sum_of_squares.get(name)
            if G is not None and G.shape != p.shape:
                raise ValueError(
                    f"parameters[{name!r}] has shape {p.shape}, but this Adagrad has accumulated "
                    f"shape {G.shape} for it; create a new Adagrad for a new model"
                )
        new_parameters = {}
        for name, p in parameters.items():
            dp = gradients["d" + name]
            G = self.sum_of_squares.get(name, np.zeros_like(p)) + dp**2  # G <- G + dp²
            self.sum_of_squares[name] = G
            new_parameters[name] = p - self.learning_rate * dp / (np.sqrt(G) + self.eps)
        return new_parameters


def _check_step(parameters, gradients):
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict of arrays, got {type(parameters).__name__}")
    if not isinstance(gradients, Mapping):
        raise TypeError(f"gradients must be a dict of arrays, got {type(gradients).__name__}")
    parameters = {k: to_float_array(f"parameters[{k!r}]", p) for k, p in parameters.items()}
    missing = ["d" + name for name in parameters if "d" + name not in gradients]
    if missing:
        raise ValueError(
            f"gradients is missing {', '.join(repr(k) for k in missing)}; it needs 'd' + name "
            f"for every name in parameters"
        )
    checked = {}
    for name, p in parameters.items():
        dp = to_float_array(f"gradients['d{name}']", gradients["d" + name])
        if dp.shape != p.shape:
            raise ValueError(
                f"gradients['d{name}'] has shape {dp.shape}, expected the shape of "
                f"parameters[{name!r}], {p.shape}"
            )
        checked["d" + name] = dp
    return parameters, checked


# --- training ---


@dataclasses.dataclass
class TrainingResult:
    """What `train` returns.

    - parameters: the trained Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1) and
      by (n_y, 1), with n_x = n_y = the vocabulary size.
    - chars, char_to_index: the vocabulary, as from `build_vocabulary`.
    - losses: the loss per character of every step, shape (steps,): rnn_core's loss (summed over
      the T_x steps, averaged over the m windows) divided by T_x.
    - smooth_losses: an exponential moving average of losses (weight 0.99 on the past), (steps,).
    - gradient_norms: the global norm of the parameter gradients before clipping, (steps,).
    - seconds: the wall-clock time of the training loop.
    """

    parameters: dict
    chars: list
    char_to_index: dict
    losses: np.ndarray
    smooth_losses: np.ndarray
    gradient_norms: np.ndarray
    seconds: float


def train(
    text,
    n_a=64,
    T_x=25,
    m=16,
    steps=1000,
    learning_rate=0.1,
    clip=5.0,
    seed=0,
    log_every=None,
):
    """Train a character-level RNN on `text` with Adagrad; deterministic given `seed`.

    Each step draws m random windows (`make_batch`), starts every window from the hidden state
    a0 = 0 (the batches are stateless: nothing is carried from one window to the next), computes
    the loss and the gradients by backpropagation through time, clips them by their global norm,
    and takes one Adagrad step.

    Arguments:
    - text: the training text, a str longer than T_x characters.
    - n_a: the hidden size; T_x: the window length (how far back BPTT reaches); m: the batch size.
    - steps: the number of updates; learning_rate: Adagrad's learning rate.
    - clip: the largest global gradient norm (`clip_by_global_norm`), or None for no clipping.
    - seed: seeds both the initial weights and the choice of windows.
    - log_every: print the smoothed loss every this many steps; None prints nothing.

    Returns: a `TrainingResult` (parameters, chars, char_to_index, losses, smooth_losses,
    gradient_norms, seconds). Before training, the loss per character is about ln(n_y), the loss
    of a uniform guess. With the defaults, on the shipped sonnets (n_y = 36, ln 36 = 3.58), the
    loss falls to about 1.5 (perplexity about 4.5) in roughly 5 seconds.
    """
    text = _check_text("text", text)
    n_a = check_positive_int("n_a", n_a)
    T_x = check_positive_int("T_x", T_x)
    m = check_positive_int("m", m)
    steps = check_positive_int("steps", steps)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    if clip is not None:
        clip = check_positive_float("clip", clip)
    if log_every is not None:
        log_every = check_positive_int("log_every", log_every)
    if len(text) < T_x + 1:
        raise ValueError(f"text has {len(text)} characters, need at least T_x + 1 = {T_x + 1}")

    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)  # n_x = n_y: one character in, a distribution over characters out
    indices = encode(text, char_to_index)
    parameters = initialize_parameters(n_y, n_a, n_y, seed=seed)
    optimizer = Adagrad(learning_rate)
    rng = np.random.default_rng(seed)
    a0 = np.zeros((n_a, m))
    losses = np.zeros(steps)
    smooth_losses = np.zeros(steps)
    gradient_norms = np.zeros(steps)
    smooth = None

    start = time.perf_counter()
    for step in range(steps):
        x, y = make_batch(indices, n_y, m, T_x, rng)  # x (n_y, m, T_x), y (m, T_x)
        loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
        if clip is None:
            norm = global_norm(gradients)
        else:
            gradients, norm = clip_by_global_norm(gradients, clip)
        parameters = optimizer.step(parameters, gradients)  # ignores da0 and dx

        losses[step] = loss / T_x  # summed over T_x steps -> per character
        smooth = losses[step] if smooth is None else 0.99 * smooth + 0.01 * losses[step]
        smooth_losses[step] = smooth
        gradient_norms[step] = norm
        if log_every is not None and (step + 1) % log_every == 0:
            print(
                f"step {step + 1:5d}: loss per character {smooth:.3f} "
                f"(perplexity {perplexity(smooth):.2f})"
            )
    seconds = time.perf_counter() - start

    return TrainingResult(
        parameters=parameters,
        chars=chars,
        char_to_index=char_to_index,
        losses=losses,
        smooth_losses=smooth_losses,
        gradient_norms=gradient_norms,
        seconds=seconds,
    )


def perplexity(loss_per_char):
    """exp(loss per character): the number of equally likely characters the model is torn between.

    A model that guesses uniformly among n_y characters has loss ln(n_y) per character and so
    perplexity n_y. Accepts a number (returns a float) or an array (returns an array).
    """
    loss = to_float_array("loss_per_char", loss_per_char)
    result = np.exp(loss)
    return float(result) if result.ndim == 0 else result


# --- sampling ---


def next_char_probabilities(parameters, chars, char_to_index, prompt, temperature=1.0):
    """The model's distribution over the character that follows `prompt`.

    The prompt is read one character at a time from a = 0; then

        p = softmax((Wya a + by) / temperature)

    Temperature 1 gives the model's own probabilities; below 1 sharpens them towards the most
    likely character, above 1 flattens them towards uniform.

    Arguments:
    - parameters: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1),
      with n_x = n_y = the vocabulary size.
    - chars, char_to_index: the vocabulary the model was trained with (n_y characters).
    - prompt: a non-empty str of characters from the vocabulary.
    - temperature: > 0.
    Returns: the probabilities, shape (n_y,), summing to 1.
    """
    parameters, chars, char_to_index = _check_model(parameters, chars, char_to_index)
    prompt = _check_text("prompt", prompt)
    temperature = check_positive_float("temperature", temperature)
    a = _read(parameters, char_to_index, "prompt", prompt)
    return _probabilities(parameters, a, temperature)


def sample(parameters, chars, char_to_index, start, length, temperature=1.0, seed=0):
    """Generate `length` characters after `start`, feeding each sampled character back in.

    After reading `start`, each step draws a character from softmax(logits / temperature), where
    logits = Wya a + by, and runs the cell on its one-hot vector to get the next hidden state.
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
    start = _check_text("start", start)
    length = check_positive_int("length", length)
    temperature = check_positive_float("temperature", temperature)
    rng = np.random.default_rng(seed)
    n_y = len(chars)
    a = _read(parameters, char_to_index, "start", start)  # (n_a, 1) after the whole prompt
    generated = []
    for _ in range(length):
        p = _probabilities(parameters, a, temperature)  # (n_y,)
        index = int(rng.choice(n_y, p=p))
        generated.append(chars[index])
        xt = _one_hot_column(index, n_y)  # (n_y, 1)
        a, _, _ = rnn_cell_forward(xt, a, parameters)  # the sample becomes the next input
    return start + "".join(generated)


def _read(parameters, char_to_index, name, text):
    """The hidden state (n_a, 1) after running the cell over `text`, starting from zeros."""
    unknown = sorted(set(text) - set(char_to_index))
    if unknown:
        raise ValueError(f"{name} contains characters not in the vocabulary: {unknown}")
    n_y = len(char_to_index)
    a = np.zeros((parameters["Waa"].shape[0], 1))  # (n_a, 1): one sequence, m = 1
    for c in text:
        a, _, _ = rnn_cell_forward(_one_hot_column(char_to_index[c], n_y), a, parameters)
    return a


def _probabilities(parameters, a, temperature):
    # rnn_cell_forward's yt_pred is softmax(logits) at temperature 1; here we need the logits.
    logits = parameters["Wya"] @ a + parameters["by"]  # (n_y, n_a) @ (n_a, 1) -> (n_y, 1)
    p = softmax(logits / temperature)[:, 0]  # (n_y, 1) -> (n_y,)
    return p / p.sum()  # exact normalisation for rng.choice


def _one_hot_column(index, n_y):
    xt = np.zeros((n_y, 1))
    xt[index, 0] = 1.0
    return xt


# --- argument checks for this module ---


def _check_text(name, text):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{name} is empty; expected at least one character")
    return text


def _check_chars(chars):
    if isinstance(chars, str) or not isinstance(chars, (list, tuple)):
        raise TypeError(f"chars must be a list of characters, got {type(chars).__name__}")
    if not chars or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise ValueError("chars must be a non-empty list of one-character strings")
    return list(chars)


def _check_char_to_index(char_to_index):
    if not isinstance(char_to_index, Mapping):
        raise TypeError(
            f"char_to_index must be a dict from character to index, "
            f"got {type(char_to_index).__name__}"
        )
    return char_to_index


def _check_indices(name, indices, n_y):
    array = np.asarray(indices)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer indices in [0, n_y), got dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    low, high = array.min(), array.max()
    if low < 0 or high >= n_y:
        bad = low if low < 0 else high
        raise ValueError(f"{name} holds the index {int(bad)}, outside [0, n_y) = [0, {n_y})")
    return array


def _check_model(parameters, chars, char_to_index):
    parameters, sizes = check_parameters(parameters)
    chars = _check_chars(chars)
    char_to_index = _check_char_to_index(char_to_index)
    if sizes["n_x"] != sizes["n_y"]:
        raise ValueError(
            f"parameters has n_x = {sizes['n_x']} and n_y = {sizes['n_y']}; a character model "
            "has n_x = n_y = the vocabulary size"
        )
    if len(chars) != sizes["n_y"] or len(char_to_index) != sizes["n_y"]:
        raise ValueError(
            f"chars has {len(chars)} and char_to_index {len(char_to_index)} entries, expected "
            f"n_y = {sizes['n_y']} (the rows of parameters['Wya'])"
        )
    if any(char_to_index.get(c) != i for i, c in enumerate(chars)):
        raise ValueError(
            "char_to_index does not match chars: expected char_to_index[chars[i]] == i"
        )
    return parameters, chars, char_to_index
