"""MkDocs hooks (``hooks:`` in mkdocs.yml): the capability table, generated at build time,
and the tests' ``# requires:`` markers, taken out of the code blocks.

``docs/backends.md`` holds a copy of the table between two markers, readable
where Markdown is shown as it is; at build time its rows are replaced by what
the installed backends declare (``adcore backends --markdown``). A committed
row that differs from the declaration, or an installed backend without a row,
is a warning, so ``mkdocs build --strict`` fails until the copy is pasted anew.
Rows of backends not installed where the site is built are kept as committed;
a plugin that is installed but fails to load is a warning too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("mkdocs.hooks.capabilities")

START, END = "<!-- capabilities:start -->", "<!-- capabilities:end -->"
_BLOCK = re.compile(re.escape(START) + r"\n(.*?)" + re.escape(END), re.S)


def _rows(table: str) -> tuple[list[str], dict[str, str]]:
    """The header lines, and the rows by their first cell (the backend and its name)."""
    lines = [line for line in table.strip().splitlines() if line.startswith("|")]
    return lines[:2], {line.split("|")[1].strip(): line for line in lines[2:]}


def capability_table(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` with its capability table regenerated, and the names of the backends
    whose committed row was missing or differed from what they declare."""
    from adcore._cli.backends import capability_markdown

    found = _BLOCK.search(markdown)
    if found is None:
        return markdown, []
    header, generated = _rows(capability_markdown())
    _, committed = _rows(found.group(1))
    stale = [name for name, row in generated.items() if committed.get(name) != row]
    rows = {**committed, **generated}
    table = "\n".join([*header, *rows.values()])
    return markdown[:found.start(1)] + table + "\n" + markdown[found.end(1):], stale


#: The test-only first line of a code block (tests/test_docs.py): which module it needs.
_REQUIRES = re.compile(r"^(```\w*\n)# requires: \S+\n", re.M)


def without_test_markers(markdown: str) -> str:
    """``markdown`` without the ``# requires: MODULE`` lines that open code blocks: they tell
    the tests what a block needs, and mean nothing to a reader."""
    return _REQUIRES.sub(r"\1", markdown)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    markdown = without_test_markers(markdown)
    if _BLOCK.search(markdown):
        from adcore import available_backends

        for info in available_backends():
            if info.error is not None:
                log.warning("%s: the plugin %s did not load, so the capability table lacks it: %s",
                            page.file.src_uri, info.distribution, info.error)
    markdown, stale = capability_table(markdown)
    if stale:
        log.warning(
            "%s: the capability table is out of date for %s; paste the output of "
            "`adcore backends --markdown` (with every plugin installed) between its markers.",
            page.file.src_uri, ", ".join(stale),
        )
    return markdown
