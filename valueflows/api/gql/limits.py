"""Checks on a request's document and variables made before the schema runs it: the size of the document once
its fragments are spread, and text no database can store (NUL, lone surrogates) anywhere in it."""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    parse,
    visit,
)
from valueflows.domain.rules import text_fault

MAX_EXPANDED_FIELDS = 5000


def parsed(query: str, max_tokens: int) -> DocumentNode | None:
    """The document, or None when it does not parse (the schema then reports why)."""
    try:
        return parse(query, max_tokens=max_tokens, no_location=True)
    except GraphQLSyntaxError:
        return None



def expanded_fields(document: DocumentNode) -> int:
    """How many fields the document asks for once its fragments are spread, counted without spreading them (each
    fragment's size is computed once), so a fragment bomb (each fragment spreading the next twice) is measured
    in linear time; the depth and alias limits walk every spread and would take exponential time on one."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}

    def size(selections: SelectionSetNode | None) -> int:
        total = 0
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                total += 1 + size(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                total += size(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name not in sizes:
                    sizes[name] = 0  # a cycle counts nothing here; validation refuses it
                    sizes[name] = size(fragments[name].selection_set) if name in fragments else 0
                total += sizes[name]
        return total

    return sum(size(d.selection_set) for d in document.definitions if isinstance(d, OperationDefinitionNode))


def text_problem(document: DocumentNode | None, variables: Any) -> str | None:
    """Why some string in the operation (a literal in the document, or any variable) cannot be stored, or None."""

    class Strings(Visitor):
        fault: str | None = None

        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            self.fault = self.fault or text_fault(node.value)

    if document is not None:
        strings = Strings()
        visit(document, strings)
        if strings.fault:
            return f"a string in the document {strings.fault}"
    stack = [variables]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            fault = text_fault(value)
            if fault:
                return f"a variable {fault}"
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return None
