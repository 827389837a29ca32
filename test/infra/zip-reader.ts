/** Lists and extracts a zip with node:zlib only (CI has Node and npm, not necessarily `unzip`). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The entries of the central directory (no zip64: our package stays far below 65,535 entries and 4 GiB). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip64 archives are not supported here');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28),
      extraLength = zip.readUInt16LE(at + 30),
      commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      localHeaderOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Writes every file entry under `dir`. */
export function extractZip(zipPath: string, dir: string): void {
  const zip = readFileSync(zipPath);
  for (const e of zipEntries(zip)) {
    if (e.name.endsWith('/')) continue;
    if (e.name.split('/').includes('..') || e.name.startsWith('/')) throw new Error(`unsafe entry name ${e.name}`);
    const header = e.localHeaderOffset;
    const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
    const raw = zip.subarray(start, start + e.compressedSize);
    const target = join(dir, e.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, e.method === 8 ? inflateRawSync(raw) : raw);
  }
}
