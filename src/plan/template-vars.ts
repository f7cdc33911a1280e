// Ansible templates variable values when they are used: `params: ["{{ stage_secret }}"]`.
// We resolve every string that holds a Jinja2 expression once, with the host's own variables.

const JINJA = /{{|{%/;
const MAX_DEPTH = 10;

type RenderString = (text: string, vars: Record<string, unknown>, key: string) => string;

export function templateValues(values: Record<string, unknown>, render: RenderString): Record<string, unknown> {
  // Values may refer to other templated values ("{{ a }}" where a is "{{ b }}"): repeat until stable.
  let current = values;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    let changed = false;
    const walk = (v: unknown, key: string): unknown => {
      if (typeof v === 'string' && JINJA.test(v)) {
        changed = true;
        return render(v, current, key);
      }
      if (Array.isArray(v)) return v.map((x) => walk(x, key));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, key)]));
      return v;
    };
    const next = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, k === 'groups' || k === 'hostvars' ? v : walk(v, k)]));
    if (!changed) return current;
    current = next;
  }
  return current;
}
