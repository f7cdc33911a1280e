// Variables with where each came from: what the inventory parsers, the vars layer and the schema
// check share. Its own module so that none of them imports another for it.

/** Variables together with the file each top-level key came from (for error messages). */
export interface SourcedVars {
  values: Record<string, unknown>;
  /** top-level key → file (and line when known) it was set in */
  origins: Record<string, VarOrigin>;
}
export interface VarOrigin {
  /** Path as shown to the user: relative to the cwd when below it, else absolute. */
  file: string;
  /** 1-based line of the key, when known. */
  line?: number;
  /**
   * Lines of nested values, keyed by JSON pointer from the top (`/stagesync_copies/0/dest_bucket`),
   * when the file was YAML. Lets a schema error (ajv `instancePath`) point at the exact line.
   */
  pointerLines?: Record<string, number>;
  /** The file was encrypted with Ansible Vault: every value read from it is a secret. */
  vault?: boolean;
}
