// Image references: the config's names (registry prefixed unless they name one) and the chart's
// {repository, tag, digest} form.

export interface ChartImage {
  repository: string;
  tag: string;
  digest: string;
}

// The first path segment is a registry when it looks like a host (a dot or a port) or is localhost.
const namesRegistry = (image: string): boolean => {
  const slash = image.indexOf('/');
  if (slash <= 0) return false;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
};

/** The full reference of a config image: `config.registry/` is prefixed unless the image names a registry. */
export function qualifyImage(image: string, registry: string | undefined): string {
  if (!registry || namesRegistry(image)) return image;
  return `${registry.replace(/\/+$/, '')}/${image}`;
}

/** Splits `repo[:tag][@sha256:…]` into the chart's image fields; a digest wins over the tag in the chart. */
export function toChartImage(reference: string): ChartImage {
  const at = reference.indexOf('@');
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : '';
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    tag: hasTag ? name.slice(colon + 1) : digest ? '' : 'latest',
    digest,
  };
}
