// Ansible's undefined: a name that does not exist (or a missing attribute) evaluates to a
// marker that fails as soon as it is used — output, attribute of it, iteration, a filter,
// a condition — but can still be tested (`is defined`) or replaced (`default`).
// It is a Proxy whose every trap throws; we recognize our markers through a WeakSet, which
// never touches the traps.

export class UndefinedVariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndefinedError';
  }
}

interface Info {
  /** e.g. `'x' is undefined` or `'dict object' has no attribute 'y'` */
  message: string;
  /** The variable name, for `mandatory`. */
  name: string;
}

const markers = new WeakMap<object, Info>();

export function makeUndefined(name: string, message = `'${name}' is undefined`): object {
  const info: Info = { message, name };
  const fail = (): never => {
    throw new UndefinedVariableError(info.message);
  };
  const proxy = new Proxy(Object.create(null) as object, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getPrototypeOf: fail,
    set: fail,
    apply: fail,
  });
  markers.set(proxy, info);
  return proxy;
}

export function isUndefined(value: unknown): boolean {
  return typeof value === 'object' && value !== null && markers.has(value);
}

export function undefinedInfo(value: unknown): Info | undefined {
  return typeof value === 'object' && value !== null ? markers.get(value) : undefined;
}

/** Throws when `value` is an undefined marker; returns it otherwise. */
export function use<T>(value: T): T {
  const info = undefinedInfo(value);
  if (info) throw new UndefinedVariableError(info.message);
  return value;
}
