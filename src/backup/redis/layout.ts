// Which Redis nodes hold the data: the masters of a cluster (from CLUSTER NODES) or the one node of a
// server without cluster mode. Pure parsing; the layout is stored as nodes.json beside the RDB files so
// a restore knows which dump serves which slots.
import { UserError } from '../../errors.js';

export interface RedisNode {
  id: string;
  /** host:port clients use (the cluster bus port and hostname are dropped). */
  address: string;
  flags: string[];
  role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  masterId?: string;
  linkState: string;
  /** Slot ranges as CLUSTER NODES prints them (`0-5460`, `5461`). Empty for replicas. */
  slots: string[];
}

export interface RedisLayout {
  clusterEnabled: boolean;
  nodes: RedisNode[];
}

export const allSlots = '0-16383';

/** `INFO` text as key/value pairs (section headers and blank lines dropped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** `CLUSTER NODES`: `<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>…` */
export function parseClusterNodes(text: string): RedisNode[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [id, addr, flagText, master, , , , linkState, ...slots] = line.split(' ');
      if (!id || !addr || !flagText || !master || !linkState) {
        throw new Error(`CLUSTER NODES printed a line release-kit does not understand: ${line}`);
      }
      const flags = flagText.split(',');
      const role = flags.includes('master') ? 'master' : 'replica';
      return {
        id,
        address: addr.split('@')[0] ?? addr,
        flags,
        role,
        ...(master !== '-' ? { masterId: master } : {}),
        linkState,
        // Migrating/importing markers (`[5461->-…]`) are not slots this node serves.
        slots: slots.filter((s) => !s.startsWith('[')),
      };
    });
}

/** The masters to dump; a failed or unreachable master would make the backup incomplete. */
export function mastersToDump(layout: RedisLayout): RedisNode[] {
  const masters = layout.nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
  const broken = masters.filter(
    (n) =>
      n.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'noaddr') || n.linkState !== 'connected',
  );
  if (broken.length) {
    throw new UserError(
      `redis cluster masters ${broken.map((n) => `${n.id.slice(0, 8)} (${n.address}, ${n.flags.join(',')})`).join(', ')} are not healthy: a backup now would miss their slots`,
      'repair the cluster (CLUSTER NODES shows its state) and run the backup again',
    );
  }
  if (!masters.length)
    throw new UserError('the redis cluster has no master serving slots', 'check CLUSTER NODES');
  return masters;
}

/** The layout of a server without cluster mode: itself, serving every slot. */
export function singleNodeLayout(runId: string, address: string): RedisLayout {
  return {
    clusterEnabled: false,
    nodes: [
      {
        id: runId,
        address,
        flags: ['myself', 'master'],
        role: 'master',
        linkState: 'connected',
        slots: [allSlots],
      },
    ],
  };
}
