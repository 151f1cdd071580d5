// Image names as the config writes them ("memory_system/api:latest", "ghcr.io/acme/x:1") split into the
// parts the build needs: where to push (registry/repository) and which tag the config named.

export interface ImageName {
  /** Registry host[:port], or undefined when the name carries none. */
  registry?: string;
  /** Path inside the registry, e.g. "memory_system/api". */
  repository: string;
  tag?: string;
}

// The first path segment is a registry when it looks like a host (a dot or a port) or is localhost:
// the rule docker and the containers tools share.
const looksLikeHost = (segment: string): boolean =>
  segment.includes('.') || segment.includes(':') || segment === 'localhost';

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Parses an image name without a digest; returns undefined when it is not a valid reference. */
export function parseImageName(text: string): ImageName | undefined {
  if (text.includes('@')) return undefined;
  const slash = text.indexOf('/');
  let registry: string | undefined;
  let rest = text;
  if (slash > 0 && looksLikeHost(text.slice(0, slash))) {
    registry = text.slice(0, slash);
    rest = text.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  if (!REPOSITORY.test(repository) || (tag !== undefined && !TAG.test(tag))) return undefined;
  return { registry, repository, tag };
}

/** Whether a registry host is on this machine; such registries are spoken to over plain HTTP (as docker does). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0];
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host ?? '');
}
