// The S3 SDK's client, loaded and made on first use. The common copy (list, plain CopyObject) goes
// through lean-request.ts and needs none; loading @aws-sdk/client-s3 was about a third of a
// files-only run's start-up. HeadObject, multipart, deletes, streamed copies and redirects load it.
import type { S3Client } from '@aws-sdk/client-s3';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

let loaded: Promise<S3Sdk> | undefined;
/** The SDK module (its command classes), imported once. */
export function s3Sdk(): Promise<S3Sdk> {
  return (loaded ??= import('@aws-sdk/client-s3'));
}

export class LazyClient {
  private made: Promise<S3Client> | undefined;
  private client: S3Client | undefined;
  constructor(private readonly create: (sdk: S3Sdk) => S3Client) {}

  get(): Promise<S3Client> {
    return (this.made ??= s3Sdk().then((sdk) => (this.client = this.create(sdk))));
  }

  /** Its sockets closed, if it was ever made. */
  destroy(): void {
    this.client?.destroy();
  }
}
