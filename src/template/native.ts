// Ansible's native types: a template that is one expression and nothing else ("{{ list }}")
// evaluates to that expression's value (a list stays a list, a bool a bool, None null);
// anything else renders to a string. The compiled template's output hook (strict.ts) hands
// each output value to the innermost capture, so the value is taken before it is printed.
import nunjucks from 'nunjucks';

/* eslint-disable @typescript-eslint/no-explicit-any */
const nj = nunjucks as any;

interface Capture {
  value?: unknown;
  count: number;
}

const captures: Capture[] = [];
const singleCache = new Map<string, boolean>();

/** Called by the output hook with every value a template outputs. */
export function captureOutput(value: unknown): void {
  const top = captures[captures.length - 1];
  if (top) {
    top.value = value;
    top.count++;
  }
}

/** True when `src` is exactly one `{{ expression }}`, with no text (not even a space) around it. */
export function isSingleExpression(src: string): boolean {
  let single = singleCache.get(src);
  if (single === undefined) {
    try {
      const root = nj.parser.parse(src, [], {});
      const only = root.children.length === 1 ? root.children[0] : undefined;
      single = only instanceof nj.nodes.Output && only.children.length === 1 && !(only.children[0] instanceof nj.nodes.TemplateData);
    } catch {
      single = false; // the real render reports the syntax error
    }
    if (singleCache.size > 5000) singleCache.clear();
    singleCache.set(src, single);
  }
  return single!;
}

/**
 * Runs `render` (which renders `src`) and returns the native value when `src` is a single
 * expression, else the rendered text.
 */
export function renderNative(src: string, render: () => string): unknown {
  if (!isSingleExpression(src)) return render();
  const capture: Capture = { count: 0 };
  captures.push(capture);
  try {
    const text = render();
    return capture.count === 1 ? capture.value : text;
  } finally {
    captures.pop();
  }
}
