"""Text for a character model (notebook 05): the corpus, its vocabulary, and training batches.

For a character model the input and the output are both one character out of the vocabulary, so
n_x = n_y = the number of distinct characters in the text. A batch is m windows of T_x + 1
consecutive characters: x (n_y, m, T_x) one-hot inputs and y (m, T_x) the next-character labels.

The shipped corpora, both Shakespeare (public domain) in lower case:

- `data/sonnets.txt`: Sonnets 1-10 (1609), as printed in Project Gutenberg eBook #1041 with straight
  apostrophes (about 6 KB, 36 characters; notebook 05);
- `data/coriolanus.txt`: the first 99,843 characters of Coriolanus (from its opening into Act IV,
  scene ii), as in the "tiny Shakespeare" file of Karpathy's char-rnn, cut at the end of a speech
  (37 characters; notebook 07).
"""

from importlib import resources

import numpy as np

from ._validation import (
    check_char_to_index,
    check_chars,
    check_encoded_text,
    check_generator,
    check_indices,
    check_known_characters,
    check_positive_int,
    check_text,
)
from .loss import _one_hot


def load_corpus(name="sonnets"):
    """The text of `rnn_core/data/<name>.txt`, read from the installed package (no download).

    Available: "sonnets", Shakespeare's Sonnets 1-10 in lower case (about 6 KB, 36 characters),
    and "coriolanus", the first 100 KB of Coriolanus in lower case (37 characters).
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
    text = check_text("text", text)
    chars = sorted(set(text))
    char_to_index = {c: i for i, c in enumerate(chars)}
    return chars, char_to_index


def encode(text, char_to_index):
    """The characters of `text` as their indices: an int array of shape (len(text),).

    `char_to_index` maps each of its n characters to a distinct int in [0, n), as from
    `build_vocabulary`."""
    text = check_text("text", text)
    char_to_index = check_char_to_index(char_to_index)
    check_known_characters("text", text, char_to_index)
    return np.array([char_to_index[c] for c in text], dtype=np.int64)


def decode(indices, chars):
    """The string of chars[i] for each i in `indices` (an int array of any shape, read in order)."""
    chars = check_chars(chars)
    indices = check_indices("indices", indices, len(chars), range_name="len(chars)")
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
    indices = check_encoded_text("indices", indices, n_y, T_x)
    rng = check_generator("rng", rng)
    starts = rng.integers(0, indices.size - T_x, size=m)  # (m,), each window fits in the text
    windows = indices[starts[:, None] + np.arange(T_x + 1)]  # (m, 1) + (T_x+1,) -> (m, T_x+1)
    x = _one_hot(windows[:, :-1], n_y)  # (m, T_x) -> (n_y, m, T_x)
    y = windows[:, 1:]  # (m, T_x): each label is the next character of its input
    return x, y
