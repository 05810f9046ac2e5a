"""`{% inline "fields/input.html" %}`: another template's markup compiled into this one.

An `{% include %}` costs 6 µs a control on every render (Jinja copies the whole context for
it), and one-line inputs are nine controls in ten: a page of ten applicants spent a millisecond
on it. `inline` parses the named template where it stands, at load time, so that the markup
still lives in its own file for whoever restyles it. The named template sees the variables of
the place it is inlined in (`f`: the control). With `auto_reload` (restyling, previews) it is
a plain include, so that a change to the named file shows at once.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser


class Inline(Extension):
    tags = {"inline"}  # noqa: RUF012 (as Extension declares it)

    def parse(self, parser: Parser) -> list[nodes.Node]:
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        if not isinstance(name, nodes.Const) or not isinstance(name.value, str):
            parser.fail("inline takes the name of a template, as a string", lineno)
        if self.environment.auto_reload:  # restyling: a change to the named file must show
            return [nodes.Include(name, True, False, lineno=lineno)]
        loader = self.environment.loader
        if loader is None:
            parser.fail("inline needs a template loader", lineno)
        source, filename, _ = loader.get_source(self.environment, name.value)
        return list(self.environment.parse(source, name.value, filename).body)
