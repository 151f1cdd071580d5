/** Bundles scripts/backup/backup.ts and its dependencies into one ESM file; resolves to its path. */
export function bundleBackupRunner(outfile: string): Promise<string>;
