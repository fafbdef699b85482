"""What a formula reads, so a calculated field is recomputed when, and only when, its inputs
change; and the cycles among a form's calculated fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import networkx as nx

from engines.expr import nodes as n
from engines.expr.errors import ExprError
from engines.expr.formula import Formula
from engines.expr.types import Kind


@dataclass(frozen=True)
class Dependencies:
    # Every field path read: ("amount",), ("customer", "industry"), ("items", "subtotal").
    fields: frozenset[tuple[str, ...]]
    # Link and subform paths walked through: ("customer",), ("items",).
    links: frozenset[tuple[str, ...]]
    # Context read: "user", "user.dept", "now", "today", "directory".
    context: frozenset[str]

    @property
    def roots(self) -> frozenset[str]:
        """The record's own keys whose change may change the result."""
        return frozenset(path[0] for path in self.fields)

    @property
    def volatile(self) -> bool:
        """True when the result changes with time even if the record does not."""
        return bool(self.context & {"now", "today"})

    def reads(self, changed: set[str] | frozenset[str]) -> bool:
        """Should a change to these top-level keys trigger a recompute?"""
        return bool(self.roots & set(changed))


def dependencies(formula: Formula) -> Dependencies:
    fields: set[tuple[str, ...]] = set()
    links: set[tuple[str, ...]] = set()
    context: set[str] = set()
    for node in n.walk(formula.node):
        if isinstance(node, n.Ref):
            fields.add(node.path)
            for i, hop in enumerate(node.hops[:-1]):
                if hop in (Kind.RECORD, Kind.RECORDS):
                    links.add(node.path[: i + 1])
            if node.hops and node.hops[-1] in (Kind.RECORD, Kind.RECORDS):
                links.add(node.path)
        elif isinstance(node, n.Var):
            context.add(".".join((node.name, *node.path)))
        elif isinstance(node, n.Call) and node.fn is not None:
            context.update(node.fn.uses)
    return Dependencies(frozenset(fields), frozenset(links), frozenset(context))


def _graph(formulas: Mapping[str, Formula | Dependencies]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for key, item in formulas.items():
        deps = item.dependencies if isinstance(item, Formula) else item
        graph.add_node(key)
        for root in deps.roots:
            if root in formulas:
                graph.add_edge(key, root)  # key reads root
    return graph


def find_cycles(formulas: Mapping[str, Formula | Dependencies]) -> list[list[str]]:
    """Every cycle among calculated fields (each as the keys in reading order), sorted."""
    cycles = [sorted_cycle(c) for c in nx.simple_cycles(_graph(formulas))]
    return sorted(cycles)


def sorted_cycle(cycle: list[str]) -> list[str]:
    """Rotate a cycle to start at its smallest key, so reports are stable."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def evaluation_order(formulas: Mapping[str, Formula | Dependencies]) -> list[str]:
    """Calculated fields ordered so that each comes after the fields it reads; raises on a cycle."""
    cycles = find_cycles(formulas)
    if cycles:
        first = cycles[0]
        raise ExprError.of("cycle", None, fields=" → ".join([*first, first[0]]))
    graph = _graph(formulas)
    return list(reversed(list(nx.lexicographical_topological_sort(graph))))
