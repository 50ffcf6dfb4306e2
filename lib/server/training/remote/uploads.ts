import { blobUploadChunkKeysColumn } from "@/lib/contracts/stored/training";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { UPLOAD_CHUNK_BYTES, type UploadPurpose, type UploadState } from "@/lib/contracts/http/worker-protocol";
import type { BlobUpload } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../../platform/db";
import { DomainError } from "../../platform/errors";
import { NotFoundError } from "../../platform/not-found";
import { sha256Hex, type BlobStore } from "../../platform/storage";

/**
 * Resumable uploads from remote workers (checkpoints, model files). The worker announces the
 * size and sha256, then sends chunks at the offset the server says it holds. Each chunk is
 * stored as a blob before `received` moves, by compare-and-set on the offset, so a connection cut
 * mid-chunk leaves nothing half-recorded and the worker resumes at `received` on any web
 * instance. When the last byte arrives the chunks are joined and the whole is checked against
 * the announced sha256; a mismatch starts the upload over.
 */

/** The largest file a worker may upload: a full-network checkpoint of the largest preset is far below. */
export const MAX_UPLOAD_BYTES = Number(process.env.MASKLAB_MAX_WORKER_UPLOAD_BYTES ?? 1024 * 1024 * 1024);


export class UploadOffsetError extends DomainError {
  readonly status = 409;
  constructor(received: number) {
    super(`the upload continues at byte ${received}`, { details: { received } });
  }
}

export class UploadRejectedError extends DomainError {
  readonly status = 422;
}

export class UploadNotFoundError extends NotFoundError {}

export function uploadStateOf(upload: BlobUpload): UploadState {
  return { uploadId: upload.id, size: upload.size, received: upload.received, complete: upload.blobKey !== null };
}

/**
 * Opens an upload for a job, or returns the open one of the same file (same purpose, size and
 * sha256) so a worker that restarted resumes it rather than sending everything again.
 */
export async function startUpload(jobId: string, workerId: string, file: { purpose: UploadPurpose; size: number; sha256: string }, database: Db = defaultDb()): Promise<BlobUpload> {
  if (file.size > MAX_UPLOAD_BYTES) throw new UploadRejectedError(`the file is ${file.size} bytes; uploads stop at ${MAX_UPLOAD_BYTES} bytes (MASKLAB_MAX_WORKER_UPLOAD_BYTES)`);
  const existing = await database.blobUpload.findFirst({ where: { jobId, purpose: file.purpose, size: file.size, sha256: file.sha256 }, orderBy: { createdAt: "desc" } });
  if (existing) return existing;
  return database.blobUpload.create({ data: { jobId, workerId, purpose: file.purpose, size: file.size, sha256: file.sha256, chunkKeys: toStoredJson(blobUploadChunkKeysColumn, []) } });
}

export async function findUpload(uploadId: string, jobId: string, database: Db = defaultDb()): Promise<BlobUpload> {
  const upload = await database.blobUpload.findUnique({ where: { id: uploadId } });
  // Another job's upload is as unknown to this worker as one that does not exist.
  if (!upload || upload.jobId !== jobId) throw new UploadNotFoundError(`no upload ${uploadId} for this job`);
  return upload;
}

/** Appends one chunk at `offset`; answers the upload's state after it. */
export async function receiveChunk(upload: BlobUpload, offset: number, bytes: Uint8Array, deps: { store: BlobStore; db?: Db }): Promise<UploadState> {
  const database = deps.db ?? defaultDb();
  if (upload.blobKey !== null) return uploadStateOf(upload);
  if (offset !== upload.received) throw new UploadOffsetError(upload.received);
  if (bytes.byteLength === 0 || bytes.byteLength > UPLOAD_CHUNK_BYTES) throw new UploadRejectedError(`a chunk holds 1 to ${UPLOAD_CHUNK_BYTES} bytes, not ${bytes.byteLength}`);
  if (offset + bytes.byteLength > upload.size) throw new UploadRejectedError(`the chunk runs past the announced size (${upload.size} bytes)`);
  const key = await deps.store.put(bytes);
  const chunkKeys = [...parseStored(blobUploadChunkKeysColumn, upload.chunkKeys, upload.id), key];
  const moved = await database.blobUpload.updateMany({ where: { id: upload.id, received: offset, blobKey: null }, data: { received: offset + bytes.byteLength, chunkKeys: toStoredJson(blobUploadChunkKeysColumn, chunkKeys) } });
  const current = await database.blobUpload.findUniqueOrThrow({ where: { id: upload.id } });
  // Another request delivered this offset first: the worker asks where to go on.
  if (moved.count === 0) throw new UploadOffsetError(current.received);
  if (current.received < current.size) return uploadStateOf(current);
  return uploadStateOf(await assemble(current, deps.store, database));
}

async function assemble(upload: BlobUpload, store: BlobStore, database: Db): Promise<BlobUpload> {
  const chunkKeys = parseStored(blobUploadChunkKeysColumn, upload.chunkKeys, upload.id);
  const whole = Buffer.concat(await Promise.all(chunkKeys.map((key) => store.get(key))));
  const sha256 = sha256Hex(whole);
  if (whole.byteLength !== upload.size || sha256 !== upload.sha256) {
    // Start over: the chunks do not make the announced file.
    await database.blobUpload.updateMany({ where: { id: upload.id, received: upload.received }, data: { received: 0, chunkKeys: toStoredJson(blobUploadChunkKeysColumn, []) } });
    await deleteBlobs(store, chunkKeys);
    throw new UploadRejectedError(`the uploaded bytes do not match the announced file (sha256 ${sha256.slice(0, 12)}…, ${whole.byteLength} bytes); the upload starts over`);
  }
  const blobKey = await store.put(whole);
  await database.blobUpload.updateMany({ where: { id: upload.id, blobKey: null }, data: { blobKey, chunkKeys: toStoredJson(blobUploadChunkKeysColumn, []) } });
  await deleteBlobs(store, chunkKeys.filter((key) => key !== blobKey));
  return database.blobUpload.findUniqueOrThrow({ where: { id: upload.id } });
}

/** The bytes of a finished upload of this job and purpose; refuses anything else. */
export async function completedUpload(uploadId: string, jobId: string, purpose: UploadPurpose, deps: { store: BlobStore; db?: Db }): Promise<{ key: string; bytes: Buffer }> {
  const upload = await findUpload(uploadId, jobId, deps.db);
  if (upload.purpose !== purpose) throw new UploadRejectedError(`upload ${uploadId} is a ${upload.purpose}, not a ${purpose}`);
  if (upload.blobKey === null) throw new UploadRejectedError(`upload ${uploadId} is not complete (${upload.received} of ${upload.size} bytes)`);
  return { key: upload.blobKey, bytes: await deps.store.get(upload.blobKey) };
}

/** Forgets a job's finished uploads of one purpose except `keep` (the blobs stay when something else points at them). */
export async function forgetUploads(jobId: string, purpose: UploadPurpose, keepUploadId: string | null, database: Db = defaultDb()): Promise<void> {
  await database.blobUpload.deleteMany({ where: { jobId, purpose, ...(keepUploadId ? { id: { not: keepUploadId } } : {}) } });
}

async function deleteBlobs(store: BlobStore, keys: readonly string[]): Promise<void> {
  for (const key of new Set(keys)) await store.delete(key).catch(() => undefined);
}
