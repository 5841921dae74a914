"""The engine behind every checker: run the learner's function, compare, name the mistake.

An `Exercise` holds what one checker needs: the names of the function's arguments and outputs,
rnn_core's reference, how to draw the cases, the equations to quote, and the registry of the known
mistakes of that exercise. `Exercise.check` does the rest:

1. `run` calls the learner's function on every case, under a time limit (`timeout.py`), and at
   once reads what it returned into arrays of the checker's own (`learner.py`), so that nothing
   the function returns or raises can make the checker itself fail;
2. `compare` compares each output with rnn_core's;
3. if something is wrong, `recognise` looks for the known mistake that reproduces every output of
   the learner's function on every case: the wrong ones and the right ones;
4. `verdict` writes the `CheckResult`: the first problem found and, if known, its cause (the
   texts are in `messages.py`); then `source.py` checks the exercise's rules on loops, if any.

A known mistake is a small function, registered with the decorator `Exercise.mistake`: the
learner's function with that one mistake in it, and its explanation beside it. A few mistakes are
seen rather than reproduced (`Exercise.sign`: float32 values reaching f), or are about the form
of a result rather than its values (`Exercise.structure`: a cache in the wrong order).
"""

import textwrap
import time
import warnings
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from rnn_core._validation import (
    check_bool,
    check_callable,
    check_int,
    check_positive_float,
    check_positive_int,
    check_seed,
)
from rnn_core.gradcheck import relative_error

from .learner import WrongReturnError, describe, error_text, read_exception, read_output
from .messages import (
    changes_alarm_text,
    count_text,
    exception_hint,
    fmt,
    headline,
    modified_text,
    one_number_text,
    passed_text,
    shape_text,
    timed_out_text,
)
from .source import rule_problem
from .timeout import TimedOut, TimeLimit

TOLERANCE = 1e-10  # exact algebra: a correct function agrees with rnn_core to round-off
SAME = 1e-8  # how closely a known mistake must reproduce an output of the learner's to explain it

# The verdicts that any checker can give, whatever the exercise: (identifier, description).
VERDICTS = (
    ("not_implemented", "the function still raises NotImplementedError (the exercise stub)"),
    ("timed_out", "the function had not returned after the time limit: an endless loop?"),
    ("raises_exception", "the function raised an exception that matches no known mistake"),
    ("wrong_return_type", "the function returned the wrong kind of object, or a key is missing"),
    ("changes_alarm", "the function changes the SIGALRM handler or timer of the time limit"),
    ("modifies_input", "the function changes one of its arguments in place"),
    ("output_all_zeros", "an output is all zeros where rnn_core's is not: never filled in?"),
    ("loop_not_allowed", "the exercise asks for no loop, and the function has one"),
    ("too_many_products_in_loop", "the exercise limits the products inside the loop"),
    ("source_unavailable", "a rule of the exercise needs the function's source, which is missing"),
)


@dataclass(frozen=True)
class CheckResult:
    """What a checker found.

    - name: the rnn_core function the exercise rebuilds, e.g. "rnn_cell_backward".
    - passed: True when your function matched on every case (and followed the exercise's rules).
    - cases: how many cases were run.
    - mistake: the identifier of the verdict (see `MISTAKES`) when it failed, or None when it
      passed or when its mistake is not one the checker knows.
    - message: the explanation; printing the result (or leaving it as a cell's last line) shows it,
      wrapped between words to fit a notebook's column (`WIDTH` characters).
    """

    name: str
    passed: bool
    cases: int
    mistake: str | None
    message: str

    def __str__(self):
        return wrap(self.message)

    def __repr__(self):
        return wrap(self.message)


WIDTH = 88  # characters: a notebook column at 1024 px shows this many without breaking a word


def wrap(message, width=WIDTH):
    """Each line of `message` broken between words at `width`; an indented line keeps its indent."""
    lines = []
    for line in message.splitlines():
        indent = line[: len(line) - len(line.lstrip(" "))]
        lines += textwrap.wrap(
            line,
            width,
            subsequent_indent=indent + "  " if indent else "",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return "\n".join(lines)


class Known(NamedTuple):
    """One known mistake: its identifier, the explanation for the learner, and how it is found."""

    identifier: str  # as in MISTAKES
    explanation: str
    function: Callable  # a wrong version of the learner's function, or a test on what was seen
    summary: str | None  # the one-line description in MISTAKES (given once per identifier)


# --- one case ---


class Problem(NamedTuple):
    """An output that differs from rnn_core's."""

    output: str
    text: str
    error: float | None  # the relative error, when the shapes agree and the values are finite
    note: str = ""  # e.g. a dtype other than float64
    all_zeros: bool = False  # every entry is 0 where rnn_core's are not


class Outcome:
    """What the learner's function did on one case."""

    def __init__(self, number, case, expected):
        self.number = number  # counted from 1
        self.case = case
        self.expected = expected  # rnn_core's outputs: {name: Output}
        self.args = None  # the arguments the function received, after the call
        self.timed_out = False
        self.error = None  # a Raised, when it raised
        self.wrong_return = None  # what is wrong with the form of what it returned
        self.outputs = None  # what it returned: {name: Output}
        self.problems = []  # one Problem per output that differs from rnn_core's
        self.structure = None  # (Known, text) when a returned cache has the wrong form
        self.modified = []  # the names of the arguments it changed in place (or moved)
        self.moved = []  # those of them it moved while it ran but put back before returning
        self.changed_alarm = None  # "handler" or "timer": it changed the checker's SIGALRM
        self.seconds = None  # how long the call took
        self.largest = 0.0  # the largest relative error of the outputs that agree

    @property
    def wrong(self):
        return (
            self.timed_out
            or self.changed_alarm is not None
            or self.error is not None
            or self.wrong_return is not None
            or bool(self.problems)
        )


@contextmanager
def quiet():
    """No warning escapes: a learner's softmax may well overflow, and that is what we test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def compare(name, got, expected, letters, case):
    """(a Problem or None, the relative error or None): `got` (an Output) against `expected`,
    the reference's array, at the case's tolerance."""
    array, against = got.array, case.against
    if array.shape != expected.shape:
        text = f"{name} has shape {array.shape}, expected {shape_text(letters, expected.shape)}"
        return Problem(name, text, None), None
    finite = np.isfinite(array)
    if not finite.all():
        text = (
            f"{name} contains nan or inf ({np.count_nonzero(~finite)} of {array.size} entries) "
            f"where {against}'s is finite"
        )
        return Problem(name, text, None), None
    if array.size and not array.any() and expected.any():
        text = f"{name} is all zeros where {against}'s is not: is it allocated but never filled?"
        return Problem(name, text, None, all_zeros=True), None
    error = relative_error(array.astype(np.float64), expected)
    if error <= case.tolerance:
        return None, error
    text = f"{name}: relative error {fmt(error)}, tolerance {fmt(case.tolerance)}"
    note = ""
    if array.dtype != np.float64:
        note = f"The function returns dtype {array.dtype}; rnn_core computes in float64."
        text += f" ({note})"
    return Problem(name, text, error, note), error


def same(a, b):
    """Do two Outputs agree: one shape, nan and inf in the same places, the rest to SAME?"""
    if a.array is None or b.array is None or a.array.shape != b.array.shape:
        return False
    x, y = a.array.astype(float), b.array.astype(float)
    finite = np.isfinite(x)
    if not np.array_equal(finite, np.isfinite(y)):
        return False
    if not np.array_equal(x[~finite], y[~finite], equal_nan=True):
        return False
    return not finite.any() or relative_error(x[finite], y[finite]) <= SAME


def unchanged(before, after):
    """Is `after` still equal to the untouched copy `before` (arrays, dicts, tuples, lists)?"""
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after)
        )
    if isinstance(before, Mapping):
        return (
            isinstance(after, Mapping)
            and before.keys() == after.keys()
            and all(unchanged(before[k], after[k]) for k in before)
        )
    if isinstance(before, (tuple, list)):
        return (
            type(before) is type(after)
            and len(before) == len(after)
            and all(unchanged(b, a) for b, a in zip(before, after))
        )
    if callable(before):
        return True  # a function we pass (f of numerical_gradient) watches itself
    return type(before) is type(after) and before == after


# --- an exercise ---


class Exercise:
    """One exercise: its function's arguments and outputs, the reference, cases and mistakes.

    - name: the rnn_core function the exercise rebuilds.
    - arguments: the names of the function's arguments, in order.
    - outputs: {name: shape letters} of the outputs compared with rnn_core, e.g.
      {"dxt": ("n_x", "m")}; () is one number, None a shape without letters.
    - returns: a TupleOf, DictOf or OneValue, which reads what the function returned.
    - reference: rnn_core's function, called like the learner's.
    - cases: (rng, count) -> a list of Case.
    - equations: what the function computes, quoted when its mistake is not a known one.
    - modified_explanations: {argument: why changing it in place is a mistake here}.
    - moved: (arguments after the call) -> names of the arguments moved during the call, for an
      argument that can be changed and put back before the function returns.
    """

    def __init__(
        self,
        name,
        *,
        arguments,
        outputs,
        returns,
        reference,
        cases,
        equations,
        modified_explanations=None,
        moved=None,
    ):
        self.name = name
        self.arguments = arguments
        self.outputs = outputs
        self.returns = returns
        self.reference = reference
        self.make_cases = cases
        self.equations = equations
        self.modified_explanations = modified_explanations or {}
        self.moved = moved
        self.mistakes = []  # the registry of this exercise's known mistakes, in the order tried
        self.signs = []
        self.structures = []

    @property
    def signature(self):
        return f"fn({', '.join(self.arguments)})"

    # --- the registries ---

    def mistake(self, identifier, explanation, *, summary=None, **bound):
        """Register the decorated function as a known mistake of this exercise.

        The function is called like the learner's and returns what the learner's would with this
        one mistake in it. `bound` keyword arguments are passed to it, so that stacked decorators
        register one function with several settings, each with its own explanation. `summary`,
        the line of MISTAKES, is given on one registration of each identifier.
        """

        def register(function):
            wrong = partial(function, **bound) if bound else function
            self.mistakes.append(Known(identifier, explanation, wrong, summary))
            return function

        return register

    def sign(self, identifier, explanation, *, summary=None):
        """Register the decorated test, (outcome) -> bool, as a mistake seen while the function
        ran (on a case whose values are wrong)."""

        def register(test):
            self.signs.append(Known(identifier, explanation, test, summary))
            return test

        return register

    def structure(self, identifier, explanation, *, summary=None):
        """Register the decorated test, (returned, expected) -> None or a text, which looks at
        the form of what the function returned where values cannot show it (a cache)."""

        def register(test):
            self.structures.append(Known(identifier, explanation, test, summary))
            return test

        return register

    def known(self):
        """Every registered mistake, sign and structure test."""
        return self.mistakes + self.signs + self.structures

    # --- running ---

    def checker(self, name, doc, cases=20):
        """The public `check_...` function of this exercise, with its own name and docstring."""

        def check(
            fn,
            seed=0,
            cases=cases,
            *,
            time_limit=5.0,
            loops_allowed=True,
            max_products_in_loop=None,
        ):
            return self.check(
                fn,
                seed,
                cases,
                time_limit=time_limit,
                loops_allowed=loops_allowed,
                max_products_in_loop=max_products_in_loop,
            )

        check.__name__ = check.__qualname__ = name
        check.__doc__ = doc
        check.__module__ = "rnn_core.checkers"
        return check

    def check(self, fn, seed, cases, *, time_limit, loops_allowed, max_products_in_loop):
        """Run `fn` on the cases drawn from `seed` and return the CheckResult."""
        fn = check_callable("fn", fn, "your function itself (without calling it)")
        rng = check_seed("seed", seed)
        count = check_positive_int("cases", cases)
        limit = None if time_limit is None else check_positive_float("time_limit", time_limit)
        loops_allowed = check_bool("loops_allowed", loops_allowed)
        if max_products_in_loop is not None:
            max_products_in_loop = check_int("max_products_in_loop", max_products_in_loop, 0)
        planned = self.make_cases(rng, count)
        outcomes = []
        with quiet():
            for number, case in enumerate(planned, start=1):
                outcomes.append(self.run(fn, number, case, limit))
                if outcomes[-1].timed_out or outcomes[-1].changed_alarm:
                    break  # the next case would most likely hang too, or run without a limit
            verdict = self.verdict(outcomes, len(planned), limit)
        if verdict.passed:
            rule = rule_problem(fn, loops_allowed, max_products_in_loop)
            if rule is not None:
                identifier, text = rule
                message = f"{self.name}: the values match on {count_text(outcomes)}, but {text}"
                return CheckResult(self.name, False, len(outcomes), identifier, message)
        return verdict

    def read(self, returned):
        """(the values it returned by name, {name: Output} of the outputs compared)."""
        values = self.returns.read(returned)
        return values, {name: read_output(name, values[name]) for name in self.outputs}

    def run(self, fn, number, case, limit):
        """Call `fn` on one case and judge what it did: an Outcome."""
        reference_values, expected = self.read(self.reference(*case.make()))
        outcome = Outcome(number, case, expected)
        outcome.args, untouched = case.make(), case.make()
        time_limit = TimeLimit(limit)
        try:
            with time_limit:
                self._call(fn, outcome, reference_values)
                outcome.modified, outcome.moved = self._modified(untouched, outcome.args)
        except TimedOut:
            outcome.timed_out = True
        outcome.changed_alarm = time_limit.changed
        outcome.seconds = time.monotonic() - time_limit.started
        if outcome.timed_out or outcome.changed_alarm:
            return outcome
        if outcome.outputs is None:
            return outcome
        for name, letters in self.outputs.items():
            got = outcome.outputs[name]
            problem = got.problem
            if problem is None and letters == () and got.array.shape != ():
                problem = one_number_text(name, got.array.shape)
            if problem is not None:
                outcome.wrong_return = problem
                outcome.problems = []
                break
            problem, error = compare(name, got, expected[name].array, letters, case)
            if problem is not None:
                outcome.problems.append(problem)
            else:
                outcome.largest = max(outcome.largest, error)
        return outcome

    def _call(self, fn, outcome, reference_values):
        """Call fn and read what it returned: every step that touches the learner's objects."""
        try:
            returned = fn(*outcome.args)
        except (KeyboardInterrupt, TimedOut):
            raise
        except BaseException as error:  # a learner's bug is reported, never raised
            outcome.error = read_exception(error)
            return
        try:
            values, outcome.outputs = self.read(returned)
            outcome.structure = self.structure_problem(values, reference_values)
        except (KeyboardInterrupt, TimedOut):
            raise
        except WrongReturnError as wrong:
            outcome.outputs, outcome.wrong_return = None, str(wrong)
        except BaseException as error:
            outcome.outputs = None
            outcome.wrong_return = (
                f"your function returned {describe(returned)}, and reading it raised "
                f"{error_text(error)}; expected {self.returns.text}"
            )

    def structure_problem(self, values, reference_values):
        """(Known, text) for the first structure test that finds a problem, or None."""
        for known in self.structures:
            text = known.function(values, reference_values)
            if text is not None:
                return known, text
        return None

    def _modified(self, untouched, after):
        """(the names of the arguments that the call changed or moved, those of them that it
        only moved: put back before it returned)."""
        modified = []
        for name, before, now in zip(self.arguments, untouched, after):
            try:
                same_value = unchanged(before, now)
            except (KeyboardInterrupt, TimedOut):
                raise
            except BaseException:
                same_value = False
            if not same_value:
                modified.append(name)
        moved = []
        if self.moved is not None:
            moved = [name for name in self.moved(after) if name not in modified]
        return modified + moved, moved

    # --- recognising ---

    def recognise(self, outcomes):
        """(the first known mistake that explains every outcome, the case that shows it best).

        A mistake explains the learner's function when, on every case, it raises where the
        function raised (an exception of the same type) and otherwise returns the same value for
        every output, the right ones as well as the wrong ones.
        """
        for known in self.mistakes:
            evidence = self._explains(known.function, outcomes)
            if evidence is not None:
                return known, evidence
        return None, None

    def _explains(self, wrong_version, outcomes):
        """The case that shows `wrong_version` at work best, or None if it misses any case."""
        evidence = None
        for outcome in outcomes:
            if outcome.timed_out or outcome.wrong_return is not None:
                return None
            try:
                produced, raised = self.read(wrong_version(*outcome.case.make()))[1], None
            except Exception as error:
                produced, raised = None, error
            if outcome.error is not None or raised is not None:
                if outcome.error is None or raised is None:
                    return None
                kind = outcome.error.kind
                if not (isinstance(raised, kind) or issubclass(kind, type(raised))):
                    return None
            elif not all(same(outcome.outputs[k], produced[k]) for k in self.outputs):
                return None
            if outcome.wrong and (evidence is None or evidence.error is not None):
                evidence = outcome  # a case where the values show it beats one that raised
        return evidence

    # --- the verdict ---

    def verdict(self, outcomes, planned, limit):
        """Turn the outcomes into a CheckResult: the first problem found, and its likely cause."""
        name, run = self.name, len(outcomes)
        wrong = [outcome for outcome in outcomes if outcome.wrong]
        first = wrong[0] if wrong else None

        def result(mistake, lines):
            return CheckResult(name, False, run, mistake, "\n".join(lines))

        if outcomes[-1].changed_alarm:
            return result("changes_alarm", [changes_alarm_text(name, outcomes[-1], planned, limit)])
        if outcomes[-1].timed_out:
            return result("timed_out", [timed_out_text(name, outcomes[-1], planned, limit)])
        if first is not None and first.error and issubclass(first.error.kind, NotImplementedError):
            text = first.error.message or "NotImplementedError"
            message = (
                f"{name}: not implemented yet (your function raised NotImplementedError: "
                f"{text}). Write its body and run the cell again."
            )
            return CheckResult(name, False, run, "not_implemented", message)
        for known in self.signs:
            seen = [o for o in wrong if o.error is None and o.wrong_return is None]
            if any(known.function(outcome) for outcome in seen):
                lines = headline(name, planned, first)
                return result(known.identifier, [*lines, "Likely mistake: " + known.explanation])
        if first is not None:
            known, evidence = self.recognise(outcomes)
            if known is not None:
                lines = [*headline(name, planned, first), "Likely mistake: " + known.explanation]
                if evidence is not first:
                    lines.append(
                        f"(Recognised on case {evidence.number} of {planned} "
                        f"({evidence.case.describe()}), where your result is exactly what this "
                        "mistake gives.)"
                    )
                return result(known.identifier, lines)
            if first.wrong_return is not None:
                lines = headline(name, planned, first)
                lines.append(
                    f"The checker calls {self.signature}; it should return {self.returns.text}."
                )
                return result("wrong_return_type", lines)
        modified = next((outcome for outcome in outcomes if outcome.modified), None)
        if modified is not None:
            explanation = self.modified_explanations.get(modified.modified[0])
            lines = modified_text(name, modified, planned, first, explanation)
            return result("modifies_input", lines)
        if first is not None and first.error is not None:
            lines = headline(name, planned, first)
            lines.append("Hint: " + exception_hint(first.error, self.signature))
            lines.append("What the function should compute: " + self.equations)
            return result("raises_exception", lines)
        if first is not None:
            lines = headline(name, planned, first)
            if any(problem.all_zeros for problem in first.problems):
                lines.append(
                    "Likely mistake: the array is created (with np.zeros, say) but never written "
                    "to, or another array is returned in its place. Check that the loop stores "
                    "into it (for example dx[:, :, t] = ...) and that the return uses that name."
                )
                return result("output_all_zeros", lines)
            lines.append(
                "This is not one of the mistakes the checker knows. Compare with: " + self.equations
            )
            return result(None, lines)
        for outcome in outcomes:
            if outcome.structure is not None:
                known, text = outcome.structure
                message = (
                    f"{name}: the values match {outcome.case.against}, but on case "
                    f"{outcome.number} of {planned} {text}\nLikely mistake: {known.explanation}"
                )
                return result(known.identifier, [message])
        return CheckResult(name, True, run, None, passed_text(name, outcomes))


def mistakes_table(exercises):
    """MISTAKES: the generic verdicts, then every registered identifier with its summary."""
    summaries = {}
    for exercise in exercises:
        for known in exercise.known():
            summaries.setdefault(known.identifier, set())
            if known.summary is not None:
                summaries[known.identifier].add(known.summary)
    generic = dict(VERDICTS)
    table = list(VERDICTS)
    for identifier, found in summaries.items():
        if identifier in generic:
            continue
        if len(found) != 1:
            raise RuntimeError(f"mistake {identifier!r} needs exactly one summary, has {found}")
        table.append((identifier, found.pop()))
    return tuple(table)
