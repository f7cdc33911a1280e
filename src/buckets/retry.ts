// Our own retries around each object (on top of the SDK's 3 attempts): exponential backoff with
// full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), only for errors that a
// later attempt can fix — 5xx, SlowDown/throttling, timeouts, dropped connections.

import { backoffDelay, sleep } from '../util/backoff.js';

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'IncompleteBody',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** An S3 error answer (status + XML `<Code>`), classified once where it is made. */
export class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly retryable: boolean;
  constructor(code: string, status: number, message: string) {
    super(message || code);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
    this.retryable = status >= 500 || status === 429 || RETRYABLE_NAMES.has(code);
  }

  static fromXml(status: number, xml: string): S3ResponseError {
    const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml)?.[1];
    return new S3ResponseError(tag('Code') ?? `HTTP${status}`, status, tag('Message') ?? '');
  }
}

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  retryable?: unknown;
  cause?: unknown;
}

/**
 * Whether another attempt may succeed, from typed properties only: our own `retryable`, the SDK's
 * `$retryable`, the HTTP status, the S3 error code, the socket error's `code` (the SDK renames a
 * reset or hang-up `TimeoutError` and keeps the code), then the cause's.
 */
export function isRetryable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as ErrorLike;
  if (typeof e.retryable === 'boolean') return e.retryable;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  return e.cause !== undefined && e.cause !== err && isRetryable(e.cause);
}

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  attempts: number;
  baseMs: number;
  capMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told before each wait (for -vvv logs). */
  onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
}

/** Run `fn` until it succeeds, fails with a non-retryable error, or runs out of attempts. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= policy.attempts || !isRetryable(err)) throw err;
      const delay = backoffDelay(attempt, { baseMs: policy.baseMs, capMs: policy.capMs, jitter: 'full', random: policy.random });
      policy.onRetry?.(attempt + 1, delay, err);
      await wait(delay);
    }
  }
}

/** One line for the failure list: the S3 error code and message, never a stack. */
export function describeError(err: unknown): string {
  if (!err || typeof err !== 'object') return String(err);
  const e = err as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : e.code;
  const msg = (e.message ?? '').split('\n')[0]!.trim();
  const head = [name, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  if (!head) return msg || 'unknown error';
  if (!msg || msg === name || msg === 'UnknownError') return head;
  return `${head}: ${msg}`;
}
