// What a form shares with the widgets inside it beyond their own value: server errors that
// name a path inside a field (a subform cell: `items.2.qty`).
import { createContext } from "react";

/** Error messages by full path (`items.2.qty`), as the records API named them. */
export const PathErrorsContext = createContext<ReadonlyMap<string, string[]>>(new Map());

/** Formula columns of subform rows as the server last computed them, by subform key. */
export const ComputedRowsContext = createContext<Readonly<Record<string, Record<string, unknown>[]>>>({});
