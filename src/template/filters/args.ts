// nunjucks passes `f(a, b=1)` keyword arguments as a trailing object marked __keywords;
// this maps positional and keyword arguments onto Python-style parameter names.
export function pyArgs(args: unknown[], names: readonly string[], defaults: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  let positional = args;
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    positional = args.slice(0, -1);
    for (const [k, v] of Object.entries(last)) {
      if (k === '__keywords') continue;
      if (!names.includes(k)) throw new Error(`unexpected keyword argument '${k}'`);
      out[k] = v;
    }
  }
  positional.forEach((v, i) => {
    if (i >= names.length) throw new Error(`takes at most ${names.length} arguments`);
    out[names[i]!] = v;
  });
  return out;
}
