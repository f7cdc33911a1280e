// Where a render finds the variables it reads lazily: one key of nunjucks' context object
// (nunjucks copies the context's own keys, so the value must not be a Proxy of the vars).
import type { LazyVars } from './lazy.js';

export const LAZY_KEY = '__stagesync_lazy_vars__';

/** The context object to render with `lazy` as the variables. */
export function lazyContext(lazy: LazyVars): Record<string, unknown> {
  return { [LAZY_KEY]: lazy };
}

export function lazyOf(context: unknown): LazyVars | undefined {
  const ctx = (context as { ctx?: Record<string, unknown> } | undefined)?.ctx;
  return ctx?.[LAZY_KEY] as LazyVars | undefined;
}
