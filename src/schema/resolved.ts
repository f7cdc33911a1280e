// A host's validated variables, merged over defaults/main.yml: every defaulted variable is there,
// so the plan reads them typed, without casts or fallbacks of its own.
import { DEFAULTED_VARS, type ResolvedVars, type StagesyncVars } from './stagesync-vars.js';

export function asResolved(v: StagesyncVars): ResolvedVars {
  const missing = DEFAULTED_VARS.filter((k) => v[k] === undefined);
  // Not the user's doing: the defaults layer was left out.
  if (missing.length) throw new Error(`resolved variables lack ${missing.join(', ')}: defaults/main.yml was not merged`);
  return v as ResolvedVars;
}
