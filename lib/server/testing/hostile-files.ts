import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import yazl from "yazl";

/** Builders of broken and hostile inputs for import tests. Each returns real bytes. */

export const solidImage = (width: number, height: number, format: "png" | "jpeg" = "png", channels: 3 | 4 = 3) => {
  const image = sharp({ create: { width, height, channels, background: { r: 190, g: 140, b: 110, alpha: 0.6 } } });
  return format === "png" ? image.png().toBuffer() : image.jpeg().toBuffer();
};

/** A noisy JPEG cut short: its header is intact, its pixels are not. */
export async function truncatedJpeg(): Promise<Buffer> {
  const noise = Buffer.alloc(200 * 150 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  const jpeg = await sharp(noise, { raw: { width: 200, height: 150, channels: 3 } }).jpeg().toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
}

/** A tiny PNG whose header claims width x height pixels: a decompression bomb's calling card. */
export function pngBomb(width = 50_000, height = 50_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.alloc(1024))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<annotation><filename>&lol3;</filename></annotation>`;

export const XXE = `<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<annotation><filename>&xxe;</filename><object><name>with_mask</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>`;

export const vocXml = (filename: string, objects: string, size = "") =>
  `\n<annotation><folder>images</folder><filename>${filename}</filename>${size}${objects}</annotation>`;

export const vocObject = (name: string, xmin: number, ymin: number, xmax: number, ymax: number) =>
  `<object><name>${name}</name><difficult>0</difficult><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`;

/** A zip whose entry names are written byte for byte, hostile ones included (yazl refuses them). */
export async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const renames: [string, string][] = [];
  Object.entries(entries).forEach(([name, content], i) => {
    const hostile = name.startsWith("/") || name.split("/").includes("..");
    // A hostile name gets an ASCII stand-in of the same length, patched to the real bytes afterwards.
    const placeholder = hostile ? `p${String(i).padStart(name.length - 1, "0")}` : name;
    if (hostile) renames.push([placeholder, name]);
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), placeholder);
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [placeholder, name] of renames) {
    bytes = Buffer.from(bytes.toString("latin1").split(placeholder).join(name), "latin1");
  }
  return bytes;
}


/** A zip that lies: its central directory declares `size` bytes for `entryName`, whatever it holds. */
export function withDeclaredSize(zip: Buffer, entryName: string, size: number): Buffer {
  const patched = Buffer.from(zip);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = patched.indexOf(signature); at >= 0; at = patched.indexOf(signature, at + 4)) {
    const nameLength = patched.readUInt16LE(at + 28);
    if (patched.toString("latin1", at + 46, at + 46 + nameLength) === entryName) {
      patched.writeUInt32LE(size, at + 24);
      return patched;
    }
  }
  throw new Error(`no central directory entry named ${entryName}`);
}
