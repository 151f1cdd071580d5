import { describe, expect, it } from 'vitest';
import { findCycle, listComponents } from '../../src/config/index.js';
import type { ReleaseConfig } from '../../src/config/types.js';

type Parts = Pick<ReleaseConfig, 'services' | 'stores' | 'gateway'>;
const parts = (gatewayEnabled: boolean): Parts => ({
  services: {
    api: { image: 'api', ports: ['8000'], depends_on: ['db', 'cache', 'neo4j'] },
  },
  stores: {
    neo4j: { image: 'neo4j', port: 7687, aliases: ['db'] },
    redis: { image: 'redis', port: 6379, aliases: ['cache'], external: { host: 'redis.example.com' } },
  },
  gateway: {
    enabled: gatewayEnabled,
    image: 'nginx',
    replicas: 1,
    depends_on: ['api'],
    waf: { enabled: true },
    service: { type: 'ClusterIP', port: 80 },
  },
});

describe('listComponents', () => {
  it('resolves aliases and removes the duplicates they create', () => {
    expect(listComponents(parts(true))).toEqual([
      { name: 'api', kind: 'service', depends_on: ['neo4j', 'redis'], external: false },
      { name: 'neo4j', kind: 'store', depends_on: [], external: false },
      { name: 'redis', kind: 'store', depends_on: [], external: true },
      { name: 'gateway', kind: 'gateway', depends_on: ['api'], external: false },
    ]);
  });

  it('leaves a disabled gateway out', () => {
    expect(listComponents(parts(false)).map((c) => c.name)).toEqual(['api', 'neo4j', 'redis']);
  });
});

describe('findCycle', () => {
  it('finds none in a layered graph', () => {
    const graph = new Map([
      ['gateway', ['api']],
      ['api', ['memory', 'redis']],
      ['memory', ['redis']],
    ]);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('names the cycle from its start back to it', () => {
    const graph = new Map([
      ['gateway', ['api']],
      ['api', ['memory']],
      ['memory', ['storage']],
      ['storage', ['api']],
    ]);
    expect(findCycle(graph)).toEqual(['api', 'memory', 'storage', 'api']);
  });
});
