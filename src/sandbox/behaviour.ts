// The fault vocabulary of simulated pods. A pod's behaviour comes from its image tag
// (`api:v2-errors-0.2`, `crash`, `latency-200ms`) and, overriding it key by key, from the pod annotation
// `sandbox.release-kit.dev/behaviour` (`errors=0.2,latency=200ms`). Docker tags cannot hold `=` or `,`,
// hence the two spellings. docs/sandbox.md lists the vocabulary.

export const behaviourAnnotation = 'sandbox.release-kit.dev/behaviour';

export interface Behaviour {
  /** The container exits at once, again and again: CrashLoopBackOff. */
  crash: boolean;
  /** /healthz never answers 200: the pod runs but never becomes ready. */
  unready: boolean;
  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff. */
  pullError: boolean;
  /** Fraction (0..1) of synthetic requests answered with 500. */
  errors: number;
  /** Latency of every synthetic request, in milliseconds. */
  latencyMs: number;
  /** Extra seconds before /healthz answers 200. */
  slowStartSeconds: number;
}

export const healthy: Behaviour = {
  crash: false,
  unready: false,
  pullError: false,
  errors: 0,
  latencyMs: 5,
  slowStartSeconds: 0,
};

export class BehaviourError extends Error {}

const fraction = (text: string, where: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new BehaviourError(
      `${where}: errors must be a fraction between 0 and 1 (e.g. errors=0.2), got "${text}"`,
    );
  return value;
};

const duration = (text: string, unit: 'ms' | 's', where: string, key: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!m)
    throw new BehaviourError(
      `${where}: ${key} must be a number with an optional unit ms or s, got "${text}"`,
    );
  const value = Number(m[1]);
  const given = m[2] ?? unit;
  if (given === unit) return value;
  return given === 'ms' ? value / 1000 : value * 1000;
};

/** The tag of an image reference (after the last ':' that is not part of a registry host:port). */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : 'latest';
}

/** Behaviour words found in an image tag; other parts of the tag (versions) are ignored. */
export function behaviourFromTag(tag: string): Partial<Behaviour> {
  const t = tag.toLowerCase();
  const found: Partial<Behaviour> = {};
  const word = (w: string) => new RegExp(`(^|[-_.])${w}($|[-_.])`).test(t);
  if (word('crash')) found.crash = true;
  if (word('unready')) found.unready = true;
  if (word('pull-error')) found.pullError = true;
  const errors = /(?:^|[-_.])errors-(\d+(?:\.\d+)?)/.exec(t);
  if (errors) found.errors = fraction(errors[1] ?? '', `image tag "${tag}"`);
  const latency = /(?:^|[-_.])latency-(\d+(?:\.\d+)?(?:ms|s)?)/.exec(t);
  if (latency) found.latencyMs = duration(latency[1] ?? '', 'ms', `image tag "${tag}"`, 'latency');
  const slow = /(?:^|[-_.])slow-start-(\d+(?:\.\d+)?(?:ms|s)?)/.exec(t);
  if (slow) found.slowStartSeconds = duration(slow[1] ?? '', 's', `image tag "${tag}"`, 'slow-start');
  return found;
}

/** The annotation spelling: comma-separated words and key=value pairs. Unknown words are errors. */
export function behaviourFromAnnotation(text: string): Partial<Behaviour> {
  const where = `annotation ${behaviourAnnotation}="${text}"`;
  const found: Partial<Behaviour> = {};
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const [key = '', value] = part.split('=').map((s) => s.trim());
    if (value === undefined) {
      if (key === 'healthy') Object.assign(found, healthy);
      else if (key === 'crash') found.crash = true;
      else if (key === 'unready') found.unready = true;
      else if (key === 'pull-error') found.pullError = true;
      else
        throw new BehaviourError(
          `${where}: unknown behaviour "${key}" (known: healthy, crash, unready, pull-error, errors=, latency=, slow-start=)`,
        );
    } else if (key === 'errors') found.errors = fraction(value, where);
    else if (key === 'latency') found.latencyMs = duration(value, 'ms', where, 'latency');
    else if (key === 'slow-start') found.slowStartSeconds = duration(value, 's', where, 'slow-start');
    else throw new BehaviourError(`${where}: unknown key "${key}" (known: errors, latency, slow-start)`);
  }
  return found;
}

/** The behaviour of a container: healthy, then the tag's words, then the annotation's. */
export function behaviourOf(image: string, annotation: string | undefined): Behaviour {
  return {
    ...healthy,
    ...behaviourFromTag(imageTag(image)),
    ...(annotation ? behaviourFromAnnotation(annotation) : {}),
  };
}
