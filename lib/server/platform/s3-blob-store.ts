import { createHash } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobNotFoundError, blobKeyPath, sha256Hex, verifiedBlob, type BlobStore, type BlobStoreSettings } from "./storage";

type S3Settings = Extract<BlobStoreSettings, { kind: "s3" }>;

/**
 * Blobs as objects in an S3-compatible bucket, at `${prefix}/ab/cd/<sha256>` (the disk store's
 * layout). Several web instances, the monitor and the workers share one bucket. Loaded only
 * through blobStore() when BLOB_STORE=s3://…, so the AWS SDK stays out of the default path.
 */
export class S3BlobStore implements BlobStore {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string = "",
  ) {}

  /** Credentials come from the SDK's usual chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role. */
  static fromSettings(settings: S3Settings): S3BlobStore {
    const client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Put sends its own MD5 and SHA-256 and get hashes the bytes itself: no extra CRC on top,
      // which also keeps servers without the newer checksum headers working.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // requestTimeout is socket inactivity, not the whole transfer: a stalled server fails, a large upload does not.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
    return new S3BlobStore(client, settings.bucket, settings.prefix);
  }

  objectKey(key: string): string {
    return this.prefix ? `${this.prefix}/${blobKeyPath(key)}` : blobKeyPath(key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = sha256Hex(bytes);
    const objectKey = this.objectKey(key);
    // Same key, same bytes: an object already there is this blob, unless its size says it was cut short.
    if ((await this.storedSize(objectKey)) === bytes.byteLength) return key;
    await this.call("upload", objectKey, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: "application/octet-stream",
          // The server refuses the upload when the bytes it received do not match these.
          ContentMD5: createHash("md5").update(bytes).digest("base64"),
          ChecksumSHA256: Buffer.from(key, "hex").toString("base64"),
        }),
      ),
    );
    return key;
  }

  async get(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    const bytes = await this.call("download", objectKey, async () => {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!response.Body) throw new Error("the server sent no body");
      return response.Body.transformToByteArray();
    }).catch((error: unknown) => {
      throw isMissing(error) ? new BlobNotFoundError(key) : error;
    });
    return verifiedBlob(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async has(key: string): Promise<boolean> {
    return (await this.storedSize(this.objectKey(key))) !== null;
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.call("delete", objectKey, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }))).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  }

  /** The object's size, or null when there is none (HeadObject). */
  private async storedSize(objectKey: string): Promise<number | null> {
    return this.call("look up", objectKey, async () => {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return head.ContentLength ?? 0;
    }).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
  }

  /** Runs one request; a failure other than a missing object names the bucket and the object. */
  private async call<T>(action: string, objectKey: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isMissing(error)) throw error;
      // HEAD answers carry no error body: the status is then all there is to go on (403: credentials or policy).
      const status = httpStatusOf(error);
      const reason = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)) + (status ? `, HTTP ${status}` : "");
      throw new Error(`blob store: could not ${action} s3://${this.bucket}/${objectKey} (${reason})`, { cause: error });
    }
  }
}

/** NoSuchKey from GetObject, a bare 404 from HeadObject; a missing bucket is a setup error, not a missing blob. */
function isMissing(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "NoSuchBucket") return false;
  return error.name === "NoSuchKey" || error.name === "NotFound" || httpStatusOf(error) === 404;
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
