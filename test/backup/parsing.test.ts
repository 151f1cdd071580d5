// Pure parsing: restic's output, CLUSTER NODES, INFO, RESP replies, tags, and the manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles, parseManifest } from '../../src/backup/manifest.js';
import { mastersToDump, parseClusterNodes, parseInfo } from '../../src/backup/redis/layout.js';
import { decodeReply, encodeCommand, RedisReplyError } from '../../src/backup/redis/resp.js';
import {
  parseBackupSummary,
  parseCheckFindings,
  parseForget,
  parseSnapshots,
} from '../../src/backup/restic-output.js';
import { labelsOf, selectorTags, snapshotTags } from '../../src/backup/tags.js';
import { UserError } from '../../src/errors.js';
import { packageRoot } from '../../src/util/paths.js';

const fixture = (name: string) =>
  readFileSync(join(packageRoot(), 'test', 'fixtures', 'backup', name), 'utf8');

describe('restic output', () => {
  it('reads the summary line of a backup and ignores progress', () => {
    expect(parseBackupSummary(fixture('restic-backup.jsonl'))).toEqual({
      snapshotId: '74b0ed71',
      filesNew: 2,
      filesChanged: 0,
      filesUnmodified: 0,
      dataAdded: 3000906,
      totalFilesProcessed: 2,
      totalBytesProcessed: 3000003,
      durationSeconds: 0.226005108,
    });
  });

  it('says so when a backup printed no summary or an unexpected one', () => {
    expect(() => parseBackupSummary('{"message_type":"status"}')).toThrow(
      'restic printed a backup without a summary line',
    );
    expect(() => parseBackupSummary('{"message_type":"summary","snapshot_id":3}')).toThrow(
      'field snapshot_id is 3, expected a string',
    );
  });

  it('reads forget groups, and the empty output of a forget that matched nothing', () => {
    const [group] = parseForget(fixture('restic-forget.json'));
    expect(group?.tags).toEqual(['env=staging', 'kind=data', 'store=redis']);
    expect(group?.keep.map((s) => s.shortId)).toEqual(['b5991926']);
    expect(group?.remove.map((s) => [s.shortId, s.time.toISOString()])).toEqual([
      ['bb19fe49', '2024-01-04T00:00:00.000Z'],
    ]);
    expect(parseForget('\n')).toEqual([]);
  });

  it('sorts snapshots oldest first and rejects a bad time', () => {
    const snap = (id: string, time: string) => ({
      id,
      short_id: id,
      time,
      paths: ['/s'],
      hostname: 'h',
      tags: ['a'],
    });
    const list = parseSnapshots(
      JSON.stringify([snap('b', '2024-01-02T00:00:00Z'), snap('a', '2024-01-01T00:00:00Z')]),
    );
    expect(list.map((s) => s.id)).toEqual(['a', 'b']);
    expect(parseSnapshots('')).toEqual([]);
    expect(() => parseSnapshots(JSON.stringify([snap('c', 'yesterday')]))).toThrow('time yesterday');
  });

  it('turns check output into findings that name the damaged pack', () => {
    expect(parseCheckFindings(fixture('restic-check-corrupt.txt'))).toEqual([
      'pack data/90/90195dcdf0a6301604d835bde78305d1cf08747e9ee2ee2ea44f3a57b45f5c51 is corrupted: its content hashes to d7e0cca03307…, not to its name',
    ]);
  });
});

describe('redis layout', () => {
  const nodes = parseClusterNodes(fixture('cluster-nodes.txt'));

  it('reads masters, replicas, addresses and slots from CLUSTER NODES', () => {
    expect(nodes.map((n) => [n.id.slice(0, 6), n.address, n.role, n.slots])).toEqual([
      ['e7d1ee', '10.0.0.11:6379', 'master', ['0-5460']],
      ['67ed2d', '10.0.0.12:6379', 'master', ['5461-10922']],
      ['292f8b', '10.0.0.13:6379', 'master', ['10923-16383']],
      ['6ec239', '10.0.0.14:6379', 'replica', []],
      ['824fe1', '10.0.0.15:6379', 'replica', []],
    ]);
    expect(nodes[3]?.masterId).toBe(nodes[0]?.id);
    expect(mastersToDump({ clusterEnabled: true, nodes }).map((n) => n.address)).toEqual([
      '10.0.0.11:6379',
      '10.0.0.12:6379',
      '10.0.0.13:6379',
    ]);
  });

  it('refuses a backup while a master has failed, naming it', () => {
    const failed = nodes.map((n, i) => (i === 2 ? { ...n, flags: ['master', 'fail'] } : n));
    expect(() => mastersToDump({ clusterEnabled: true, nodes: failed })).toThrow(
      /redis cluster masters 292f8b36 \(10\.0\.0\.13:6379, master,fail\) are not healthy/,
    );
  });

  it('reads INFO sections and rejects a line that is not CLUSTER NODES', () => {
    expect(
      parseInfo('# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n'),
    ).toEqual({
      redis_version: '7.0.15',
      run_id: 'abc',
      cluster_enabled: '0',
    });
    expect(() => parseClusterNodes('garbage')).toThrow(
      'CLUSTER NODES printed a line release-kit does not understand: garbage',
    );
  });
});

describe('RESP', () => {
  it('encodes commands binary-safe and decodes every reply type', () => {
    expect(encodeCommand(['SET', 'k', Buffer.from([0, 1])]).toString('latin1')).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\x00\x01\r\n',
    );
    const reply = Buffer.from('*5\r\n+OK\r\n:42\r\n$3\r\na\r\n\r\n$-1\r\n-ERR bad\r\n');
    const decoded = decodeReply(reply);
    expect(decoded?.next).toBe(reply.length);
    const [ok, n, bulk, nil, err] = (decoded?.value ?? []) as unknown[];
    expect([ok, n, String(bulk), nil]).toEqual(['OK', 42, 'a\r\n', null]);
    expect(err).toBeInstanceOf(RedisReplyError);
  });

  it('waits for the rest of a reply that arrived in part', () => {
    expect(decodeReply(Buffer.from('$10\r\nabc'))).toBeUndefined();
    expect(decodeReply(Buffer.from('*2\r\n:1\r\n'))).toBeUndefined();
    expect(() => decodeReply(Buffer.from('?x\r\n'))).toThrow('not a RESP reply');
  });
});

describe('snapshot tags', () => {
  it('builds and reads store/env/kind tags', () => {
    const tags = snapshotTags({ store: 'redis', environment: 'prod', kind: 'data' });
    expect(tags).toEqual(['store=redis', 'env=prod', 'kind=data']);
    expect(labelsOf(tags)).toEqual({ store: 'redis', environment: 'prod', kind: 'data' });
    expect(labelsOf(['store=x'])).toBeUndefined();
    expect(selectorTags('config', 'prod')).toEqual(['kind=config', 'env=prod']);
  });

  it('rejects a value restic would split or mangle', () => {
    expect(() => snapshotTags({ store: 'redis', environment: 'prod,eu', kind: 'data' })).toThrow(UserError);
    expect(() => snapshotTags({ store: 'redis', environment: 'prod,eu', kind: 'data' })).toThrow(
      'backup environment "prod,eu" cannot be a restic tag',
    );
  });
});

describe('manifest', () => {
  const sha = (c: string) => c.repeat(64);
  const file = (path: string, size: number, c: string) => ({ path, size, sha256: sha(c) });

  it('finds nothing wrong with an identical copy', () => {
    expect(
      compareFiles([file('a', 1, 'a'), file('b/c', 2, 'b')], [file('a', 1, 'a'), file('b/c', 2, 'b')]),
    ).toEqual([]);
  });

  it('names a missing, resized, altered and extra file', () => {
    expect(
      compareFiles(
        [file('a', 1, 'a'), file('b', 2, 'b'), file('c', 3, 'c')],
        [file('b', 5, 'b'), file('c', 3, 'd'), file('x', 1, 'e')],
      ),
    ).toEqual([
      'a is missing (the manifest lists it with 1 bytes)',
      'b is 5 bytes, the manifest says 2: it was altered',
      'c has sha256 dddddddddddd…, the manifest says cccccccccccc…: it was altered',
      'x is not listed in the manifest',
    ]);
  });

  it('reports every problem of a broken manifest, with its source', () => {
    const text = JSON.stringify({ format: 2, store: 'redis', kind: 'weekly', files: [] });
    expect(() => parseManifest(text, 'snapshot abc/manifest.json')).toThrow(
      /^snapshot abc\/manifest\.json is not a release-kit backup manifest: .*\/format must be equal to constant.*\/kind must be equal to one of the allowed values/,
    );
  });
});
