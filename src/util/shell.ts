// The one place that quotes shell arguments (POSIX sh, as Python's shlex.quote).
// Every command that reaches a remote or local shell is built from argv through here.

const SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** Quote one word for /bin/sh: bare when safe, else single-quoted with `'` → `'"'"'`. */
export function quote(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Join argv into one shell command line, each word quoted. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}
