// Files of a backup directory on disk: describe them (size, sha256), write and read the manifest, and
// verify a restored copy against it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.js';
import {
  type BackupManifest,
  compareFiles,
  type FileEntry,
  manifestFileName,
  parseManifest,
  stageMarker,
} from './manifest.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Every regular file under `dir` except the manifest and the stage marker, sorted by relative path. */
export async function describeFiles(dir: string): Promise<FileEntry[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: FileEntry[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const path = relative(dir, full).split(sep).join('/');
    if (path === manifestFileName || path === stageMarker) continue;
    files.push({ path, size: (await stat(full)).size, sha256: await sha256File(full) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  await writeFile(join(dir, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(
      `${path} is missing: this directory is not a release-kit backup`,
      'restore a snapshot made by release-kit (its tags are store=…, env=…, kind=…)',
    );
  }
  return parseManifest(text, path);
}

export interface CopyVerification {
  manifest: BackupManifest;
  /** One sentence per missing, altered or unexpected file; empty when the copy is intact. */
  problems: string[];
}

/** Checks a backup directory (usually a restored snapshot) file by file against its manifest. */
export async function verifyCopy(dir: string): Promise<CopyVerification> {
  const manifest = await readManifest(dir);
  return { manifest, problems: compareFiles(manifest.files, await describeFiles(dir)) };
}
