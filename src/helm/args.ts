// The one place that knows how helm 3 and helm 4 spell each option. Pure: (major, request) -> argv.
// Every flag here was checked against the real binaries' --help (test/helm/args.test.ts runs each
// argv through `helm … --help`, which rejects unknown or deprecated flags).
import { UserError } from '../errors.js';
import { type HelmMajor, type ListState, listStates } from './types.js';

/**
 * What to wait for before helm reports success: `false` hooks only (both versions' default);
 * `true` resources ready, checked the version's default way (helm 3 --wait, helm 4 --wait=watcher);
 * `'legacy'` resources ready, checked by helm 3's polling (helm 4 --wait=legacy, helm 3 --wait).
 */
export type WaitMode = boolean | 'legacy';

/** Where a command runs; the kubeconfig itself travels in the environment, never on argv. */
export interface Scope {
  namespace?: string;
  kubeContext?: string;
}

export interface UpgradeInstallRequest extends Scope {
  release: string;
  /** A chart directory, packaged chart, repo/name or oci:// reference. */
  chart: string;
  /** Values for this release; written to a 0600 file, never passed with --set. */
  values?: Record<string, unknown>;
  wait?: WaitMode;
  timeoutSeconds?: number;
  createNamespace?: boolean;
  /** Roll back (or uninstall a first install) when the upgrade fails: helm 3 --atomic, helm 4 --rollback-on-failure. */
  rollbackOnFailure?: boolean;
  /** Replace resources that cannot be patched: helm 3 --force, helm 4 --force-replace. */
  forceReplace?: boolean;
  /** Helm 4 server-side apply (its default is 'auto'); helm 3 only applies client-side. */
  serverSide?: boolean | 'auto';
  /** Recorded on the revision (shown by `helm history`). */
  description?: string;
}

export interface TemplateRequest extends Scope {
  release: string;
  chart: string;
  values?: Record<string, unknown>;
  /** Capabilities.KubeVersion, e.g. `1.33.0`. */
  kubeVersion?: string;
  /** Extra Capabilities.APIVersions, e.g. `monitoring.coreos.com/v1`. */
  apiVersions?: string[];
}

export interface RollbackRequest extends Scope {
  release: string;
  /** Target revision; helm's default (omitted) is the previous one. */
  revision?: number;
  wait?: WaitMode;
  timeoutSeconds?: number;
  forceReplace?: boolean;
}

export interface UninstallRequest extends Scope {
  release: string;
  wait?: WaitMode;
  timeoutSeconds?: number;
  keepHistory?: boolean;
  ignoreNotFound?: boolean;
}

export interface ListRequest extends Scope {
  allNamespaces?: boolean;
  /** Release states to include; all of them when omitted (helm's own default is deployed + failed only). */
  states?: ListState[];
  /** Only this release name (exact match). */
  release?: string;
}

export interface TestRequest extends Scope {
  release: string;
  timeoutSeconds?: number;
  logs?: boolean;
}

// Helm prints list times with Go's String() unless told a layout; ask for RFC 3339 so Date parses it.
export const listTimeLayout = '2006-01-02T15:04:05.999999999Z07:00';

const releaseNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Helm's own rule (DNS-1123 subdomain, at most 53 characters), checked before starting a process. */
export function checkReleaseName(release: string): void {
  if (release.length === 0 || release.length > 53 || !releaseNamePattern.test(release)) {
    throw new UserError(
      `invalid helm release name ${JSON.stringify(release)}`,
      'use at most 53 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit',
    );
  }
}

function checkTimeout(seconds: number | undefined): void {
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) {
    throw new UserError(
      `invalid helm timeout ${seconds}`,
      'give the timeout as a whole number of seconds greater than 0',
    );
  }
}

function scopeArgs(scope: Scope): string[] {
  const args: string[] = [];
  if (scope.namespace) args.push('--namespace', scope.namespace);
  if (scope.kubeContext) args.push('--kube-context', scope.kubeContext);
  return args;
}

function waitArgs(major: HelmMajor, wait: WaitMode | undefined): string[] {
  if (!wait) return [];
  if (major === 3) return ['--wait'];
  return [`--wait=${wait === 'legacy' ? 'legacy' : 'watcher'}`];
}

function timeoutArgs(seconds: number | undefined): string[] {
  checkTimeout(seconds);
  return seconds === undefined ? [] : ['--timeout', `${seconds}s`];
}

function forceArgs(major: HelmMajor, force: boolean | undefined): string[] {
  if (!force) return [];
  return [major === 3 ? '--force' : '--force-replace'];
}

function serverSideArgs(major: HelmMajor, serverSide: boolean | 'auto' | undefined): string[] {
  if (serverSide === undefined) return [];
  if (major === 3) {
    if (serverSide === false) return [];
    throw new UserError(
      'server-side apply needs helm 4: helm 3 only applies changes client-side',
      'use helm 4, or drop the server-side setting',
    );
  }
  return [`--server-side=${String(serverSide)}`];
}

/** `helm upgrade --install`; the values (if any) are in valuesFile. */
export function upgradeInstallArgs(
  major: HelmMajor,
  req: UpgradeInstallRequest,
  valuesFile: string | undefined,
): string[] {
  checkReleaseName(req.release);
  return [
    'upgrade',
    req.release,
    req.chart,
    '--install',
    ...(valuesFile ? ['--values', valuesFile] : []),
    ...waitArgs(major, req.wait),
    ...timeoutArgs(req.timeoutSeconds),
    ...(req.createNamespace ? ['--create-namespace'] : []),
    ...(req.rollbackOnFailure ? [major === 3 ? '--atomic' : '--rollback-on-failure'] : []),
    ...forceArgs(major, req.forceReplace),
    ...serverSideArgs(major, req.serverSide),
    ...(req.description ? ['--description', req.description] : []),
    '--output',
    'json',
    ...scopeArgs(req),
  ];
}

export function templateArgs(
  _major: HelmMajor,
  req: TemplateRequest,
  valuesFile: string | undefined,
): string[] {
  checkReleaseName(req.release);
  return [
    'template',
    req.release,
    req.chart,
    ...(valuesFile ? ['--values', valuesFile] : []),
    ...(req.kubeVersion ? ['--kube-version', req.kubeVersion] : []),
    ...(req.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
    ...scopeArgs(req),
  ];
}

export function rollbackArgs(major: HelmMajor, req: RollbackRequest): string[] {
  checkReleaseName(req.release);
  if (req.revision !== undefined && !(Number.isInteger(req.revision) && req.revision > 0)) {
    throw new UserError(
      `invalid revision ${req.revision} to roll back to`,
      'revisions are whole numbers from 1',
    );
  }
  return [
    'rollback',
    req.release,
    ...(req.revision === undefined ? [] : [String(req.revision)]),
    ...waitArgs(major, req.wait),
    ...timeoutArgs(req.timeoutSeconds),
    ...forceArgs(major, req.forceReplace),
    ...scopeArgs(req),
  ];
}

export function uninstallArgs(major: HelmMajor, req: UninstallRequest): string[] {
  checkReleaseName(req.release);
  return [
    'uninstall',
    req.release,
    ...waitArgs(major, req.wait),
    ...timeoutArgs(req.timeoutSeconds),
    ...(req.keepHistory ? ['--keep-history'] : []),
    ...(req.ignoreNotFound ? ['--ignore-not-found'] : []),
    ...scopeArgs(req),
  ];
}

export function historyArgs(_major: HelmMajor, req: Scope & { release: string }): string[] {
  checkReleaseName(req.release);
  return ['history', req.release, '--output', 'json', ...scopeArgs(req)];
}

export function statusArgs(_major: HelmMajor, req: Scope & { release: string; revision?: number }): string[] {
  checkReleaseName(req.release);
  return [
    'status',
    req.release,
    ...(req.revision === undefined ? [] : ['--revision', String(req.revision)]),
    '--output',
    'json',
    ...scopeArgs(req),
  ];
}

export function getValuesArgs(
  _major: HelmMajor,
  req: Scope & { release: string; revision?: number; all?: boolean },
): string[] {
  checkReleaseName(req.release);
  return [
    'get',
    'values',
    req.release,
    ...(req.revision === undefined ? [] : ['--revision', String(req.revision)]),
    ...(req.all ? ['--all'] : []),
    '--output',
    'json',
    ...scopeArgs(req),
  ];
}

export function getManifestArgs(
  _major: HelmMajor,
  req: Scope & { release: string; revision?: number },
): string[] {
  checkReleaseName(req.release);
  return [
    'get',
    'manifest',
    req.release,
    ...(req.revision === undefined ? [] : ['--revision', String(req.revision)]),
    ...scopeArgs(req),
  ];
}

export function listArgs(_major: HelmMajor, req: ListRequest): string[] {
  if (req.release !== undefined) checkReleaseName(req.release);
  // Helm 4 dropped --all; naming every state works in both versions.
  const states = req.states ?? listStates;
  return [
    'list',
    ...states.map((s) => `--${s}`),
    ...(req.allNamespaces ? ['--all-namespaces'] : []),
    // Release names only hold [a-z0-9.-]; escaping the dots makes the filter an exact match.
    ...(req.release ? ['--filter', `^${req.release.replaceAll('.', '\\.')}$`] : []),
    '--time-format',
    listTimeLayout,
    '--output',
    'json',
    ...scopeArgs(req),
  ];
}

export function testArgs(_major: HelmMajor, req: TestRequest): string[] {
  checkReleaseName(req.release);
  return [
    'test',
    req.release,
    ...timeoutArgs(req.timeoutSeconds),
    ...(req.logs ? ['--logs'] : []),
    ...scopeArgs(req),
  ];
}
