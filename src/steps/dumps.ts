// Which dump to sync: the newest `<db>.*.dump` in the backups dir. Names carry a timestamp
// (`<db>.<host>.<YYYY-MM-DD-HH-MM-SS>.dump`) that sorts as text; mtime decides otherwise.
import { quote } from '../util/shell.js';

export interface DumpFile {
  path: string;
  size: number;
  /** Seconds since the epoch (host clock). */
  mtime: number;
}

const STAMP = /\.(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})\.dump$/;

/** Escape fnmatch specials so a database name is matched literally by `find -name`. */
export function fnmatchEscape(s: string): string {
  return s.replace(/[\\*?[\]]/g, '\\$&');
}

/** Shell script listing candidate dumps as `<mtime> <size> <path>` lines (argv: $1 dir, $2 pattern). */
export function listDumpsScript(dir: string, db: string): string {
  const pattern = `${fnmatchEscape(db)}.*.dump`;
  return `find ${quote(dir)} -maxdepth 1 -type f -name ${quote(pattern)} ! -name '.*' -printf '%T@ %s %p\\n'`;
}

export function parseDumpList(text: string): DumpFile[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [mtime, size, ...path] = l.split(' ');
      return { mtime: Number(mtime), size: Number(size), path: path.join(' ') };
    });
}

/** The newest dump of `db`, or undefined. Other databases whose names share a prefix never match. */
export function pickNewestDump(files: DumpFile[], db: string): DumpFile | undefined {
  const mine = files.filter((f) => {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    return base.startsWith(db + '.') && base.endsWith('.dump') && base.length > db.length + 5;
  });
  if (mine.length === 0) return undefined;
  const stamp = (f: DumpFile) => STAMP.exec(f.path)?.[1];
  const allStamped = mine.every((f) => stamp(f) !== undefined);
  return mine.reduce((best, f) => {
    if (allStamped) {
      const a = stamp(f)!;
      const b = stamp(best)!;
      if (a !== b) return a > b ? f : best;
    }
    return f.mtime > best.mtime ? f : best;
  });
}
