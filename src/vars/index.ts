// The variables engine: defaults, -e, group_vars/host_vars and precedence → a host's vars.
export { loadDefaults } from './defaults.js';
export { parseExtraVars, EXTRA_VARS_ORIGIN } from './extra-vars.js';
export { resolveHostVars, hostVarLayers, createVarsResolver, type ResolveOptions, type VarLayer } from './resolve.js';
export { readVarsFile } from './vars-file.js';
export { findVarsFiles, VarsFileCache } from './vars-dirs.js';
export { combineVars, emptySourced } from './sourced.js';
export { displayPath } from './display-path.js';
