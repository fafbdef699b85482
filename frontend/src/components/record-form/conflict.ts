// A stale-version conflict: the record changed on the server since the form loaded it. For
// each field the server changed, the reader sees theirs and mine and picks; the merge is
// resubmitted with the new version.
import { sameValue } from "../../registries/fields/values";

export interface ConflictEntry {
  key: string;
  /** what the form loaded */
  base: unknown;
  /** what this person has in the form now */
  mine: unknown;
  /** what the server holds now */
  theirs: unknown;
  /** both sides changed it (differently) */
  clash: boolean;
}

/** Fields the server changed since `base` was loaded, among `keys` (what the form edits). */
export function diffConflict(
  keys: string[],
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
): ConflictEntry[] {
  const out: ConflictEntry[] = [];
  for (const key of keys) {
    if (sameValue(base[key], theirs[key])) continue;
    const mineChanged = !sameValue(base[key], mine[key]);
    out.push({
      key,
      base: base[key],
      mine: mine[key],
      theirs: theirs[key],
      clash: mineChanged && !sameValue(mine[key], theirs[key]),
    });
  }
  return out;
}

export type Choice = "mine" | "theirs";

/** Default picks: keep mine where I changed the field, take theirs where I did not. */
export function defaultChoices(entries: ConflictEntry[]): Record<string, Choice> {
  return Object.fromEntries(entries.map((e) => [e.key, e.clash ? "mine" : "theirs"]));
}

/**
 * The values to resubmit: mine, with theirs where chosen. The new base is theirs, so only
 * what differs from it is sent.
 */
export function mergeConflict(
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
  entries: ConflictEntry[],
  choices: Record<string, Choice>,
): Record<string, unknown> {
  const merged = { ...mine };
  for (const e of entries) if ((choices[e.key] ?? "mine") === "theirs") merged[e.key] = theirs[e.key];
  return merged;
}
