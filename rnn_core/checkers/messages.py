"""The texts of the verdicts: what a checker prints, built from what the engine found."""

import re


def headline(name, planned, outcome):
    """The first lines of a failing message: what went wrong on the first failing case."""
    where = f"case {outcome.number} of {planned} ({outcome.case.describe()})"
    if outcome.error is not None:
        lines = [f"{name} raised an exception on {where}:", f"    {outcome.error.text}"]
        if outcome.error.line:
            lines.append(f"    in the line: {outcome.error.line}")
        return lines
    if outcome.wrong_return is not None:
        return [f"{name}: on {where}, {outcome.wrong_return}."]
    problems = outcome.problems
    if len(problems) == 1 and problems[0].error is not None:
        error, tolerance = fmt(problems[0].error), fmt(outcome.case.tolerance)
        lines = [
            f"{name}: {problems[0].output} is wrong on {where}: relative error {error}, "
            f"tolerance {tolerance}."
        ]
        return lines + ([problems[0].note] if problems[0].note else [])
    return [f"{name}: wrong on {where}:"] + [f"    {problem.text}" for problem in problems]


def timed_out_text(name, outcome, planned, limit):
    return (
        f"{name}: your function had not returned after {limit:g} s on case {outcome.number} of "
        f"{planned} ({outcome.case.describe()}), so the checker stopped it and ran no further "
        "cases. Most likely it never ends: a while loop whose condition never changes (a "
        "variable in the condition that the loop never updates), or a loop that never reaches "
        "its end. If it is only slow, give it more time, e.g. time_limit=30."
    )


def changes_alarm_text(name, outcome, planned, limit):
    """The text for a function that replaced the checker's SIGALRM handler or changed its timer."""
    what = {"handler": "the SIGALRM signal handler", "timer": "the SIGALRM timer"}
    if outcome.timed_out:
        ended = f"an alarm stopped it after {outcome.seconds:.1f} s, before the time limit"
    elif outcome.error is not None:
        ended = f"it raised {outcome.error.text} after {outcome.seconds:.1f} s"
    else:
        ended = f"it returned after {outcome.seconds:.1f} s"
    limit_text = "" if limit is None else f" of {limit:g} s"
    return (
        f"{name}: your function changes the SIGALRM signal handler or timer, which the checker "
        f"uses for its time limit; remove the signal calls (signal.signal, signal.alarm, "
        f"signal.setitimer) from it. On case {outcome.number} of {planned} "
        f"({outcome.case.describe()}) it changed {what[outcome.changed_alarm]}, which switches "
        f"the time limit{limit_text} off, and {ended}; the checker ran no further cases and did "
        "not judge the values. The checker stops a function that runs too long by itself "
        "(time_limit=...); a function that switches the alarm off and then never returns "
        "cannot be stopped but by interrupting the kernel."
    )


def passed_text(name, outcomes):
    """The text "matches rnn_core on 20 random cases (max relative error 2.2e-16, tolerance
    1e-10).", with one part per group of cases compared with the same thing at one tolerance."""
    groups = {}
    for outcome in outcomes:
        key = (outcome.case.against, outcome.case.tolerance)
        groups.setdefault(key, []).append(outcome)
    parts = [
        f"{against} on {count_text(group)} (max relative error "
        f"{fmt(max(o.largest for o in group))}, tolerance {fmt(tolerance)})"
        for (against, tolerance), group in groups.items()
    ]
    return f"{name}: matches " + ", and ".join(parts) + "."


def count_text(outcomes):
    """The text "20 random cases and 3 cases with large logits": the cases by their label."""
    counts = {}
    for outcome in outcomes:
        counts[outcome.case.label] = counts.get(outcome.case.label, 0) + 1
    return " and ".join(f"{count} {label}" for label, count in counts.items())


def exception_hint(error, signature):
    """A hint for an exception that matches no known mistake, from its type."""
    if issubclass(error.kind, ValueError) and any(
        word in error.message for word in ("matmul", "aligned", "broadcast", "shape")
    ):
        return (
            "a shape error: a product or a sum combines arrays whose shapes do not fit. Write the "
            "shape of every factor next to the line, e.g. (n_a, n_x).T @ (n_a, m) -> (n_x, m); "
            "a missing .T or the wrong matrix is the usual cause."
        )
    if issubclass(error.kind, KeyError):
        return (
            f"a dict has no key {error.message}. parameters has the keys Wax, Waa, Wya, ba, by; "
            "a cell cache is the tuple (a_next, a_prev, xt, parameters)."
        )
    if issubclass(error.kind, IndexError):
        return (
            "an index is out of range: check which axis each index goes to. Arrays are "
            "(n, m, T_x): the class or unit on axis 0, the sequence on axis 1, the time step on "
            "axis 2; labels y are (m, T_x)."
        )
    if issubclass(error.kind, NameError):
        return (
            "a name is not defined where the function runs: define it inside the function, or "
            "run the cell that defines it first."
        )
    if issubclass(error.kind, TypeError):
        return (
            f"the checker calls {signature}: check the number and order of your arguments, and "
            "the type of every value you use."
        )
    return f"the checker calls {signature}; the message above says what went wrong."


def one_number_text(name, shape):
    """The text for an array returned where one number is expected."""
    short = name.removeprefix("the ")
    if len(shape) and all(size == 1 for size in shape):
        return (
            f"your function returns an array of shape {shape} for {name}; return a float, e.g. "
            f"float({short}) (an array of one number is not a number: formatting it with "
            f"f'{{{short}:.4f}}' raises)"
        )
    return (
        f"your function returns an array of shape {shape} for {name}, where one number is expected"
    )


def shape_text(letters, shape):
    """The text "(n_x, m) = (3, 2)"; "() (one number)" for a scalar; the bare shape without
    letters."""
    if letters is None:
        return str(shape)
    if not letters:
        return "() (one number)"
    return f"({', '.join(letters)}) = {shape}"


def fmt(value):
    """2 significant digits, exponents without padding: 3.1e-16, 0.83, 1e-10, 1e-7."""
    text = f"{value:.2g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)


def modified_text(name, outcome, planned, first, explanation=None):
    """The lines for an argument changed in place; `first` is the first wrong case, or None."""
    argument = outcome.modified[0]
    explanation = explanation or (
        f"{argument} is changed in place. The caller still holds that array and would find it "
        "changed; build new arrays (or work on a copy) instead."
    )
    if first is None:
        opening = f"{name}: the values match {outcome.case.against}, but the function"
    else:
        opening = f"{name}: the function"
    if argument in outcome.moved:
        did = (
            f"moves {argument} while it runs (f sees the caller's {argument} perturbed), though "
            f"{argument} holds its old values again when it returns"
        )
    else:
        did = f"changes its argument {argument} in place"
    lines = [
        f"{opening} {did} (case {outcome.number} of {planned}).",
        f"Likely mistake: {explanation}",
    ]
    if first is not None:
        lines.append(
            f"Its results are wrong as well, first on case {first.number}; changing the argument "
            "may be the cause, so fix this first."
        )
    return lines
