// The lab's typed API for tests, benchmarks and the demo (see issue 3).
export { labConfig, labHost, HOST_NAMES, type LabConfig, type LabHost, type LabS3 } from './config.js';
export { labEnvOf } from './home.js';
export { s3Client, s3Up, startS3Endpoint, stopS3Endpoint } from './s3.js';
import { labConfig } from './config.js';
import { labEnvOf } from './home.js';

/** Variables to merge onto process.env to run orchestrate/ssh/aws against the lab. */
export function labEnv(): Record<string, string> {
  return labEnvOf(labConfig());
}
