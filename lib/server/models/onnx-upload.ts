import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { mediaTypeOf } from "@/lib/domain/media-type";
import { dataDir } from "../platform/config";
import { HttpError } from "../platform/http";
import { ModelFileTooLargeError } from "./onnx-registration";

export interface ReceivedModel {
  filePath: string;
  fileName: string;
  fields: Record<string, string>;
  /** removes the received file (call when done, whatever the outcome) */
  discard(): Promise<void>;
}

/**
 * Streams a multipart model upload (one file, field `file`, plus text fields) to a private file
 * under DATA_DIR/uploads, counting bytes as they arrive: over `maxBytes` the upload stops with
 * 413 and the partial file is removed. Nothing is held in memory.
 */
export async function receiveModelUpload(body: ReadableStream<Uint8Array> | null, contentType: string, contentLength: number | null, maxBytes: number): Promise<ReceivedModel> {
  if (mediaTypeOf(contentType) !== "multipart/form-data" || !body) throw new HttpError(415, "send the model as multipart/form-data with the .onnx file in the field \"file\"");
  const tooLarge = () => new ModelFileTooLargeError(`the model file is over the ${maxBytes}-byte limit (MASKLAB_MAX_MODEL_BYTES)`);
  // multipart framing adds a little to the file: refuse early only what cannot fit
  if (contentLength !== null && contentLength > maxBytes + 64 * 1024) throw tooLarge();
  const dir = path.join(dataDir(), "uploads");
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, `${randomUUID()}.onnx`);
  const discard = () => rm(filePath, { force: true });
  const fields: Record<string, string> = {};
  let fileName: string | null = null;
  let overLimit = false;
  const writes: Promise<void>[] = [];
  const parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: maxBytes }, defParamCharset: "utf8" });
  parser.on("field", (name, value) => {
    fields[name] = value;
  });
  parser.on("file", (field, stream, info) => {
    if (field !== "file" || fileName !== null) {
      stream.resume();
      return;
    }
    fileName = path.basename(info.filename || "model.onnx");
    stream.on("limit", () => {
      overLimit = true;
    });
    const counter = new Transform({ transform: (chunk, _encoding, callback) => callback(null, overLimit ? undefined : chunk) });
    writes.push(pipeline(stream, counter, createWriteStream(filePath)));
  });
  try {
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>), parser);
    await Promise.all(writes);
    if (overLimit) throw tooLarge();
    if (fileName === null) throw new HttpError(400, "no file in the upload: send the .onnx file in the field \"file\"");
  } catch (error) {
    await discard();
    throw error;
  }
  return { filePath, fileName, fields, discard };
}
