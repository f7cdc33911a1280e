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
  const single = isSingleExpression(src);
  const { text, capture } = captured(render);
  return single && capture.count === 1 ? capture.value : text;
}

/** Runs a render whose outputs are text only (a file template, a string rendered as text). */
export function renderText(render: () => string): string {
  return captured(render).text;
}

// Every render gets its own frame, so a variable rendered while another is being rendered
// never hands its outputs to the outer one.
function captured(render: () => string): { text: string; capture: Capture } {
  const capture: Capture = { count: 0 };
  captures.push(capture);
  try {
    return { text: render(), capture };
  } finally {
    captures.pop();
  }
}
