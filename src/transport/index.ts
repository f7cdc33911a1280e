// The transport's public face: steps import from here, never from ssh2.
export * from './types.js';
export { createHost, HostPool, type HostFactoryOptions } from './factory.js';
export { becomeFromVars, connectionFromVars, type ConnectionSpec } from './conn-vars.js';
export { LocalHost, type LocalHostOptions } from './local.js';
export { SshHost, type SshHostOptions } from './ssh-host.js';
export type { PutFileOptions } from './put-file.js';
