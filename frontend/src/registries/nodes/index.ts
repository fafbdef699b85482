// Flow node types on the client, keyed by the same strings as engines/flow's node-type
// registry (approval, fill_in, cc, condition, parallel, delay, http_request, …).
//
// Plan: each type lives in `registries/nodes/<type>/` and brings its canvas node (how it
// draws in the flow designer), its property panel, its summary line for the run history
// and its zh-CN/English name and description for the palette.
import type { ComponentType } from "react";

export interface NodeTypeUI {
  type: string;
  CanvasNode: ComponentType<never>;
  PropertyPanel: ComponentType<never>;
  HistoryLine: ComponentType<never>;
}

export const nodeTypes: ReadonlyMap<string, NodeTypeUI> = new Map();
