// SourcedVars helpers: values plus, per top-level key, the file (and line) it came from.
import type { SourcedVars, VarOrigin } from '../util/sourced-vars.js';

export const emptySourced = (): SourcedVars => ({ values: {}, origins: {} });

/** `higher` over `lower`, key by key; a dict is replaced whole (hash_behaviour=replace). */
export function combineVars(lower: SourcedVars, higher: SourcedVars): SourcedVars {
  return {
    values: { ...lower.values, ...higher.values },
    origins: { ...lower.origins, ...higher.origins },
  };
}

/** Wraps a mapping read from `file`, taking each key's line from `pointerLines` when known. */
export function sourcedFromMapping(
  values: Record<string, unknown>,
  file: string,
  pointerLines?: Record<string, number>,
): SourcedVars {
  const origins: Record<string, VarOrigin> = {};
  for (const key of Object.keys(values)) {
    const line = pointerLines?.['/' + key.replace(/~/g, '~0').replace(/\//g, '~1')];
    origins[key] = line !== undefined ? { file, line, pointerLines } : { file };
  }
  return { values: { ...values }, origins };
}
