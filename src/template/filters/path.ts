// basename / dirname as Python's os.path (posixpath), which Ansible's filters are:
// basename('/a/b/') == '' and dirname('f') == '' — unlike Node's path module.

function asPath(filter: string, p: unknown): string {
  if (typeof p !== 'string') throw new Error(`${filter} expects a path string, got ${p === null ? 'None' : typeof p}`);
  return p;
}

export function basename(p: unknown): string {
  const s = asPath('basename', p);
  return s.slice(s.lastIndexOf('/') + 1);
}

export function dirname(p: unknown): string {
  const s = asPath('dirname', p);
  let head = s.slice(0, s.lastIndexOf('/') + 1);
  // Strip trailing slashes unless the head is all slashes ('/' or '//').
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return head;
}
