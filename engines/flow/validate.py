"""Checking a flow definition at publish time and compiling it for the state machine.

`compile_flow(definition, scope)` returns a `CompiledFlow` or raises `FlowInvalid` with every
problem found, each with a path into the definition (`nodes.3.config.assignees.0.field`,
`edges.5.condition`) and both languages. The graph checks use networkx: one trigger; every node
reachable from it; an end reachable from every node; each parallel split paired with the join
that post-dominates it; condition nodes with exactly one default branch and typed conditions;
no cycle without a condition to leave it.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import networkx as nx
from pydantic import ValidationError

from engines import expr
from engines.flow.definition import FlowDef
from engines.flow.machine import CompiledFlow
from engines.flow.nodes.base import NODE_TYPES, FlowScope, Problem, problem

MAX_CYCLES_CHECKED = 2000
_EXIT = "\x00exit"


class FlowInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:3])
        super().__init__(f"{len(problems)} problem(s) in the flow: {shown}")
        self.problems = problems


def _expr_problem(path: str, exc: expr.ExprError) -> Problem:
    out = problem(path, exc.message("en"), exc.message("zh-CN"), exc.code)
    if exc.position is not None:
        out["position"] = exc.position.as_dict()
    return out


def compile_flow(definition: FlowDef | dict[str, Any], scope: FlowScope | None = None) -> CompiledFlow:
    scope = scope or FlowScope()
    if not isinstance(definition, FlowDef):
        try:
            definition = FlowDef.model_validate(definition)
        except ValidationError as exc:
            raise FlowInvalid([problem(".".join(str(p) for p in e["loc"]), e["msg"], "定义格式不正确：" + e["msg"],
                                       "invalid") for e in exc.errors()]) from None
    problems: list[Problem] = []
    options: dict[str, Any] = {}
    formulas: dict[str, expr.Formula] = {}
    index_of = {node.id: i for i, node in enumerate(definition.nodes)}

    for i, node in enumerate(definition.nodes):
        path = f"nodes.{i}"
        if node.type not in NODE_TYPES:
            problems.append(problem(f"{path}.type", f"Unknown node type '{node.type}'.", f"未知的节点类型“{node.type}”。",
                                    "unknown_type"))
            continue
        kind = NODE_TYPES.get(node.type)
        try:
            parsed = kind.parse(node)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(p) for p in error["loc"])
                problems.append(problem(f"{path}.config" + (f".{loc}" if loc else ""), error["msg"],
                                        "设置不正确：" + error["msg"], "invalid"))
            continue
        options[node.id] = parsed
        problems += kind.check(node, parsed, scope, f"{path}.config")
        schema = scope.schema
        row_schema = getattr(kind, "row_schema", None)
        if row_schema is not None:
            schema = row_schema(parsed, scope) or schema
        for name, (text, expect) in kind.formulas(parsed).items():
            try:
                formulas[f"node:{node.id}:{name}"] = expr.check(text, schema, expect=expect)
            except expr.ExprError as exc:
                problems.append(_expr_problem(f"{path}.config.{name.split(':')[-1]}", exc))

    triggers = [n.id for n in definition.nodes if n.type in NODE_TYPES and NODE_TYPES.get(n.type).category == "trigger"]
    if len(triggers) != 1:
        problems.append(problem("nodes", "A flow has exactly one trigger.", "流程必须有且只有一个触发节点。", "one_trigger"))

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(index_of)
    outgoing: dict[str, list[int]] = {n.id: [] for n in definition.nodes}
    incoming: dict[str, list[int]] = {n.id: [] for n in definition.nodes}
    for e, edge in enumerate(definition.edges):
        path = f"edges.{e}"
        bad = False
        for end in ("source", "target"):
            if getattr(edge, end) not in index_of:
                problems.append(problem(f"{path}.{end}", f"No node '{getattr(edge, end)}'.", f"没有节点“{getattr(edge, end)}”。",
                                        "unknown_node"))
                bad = True
        if bad:
            continue
        if edge.source == edge.target:
            problems.append(problem(path, "An edge cannot lead back to its own node.", "连线不能指向自身节点。", "self_loop"))
            continue
        outgoing[edge.source].append(e)
        incoming[edge.target].append(e)
        graph.add_edge(edge.source, edge.target, key=e)

    for i, node in enumerate(definition.nodes):
        if node.type not in NODE_TYPES:
            continue
        kind = NODE_TYPES.get(node.type)
        out, path = outgoing[node.id], f"nodes.{i}"
        if kind.category == "trigger" and incoming[node.id]:
            problems.append(problem(path, "Nothing may lead into the trigger.", "触发节点不能有进入的连线。", "trigger_incoming"))
        if kind.outputs == "none" and out:
            problems.append(problem(path, "An end node has no outgoing edges.", "结束节点不能有流出的连线。", "end_outgoing"))
        if kind.outputs == "one" and len(out) != 1:
            problems.append(problem(path, "This node needs exactly one outgoing edge.", "此节点必须有且只有一条流出连线。",
                                    "one_edge"))
        if kind.outputs == "many" and len(out) < 2:
            problems.append(problem(path, "A branch needs at least two outgoing edges.", "分支节点至少需要两条流出连线。",
                                    "branches"))
        if node.type == "condition":
            defaults = [e for e in out if definition.edges[e].default]
            if len(defaults) != 1:
                problems.append(problem(path, "A condition branch needs exactly one default branch.",
                                        "条件分支必须有且只有一个默认分支。", "default_branch"))
            for e in out:
                edge = definition.edges[e]
                if edge.default:
                    if edge.condition:
                        problems.append(problem(f"edges.{e}.condition", "The default branch has no condition.",
                                                "默认分支不能设置条件。", "default_condition"))
                    continue
                if not edge.condition:
                    problems.append(problem(f"edges.{e}.condition", "Write this branch's condition.", "请填写分支条件。",
                                            "required"))
                    continue
                try:
                    formulas[f"edge:{e}"] = expr.check(edge.condition, scope.schema, expect="bool")
                except expr.ExprError as exc:
                    problems.append(_expr_problem(f"edges.{e}.condition", exc))
        else:
            for e in out:
                if definition.edges[e].condition or definition.edges[e].default:
                    problems.append(problem(f"edges.{e}", "Only edges leaving a condition branch carry conditions.",
                                            "只有条件分支的连线可以设置条件。", "stray_condition"))

    joins: dict[str, str] = {}
    if len(triggers) == 1 and not problems:
        problems += _graph_problems(definition, graph, triggers[0], index_of, joins)
    if problems:
        raise FlowInvalid(problems)
    if definition.settings.title:
        for key in _placeholders(definition.settings.title):
            if scope.specs is not None and key not in scope.specs:
                problems.append(problem("settings.title", f"The form has no field '{key}'.", f"表单中没有字段“{key}”。",
                                        "unknown_field"))
    if problems:
        raise FlowInvalid(problems)
    return CompiledFlow(definition, options, formulas, outgoing, incoming, joins, triggers[0])


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{([a-z][a-z0-9_]{0,47})\}", text)


def _graph_problems(definition: FlowDef, graph: nx.MultiDiGraph, trigger: str, index_of: dict[str, int],
                    joins: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    types = {n.id: n.type for n in definition.nodes}
    reachable = nx.descendants(graph, trigger) | {trigger}
    for node_id in index_of:
        if node_id not in reachable:
            problems.append(problem(f"nodes.{index_of[node_id]}", "This node cannot be reached from the trigger.",
                                    "从触发节点无法到达此节点。", "unreachable"))
    ends = [n for n, t in types.items() if t == "end"]
    if not ends:
        problems.append(problem("nodes", "The flow needs an end node.", "流程需要结束节点。", "no_end"))
        return problems
    reaches_end = set(ends)
    for end in ends:
        reaches_end |= nx.ancestors(graph, end)
    for node_id in index_of:
        if node_id in reachable and node_id not in reaches_end:
            problems.append(problem(f"nodes.{index_of[node_id]}", "No end can be reached from this node.",
                                    "从此节点无法到达结束节点。", "no_way_out"))
    if problems:
        return problems

    # Parallel splits pair with the join that post-dominates them (every path to an end passes it).
    simple = nx.DiGraph(graph)
    reverse = simple.reverse(copy=True)
    reverse.add_node(_EXIT)
    for end in ends:
        reverse.add_edge(_EXIT, end)
    post_dominators = nx.immediate_dominators(reverse, _EXIT)
    paired: dict[str, str] = {}
    for node_id, kind in types.items():
        if kind != "parallel":
            continue
        join = post_dominators.get(node_id)
        if join is None or types.get(join) != "join":
            problems.append(problem(f"nodes.{index_of[node_id]}", "Every branch of a parallel split must meet at one join.",
                                    "并行分支的所有分支必须在同一个汇聚节点会合。", "unpaired_split"))
            continue
        if join in paired:
            problems.append(problem(f"nodes.{index_of[join]}", "A join closes exactly one parallel split.",
                                    "一个汇聚节点只能对应一个并行分支。", "shared_join"))
            continue
        paired[join] = node_id
        joins[node_id] = join
    for node_id, kind in types.items():
        if kind == "join" and node_id not in paired:
            problems.append(problem(f"nodes.{index_of[node_id]}", "This join has no parallel split to close.",
                                    "此汇聚节点没有对应的并行分支。", "unpaired_join"))

    # A cycle must pass a condition branch, which is the only way out of it.
    for cycle in islice(nx.simple_cycles(simple), MAX_CYCLES_CHECKED):
        if not any(types[n] == "condition" for n in cycle):
            first = min(cycle, key=lambda n: index_of[n])
            problems.append(problem(f"nodes.{index_of[first]}", "These steps loop forever: a loop needs a condition "
                                    "branch that can leave it.", "这些步骤会无限循环：循环中需要能跳出的条件分支。",
                                    "unguarded_cycle"))
    return problems
