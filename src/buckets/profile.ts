// One side of a copy as the user configured it: a profile of ~/.aws/credentials and ~/.aws/config,
// resolved to region, endpoint and credentials, and an S3 client built from them.
//
// Why we read endpoint_url ourselves: the SDK v3 does honour `endpoint_url` from the shared config,
// but only for the profile named by AWS_PROFILE (getEndpointFromConfig ignores the client's
// `profile` option), and a copy names its profile per item — so we load the files with the SDK's
// own parser and pass the endpoint explicitly.
import type { S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LazyClient, type S3Sdk } from './sdk.js';

// Derived from the provider we use, so no transitive package (@aws-sdk/types) is imported directly.
type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

export interface SideSettings {
  /** The profile name used (AWS_PROFILE or `default` when the copy names none). */
  profile: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentialsFile: string;
  configFile: string;
}

export interface S3Side extends SideSettings {
  /** The SDK's client, made on first use (sdk.ts). */
  client: LazyClient;
  /** The client's HTTP handler (its keep-alive sockets), shared by the lean copy path. */
  handler: NodeHttpHandler;
  credentials: AwsCredentialIdentity;
}

type Section = Record<string, string | undefined>;

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p.startsWith('~/') ? join(env.HOME || homedir(), p.slice(2)) : p;
}

export function awsFiles(env: NodeJS.ProcessEnv): { credentialsFile: string; configFile: string } {
  const home = env.HOME || homedir();
  return {
    credentialsFile: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), env),
    configFile: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), env),
  };
}

/** Endpoint precedence of the SDKs' "service-specific endpoints" feature. */
function pickEndpoint(env: NodeJS.ProcessEnv, profile: Section, configFile: Record<string, Section>): string | undefined {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '') || /^true$/i.test(profile.ignore_configured_endpoint_urls ?? '')) {
    return undefined;
  }
  if (env.AWS_ENDPOINT_URL_S3) return env.AWS_ENDPOINT_URL_S3;
  if (env.AWS_ENDPOINT_URL) return env.AWS_ENDPOINT_URL;
  const services = profile.services ? configFile[`services.${profile.services}`] : undefined;
  // `s3 =\n  endpoint_url = …` in a profile: the nested form the aws CLI's S3 commands read.
  return services?.['s3.endpoint_url'] ?? profile['s3.endpoint_url'] ?? profile.endpoint_url;
}

/**
 * Resolve a side's settings from the shared files and the environment. An explicitly named profile
 * that exists in neither file is an error (the user mistyped it); with no name, the SDK's usual
 * chain (environment, default profile, instance role) applies.
 */
export async function resolveSideSettings(
  profileName: string | undefined,
  defaultRegion: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SideSettings> {
  const files = awsFiles(env);
  const loaded = await loadSharedConfigFiles({ filepath: files.credentialsFile, configFilepath: files.configFile, ignoreCache: true });
  const profile = profileName || env.AWS_PROFILE || 'default';
  const conf: Section = loaded.configFile[profile] ?? {};
  const creds: Section = loaded.credentialsFile[profile] ?? {};
  if (profileName && !loaded.configFile[profile] && !loaded.credentialsFile[profile]) {
    throw new Error(`AWS profile "${profile}" is in neither ${files.credentialsFile} nor ${files.configFile}`);
  }
  const merged: Section = { ...creds, ...conf };
  const endpoint = pickEndpoint(env, merged, loaded.configFile as Record<string, Section>);
  const region = env.AWS_REGION || merged.region || defaultRegion || 'us-east-1';
  // Custom endpoints (MinIO, moto, Ceph) rarely have per-bucket DNS names: path-style there.
  const forcePathStyle = !!endpoint || merged['s3.addressing_style'] === 'path';
  return { profile, region, endpoint, forcePathStyle, ...files };
}

/** Credentials of a side; a named profile never falls back to AWS_ACCESS_KEY_ID (as the aws CLI). */
export function credentialProvider(settings: SideSettings, explicit: boolean): AwsCredentialIdentityProvider {
  return fromNodeProviderChain({
    ...(explicit ? { profile: settings.profile } : {}),
    filepath: settings.credentialsFile,
    configFilepath: settings.configFile,
  });
}

/** No byte for this long on a request's socket fails it, retryably: a stalled endpoint must not hang a run. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * An HTTP handler with `concurrency` kept-alive sockets (per host). The limit is on silence, not on
 * a request's length: a big part upload may take minutes, and S3 sends blanks while a long
 * CopyObject runs. (The handler's `requestTimeout` only logs a warning unless told to throw.)
 */
export function makeHandler(concurrency: number, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS): NodeHttpHandler {
  const agentOpts = { keepAlive: true, maxSockets: Math.max(concurrency, 1) };
  return new NodeHttpHandler({
    httpAgent: new HttpAgent(agentOpts),
    httpsAgent: new HttpsAgent(agentOpts),
    connectionTimeout: 10_000,
    socketTimeout: idleTimeoutMs,
  });
}

/** An S3 client sized for `concurrency` requests in flight on kept-alive sockets. */
export function makeS3Client(sdk: S3Sdk, side: Omit<S3Side, 'client'>, maxAttempts = 3): S3Client {
  return new sdk.S3Client({
    region: side.region,
    ...(side.endpoint ? { endpoint: side.endpoint } : {}),
    forcePathStyle: side.forcePathStyle,
    // On AWS a bucket may live outside the profile's region: follow S3's 301 instead of failing.
    followRegionRedirects: true,
    credentials: side.credentials,
    maxAttempts,
    // Only where S3 requires them: MinIO/moto versions differ in which flexible checksums they know.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: side.handler,
  });
}

export interface OpenSideOptions {
  /** The profile the copy names (undefined: AWS_PROFILE or `default`). */
  profile: string | undefined;
  defaultRegion?: string;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
  /** Attempts the SDK itself makes per request (default 3). */
  sdkMaxAttempts?: number;
  idleTimeoutMs?: number;
}

/** Settings + resolved credentials + client, or an error naming the profile. */
export async function openSide(o: OpenSideOptions): Promise<S3Side> {
  const settings = await resolveSideSettings(o.profile, o.defaultRegion, o.env ?? process.env);
  let credentials: AwsCredentialIdentity;
  try {
    credentials = await credentialProvider(settings, !!o.profile)();
  } catch (e) {
    throw new Error(`AWS profile "${settings.profile}": no credentials (${(e as Error).message.split('\n')[0]})`);
  }
  const handler = makeHandler(o.concurrency, o.idleTimeoutMs);
  const side = { ...settings, credentials, handler };
  return { ...side, client: new LazyClient((sdk) => makeS3Client(sdk, side, o.sdkMaxAttempts ?? 3)) };
}

/**
 * Same endpoint and same access key: S3 can copy between the sides without us carrying bytes.
 * On AWS itself the region does not matter: CopyObject works across regions (sent to the dest's).
 */
export function sameAccount(a: S3Side, b: S3Side): boolean {
  const ep = (s: S3Side) => (s.endpoint ?? 'aws').replace(/\/+$/, '');
  return ep(a) === ep(b) && a.credentials.accessKeyId === b.credentials.accessKeyId;
}
