// Values read from YAML or INI that JavaScript has no type for: an integral float (`1.0`), a
// `!unsafe` string (never templated) and a `!vault` value (decrypted by src/vault when read).
// Plain data, so the parsers (util, inventory) and the template layer share them.

/**
 * A base class whose `instanceof` checks a brand, not the constructor: a module loaded twice
 * (the unit run does) makes two classes whose values must still be recognised.
 */
export function Branded(key: string) {
  const brand = Symbol.for(`stagesync.${key}`);
  return class {
    constructor() {
      Object.defineProperty(this, brand, { value: true });
    }
    static [Symbol.hasInstance](v: unknown): boolean {
      return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[brand] === true;
    }
  };
}

/**
 * A float whose value is integral (YAML `1.0`, `2e+3`). JavaScript has one number type, so
 * without this marker `1.0` would print as `1`. Only the vars loader makes them; everything
 * outside the template layer sees plain numbers (see toPlain).
 */
export class PyFloat extends Branded('PyFloat') {
  constructor(readonly value: number) {
    super();
  }
  override valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  override toString(): string {
    return floatRepr(this.value);
  }
}

/** A `!unsafe` string: never templated (Ansible's AnsibleUnsafeText). */
export class UnsafeText extends Branded('UnsafeText') {
  constructor(readonly value: string) {
    super();
  }
  /** How ansible-inventory prints it. */
  toJSON(): Record<string, string> {
    return { __ansible_unsafe: this.value };
  }
  override toString(): string {
    return this.value;
  }
}

export class VaultValue extends Branded('VaultValue') {
  /** The plaintext once decrypted (src/vault fills it in). */
  plain?: string;
  constructor(
    readonly ciphertext: string,
    /** The file it was read from, for messages. */
    readonly file: string,
  ) {
    super();
  }

  /** How ansible-inventory prints a value it does not decrypt. */
  toJSON(): Record<string, string> {
    return { __ansible_vault: this.ciphertext };
  }
}

/** Python's repr() of a float: `1.0`, `1e-07`, `inf`. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  // JS writes 1e+21 and 1e-7 where Python writes 1e+21 and 1e-07.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}
