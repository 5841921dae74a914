r"""A Sphinx extension: every display formula goes to MathJax as written, as in JupyterLab.

Sphinx wraps a display formula that holds a line break (`\\`) in `\begin{split}...\end{split}`,
the reStructuredText habit. A notebook's `$$...$$` is complete TeX already, for example
`\begin{aligned} ... \\ ... \end{aligned} \tag{9}`, and MathJax refuses `\tag` inside `split`
("\tag not allowed in split environment"). MyST hands a formula of class "amsmath" to MathJax
inside `\[...\]` and untouched; this marks every display formula so.
"""

from docutils import nodes


def mark_display_math(app, doctree):
    for node in doctree.findall(nodes.math_block):
        if "amsmath" not in node["classes"]:
            node["classes"].append("amsmath")


def setup(app):
    app.connect("doctree-read", mark_display_math)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
