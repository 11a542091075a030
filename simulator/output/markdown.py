"""The small Markdown the exercises and findings are written in, as HTML (worksheets, the summary).

Examples
--------
>>> inline_html("a **b** <c>")
'a <strong>b</strong> &lt;c&gt;'
"""

from __future__ import annotations

import html
import re

__all__ = ["inline_html", "markdown_html"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def inline_html(text: str) -> str:
    """Escape one line of text and render its **bold** and `code`."""
    return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False)))


def _is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"[$€−\-+]?[\d.,]+\s*(?:[A-Za-z%×]{0,4})", cell.strip()))


def markdown_html(text: str) -> str:
    r"""Render the small Markdown of the exercises as HTML: paragraphs, ``- `` lists, tables, bold, code.

    Everything else is escaped. Number cells of a table never break across lines.

    Examples
    --------
    >>> markdown_html("A **bold** claim.\n\n- one\n- two")
    '<p>A <strong>bold</strong> claim.</p>\n<ul><li>one</li><li>two</li></ul>'
    >>> markdown_html("| a | b |\n|---|---|\n| x | $0.17 |")
    '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>x</td><td class="num">$0.17</td></tr></tbody></table>'
    """
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(ln.lstrip().startswith("|") for ln in lines) and len(lines) >= 2:
            rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
            head, body = rows[0], [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]
            th = "".join(f"<th>{inline_html(c)}</th>" for c in head)
            trs = "".join("<tr>" + "".join(
                f'<td class="num">{inline_html(c)}</td>' if _is_number(c) else f"<td>{inline_html(c)}</td>" for c in r)
                + "</tr>" for r in body)
            out.append(f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>")
        elif all(ln.lstrip().startswith("- ") for ln in lines):
            out.append("<ul>" + "".join(f"<li>{inline_html(ln.lstrip()[2:])}</li>" for ln in lines) + "</ul>")
        else:
            out.append(f"<p>{inline_html(' '.join(ln.strip() for ln in lines))}</p>")
    return "\n".join(out)
