"""The flow engine: definitions, node types, graph checks and the pure state machine.

    flow = compile_flow(definition_json, FlowScope(specs=form.specs, schema=form_schema(form.specs)))
    state, effects = step(flow, None, Start(initiator=7), Env(now=clock.now(), record=values))

`runtime/flows` stores the state, carries out the effects and feeds answers back as events.
"""

from engines.flow import effects
from engines.flow.definition import EdgeDef, FlowDef, NodeDef
from engines.flow.machine import FINAL, CompiledFlow, Env, FlowError, Run, step
from engines.flow.nodes import NODE_TYPES, FlowScope
from engines.flow.validate import FlowInvalid, compile_flow

__all__ = [
    "FINAL", "NODE_TYPES", "CompiledFlow", "EdgeDef", "Env", "FlowDef", "FlowError", "FlowInvalid", "FlowScope",
    "NodeDef", "Run", "compile_flow", "effects", "step",
]
