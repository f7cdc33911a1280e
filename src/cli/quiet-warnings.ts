// The AWS SDK warns on every start under Node 20 about its future Node 22 requirement; our
// contract is Node 20, so that one warning is noise for users. Every other warning still shows.
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : `${warning.name} ${warning.message}`;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (/NodeVersionSupportWarning/.test(`${type ?? ''} ${text}`) || /will require node >=22/.test(text)) return;
  (emit as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
