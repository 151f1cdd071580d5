// Reads back from the registry the digest a tag resolves to, so the images map records what the
// registry serves, not what the builder believed it pushed.
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { UserError } from '../errors.js';

export async function readRemoteDigest(
  ref: string,
  options: { authFile?: string; insecure: boolean },
): Promise<string> {
  const result = await execa(
    'skopeo',
    [
      'inspect',
      '--raw',
      ...(options.insecure ? ['--tls-verify=false'] : []),
      ...(options.authFile ? ['--authfile', options.authFile] : []),
      `docker://${ref}`,
    ],
    // The digest is over the exact bytes the registry serves.
    { encoding: 'buffer', stripFinalNewline: false, reject: false },
  );
  if (result.exitCode !== 0) {
    throw new UserError(
      `cannot read ${ref} back from the registry: ${
        Buffer.from(result.stderr ?? '')
          .toString()
          .trim() || result.shortMessage
      }`,
      'skopeo must be installed and the registry readable with the same credentials',
    );
  }
  return `sha256:${createHash('sha256').update(result.stdout).digest('hex')}`;
}
