// nunjucks' throwOnUndefined only checks `{{ }}` output. For Ansible parity we compile lookups
// to return an undefined marker (see undefined.ts) and make conditions, loops and calls use()
// their operands, so `{% if x %}`, `x.y`, `x | upper` and `{% for i in x %}` fail too.
// nunjucks builds its Compiler inside compiler.compile(), so we patch Template#_compile once,
// and only for environments marked as strict: other environments are untouched.
import nunjucks from 'nunjucks';
import { isUndefined, makeUndefined, use, UndefinedVariableError } from './undefined.js';
import { captureOutput } from './native.js';
import { pyStr, pyTuple } from './python.js';
import { lazyOf } from './lazy-context.js';
import { nunjucksTransformer } from './nunjucks-internals.js';

const transformer = nunjucksTransformer as { transform(ast: unknown, asyncFilters: unknown, name: unknown): unknown };

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyNode = any;
const nj = nunjucks as any;
const BaseCompiler = nj.compiler.Compiler as new (name: string, throwOnUndefined: boolean) => any;

const STRICT = Symbol.for('stagesync.strictEnv');

/** Runtime helpers the compiled code reaches through `env` (always in scope there). */
export interface StrictHelpers {
  lookup(context: unknown, frame: unknown, name: string): unknown;
  member(obj: unknown, key: unknown, ...slice: unknown[]): unknown;
  use<T>(value: T): T;
  output(value: unknown): unknown;
  keys(value: unknown): unknown;
}

const isSafeString = (v: unknown): boolean => v instanceof nj.runtime.SafeString;

function describe(obj: unknown): string {
  if (Array.isArray(obj)) return 'list object';
  if (typeof obj === 'string') return 'str object';
  if (typeof obj === 'number') return Number.isInteger(obj) ? 'int object' : 'float object';
  return 'dict object';
}

const helpers: StrictHelpers = {
  lookup(context, frame, name) {
    // Loop variables and {% set %} first, then the host's variables (rendered when read).
    const local = (frame as { lookup(n: string): unknown }).lookup(name);
    if (local !== undefined) return local;
    const lazy = lazyOf(context);
    if (lazy?.has(name)) return lazy.get(name);
    const v = nj.runtime.contextOrFrameLookup(context, frame, name);
    return v === undefined ? makeUndefined(name) : v;
  },
  member(obj, key, ...slice) {
    // Ansible: an attribute of an undefined is the same undefined (so `x.y | default` works).
    if (isUndefined(obj)) return obj;
    use(key);
    // Jinja compat compiles `x[a:b:c]` to memberLookup(x, a, b, c).
    if (slice.length > 0) return nj.runtime.memberLookup(obj, key, ...slice);
    if (obj === null || obj === undefined) return makeUndefined(String(key), `'None' has no attribute '${String(key)}'`);
    // Read at call time: installJinjaCompat() replaces runtime.memberLookup (slices, .items()...).
    const v = nj.runtime.memberLookup(obj, key);
    // Python's dict.items() gives tuples, which print as ('a', 1).
    if (key === 'items' && typeof v === 'function' && !Array.isArray(obj)) return () => (v() as unknown[][]).map((pair) => pyTuple(pair));
    if (v !== undefined) return v;
    const what = Array.isArray(obj) && typeof key === 'number' ? `has no element ${key}` : `has no attribute '${String(key)}'`;
    return makeUndefined(String(key), `'${describe(obj)}' ${what}`);
  },
  use,
  // Ansible prints None as '' (its finalize), other values as Python's str(); an undefined fails. nunjucks' own
  // throwOnUndefined check would reject None, so our compiler replaces it with this.
  // Jinja iterates a dict's keys with `{% for k in d %}`; nunjucks would yield nothing.
  keys(value) {
    use(value);
    const plain = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
    return plain ? Object.keys(value as object) : value;
  },
  output(value) {
    if (value === undefined) throw new UndefinedVariableError('an undefined value was output');
    use(value);
    captureOutput(value);
    return value === null ? '' : typeof value === 'string' || isSafeString(value) ? value : pyStr(value);
  },
};

/** A node that compiles to `env.__stagesync.use(<target>)`. */
function useNode(target: AnyNode): AnyNode {
  if (target && target.typename === 'StrictUse') return target;
  return { typename: 'StrictUse', target, lineno: target?.lineno, colno: target?.colno };
}

class StrictCompiler extends BaseCompiler {
  /**
   * nunjucks records the position for runtime errors only at function calls; we record it
   * (1-based, as its parse errors are) wherever an undefined can appear or fail.
   */
  _emitPos(node: AnyNode): void {
    if (typeof node?.lineno === 'number') this._emit(`lineno = ${node.lineno + 1}, colno = ${(node.colno ?? 0) + 1}, `);
  }
  /** `(<position>, <head><body>))`: a helper call that knows where in the template it is. */
  _emitAt(node: AnyNode, head: string, body: () => void): void {
    this._emit('(');
    this._emitPos(node);
    this._emit(head);
    body();
    this._emit('))');
  }
  compileStrictUse(node: AnyNode, frame: AnyNode): void {
    this._emitAt(node, 'env.__stagesync.use(', () => this.compile(node.target, frame));
  }
  _compileExpression(node: AnyNode, frame: AnyNode): void {
    if (node && node.typename === 'StrictUse') this.compileStrictUse(node, frame);
    else if (node && node.typename === 'StrictKeys') this.compileStrictKeys(node, frame);
    else super._compileExpression(node, frame);
  }
  compileStrictOutput(node: AnyNode, frame: AnyNode): void {
    this._emit('env.__stagesync.output(');
    this.compile(node.target, frame);
    this._emit(')');
  }
  compileOutput(node: AnyNode, frame: AnyNode): void {
    node.children = node.children.map((child: AnyNode) =>
      child instanceof nj.nodes.TemplateData ? child : { typename: 'StrictOutput', target: child, lineno: child.lineno, colno: child.colno },
    );
    super.compileOutput(node, frame);
  }
  compileSymbol(node: AnyNode, frame: AnyNode): void {
    const local = frame.lookup(node.value);
    if (local) {
      this._emit(local);
      return;
    }
    this._emitAt(node, `env.__stagesync.lookup(context, frame, ${JSON.stringify(node.value)}`, () => undefined);
  }
  compileLookupVal(node: AnyNode, frame: AnyNode): void {
    this._emitAt(node, 'env.__stagesync.member((', () => {
      this._compileExpression(node.target, frame);
      this._emit('),');
      this._compileExpression(node.val, frame);
    });
  }
  compileCompare(node: AnyNode, frame: AnyNode): void {
    node.expr = useNode(node.expr);
    for (const op of node.ops) op.expr = useNode(op.expr);
    super.compileCompare(node, frame);
  }
  compileStrictKeys(node: AnyNode, frame: AnyNode): void {
    this._emit('env.__stagesync.keys(');
    this.compile(node.target, frame);
    this._emit(')');
  }
  compileFor(node: AnyNode, frame: AnyNode): void {
    const oneName = !(node.name instanceof nj.nodes.Array);
    node.arr = oneName ? { typename: 'StrictKeys', target: node.arr, lineno: node.arr.lineno, colno: node.arr.colno } : useNode(node.arr);
    super.compileFor(node, frame);
  }
  /** `x is test(a, b, k=v)`: nunjucks emits the arguments without commas (one positional only). */
  compileIs(node: AnyNode, frame: AnyNode): void {
    const test = node.right.name ? node.right.name.value : node.right.value;
    this._emit(`env.getTest(${JSON.stringify(test)}).call(context, `);
    this.compile(node.left, frame);
    for (const arg of node.right.args?.children ?? []) {
      this._emit(', ');
      this.compile(arg, frame);
    }
    this._emit(') === true');
  }
  compileFunCall(node: AnyNode, frame: AnyNode): void {
    node.name = useNode(node.name);
    node.lineno += 1; // nunjucks emits this one 0-based
    node.colno += 1;
    super.compileFunCall(node, frame);
  }
}

/**
 * Operands these nodes only test or combine (if, inline if, and, or, not, in): an undefined one
 * is an error, as in Ansible's Jinja2. Each method marks them used, then compiles as nunjucks does.
 */
const USED_OPERANDS: Record<string, string[]> = {
  compileIf: ['cond'],
  compileInlineIf: ['cond'],
  compileAnd: ['left', 'right'],
  compileOr: ['left', 'right'],
  compileNot: ['target'],
  compileIn: ['left', 'right'],
};
for (const [method, fields] of Object.entries(USED_OPERANDS)) {
  const base = (BaseCompiler.prototype as AnyNode)[method] as (...args: unknown[]) => void;
  (StrictCompiler.prototype as AnyNode)[method] = function (this: unknown, node: AnyNode, ...rest: unknown[]): void {
    for (const f of fields) node[f] = useNode(node[f]);
    base.call(this, node, ...rest);
  };
}

function strictCompile(src: string, asyncFilters: unknown, extensions: AnyNode[], name: string, opts: AnyNode): string {
  // false: compileOutput's checks (StrictOutput) replace nunjucks' ensureDefined.
  const c = new StrictCompiler(name, false);
  const pre = (extensions || []).map((e: AnyNode) => e.preprocess).filter(Boolean);
  const processed = pre.reduce((s: string, p: (s: string) => string) => p(s), src);
  c.compile(transformer.transform(nj.parser.parse(processed, extensions, opts), asyncFilters, name));
  return c.getCode();
}

let patched = false;

function patchTemplateCompile(): void {
  if (patched) return;
  patched = true;
  const proto = nj.Template.prototype;
  const original = proto._compile;
  proto._compile = function (this: AnyNode) {
    if (!this.env || !this.env[STRICT] || this.tmplProps) return original.call(this);
    const source = strictCompile(this.tmplStr, this.env.asyncFilters, this.env.extensionsList, this.path, this.env.opts);
    const props = new Function(source)();
    this.blocks = this._getBlocks(props);
    this.rootRenderFunc = props.root;
    this.compiled = true;
  };
}

/** Make `env` compile its templates with Ansible's undefined semantics. */
export function makeStrict(env: nunjucks.Environment): void {
  patchTemplateCompile();
  const e = env as AnyNode;
  e[STRICT] = true;
  e.__stagesync = helpers;
}
