// Undo/redo over the form draft: a list of past states, the present, and the undone future.
// Typing in one property merges into one step, so Ctrl+Z undoes a word, not a letter.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** what the last change touched and when, for merging keystrokes into one step */
  last?: { group: string; at: number };
}

export const MERGE_MS = 1000;
export const MAX_STEPS = 200;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** Records `next`; changes of the same `group` within MERGE_MS replace the last step. */
export function record<T>(h: History<T>, next: T, group?: string, now = Date.now()): History<T> {
  if (next === h.present) return h;
  const merge = group !== undefined && h.last?.group === group && now - h.last.at < MERGE_MS;
  const past = merge ? h.past : [...h.past, h.present].slice(-MAX_STEPS);
  return { past, present: next, future: [], last: group === undefined ? undefined : { group, at: now } };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
