// Pure: (argv, exit code, stderr) of a failed helm -> a typed error. The patterns come from stderr the
// real helm 3.18 and 4.1 binaries print (test/helm/classify.test.ts provokes each one for real).
import {
  type ClusterAccessReason,
  HelmChartNotFoundError,
  HelmClusterAccessError,
  HelmCommandError,
  type HelmFailure,
  HelmOperationInProgressError,
  HelmReleaseNotFoundError,
  HelmRenderError,
  HelmTestFailedError,
  HelmTimeoutError,
  type HelmUserError,
  type SourceLocation,
} from './errors.js';

/** helm's own error text: from the first `Error:` line on, without helm's `--debug` advice. */
export function helmErrorText(stderr: string): string {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Error: '));
  const kept = (start >= 0 ? lines.slice(start) : lines)
    .filter((l) => !/^Use --debug flag to render out invalid YAML/.test(l))
    .join('\n')
    .trim();
  return (start >= 0 ? kept.replace(/^Error: /, '') : kept) || '(helm printed no error message)';
}

const valueFlags =
  /^(-f|-o|--(values|set|set-string|set-json|set-file|timeout|description|kube-context|kubeconfig|revision|filter|time-format|output|api-versions|kube-version|max))$/;

/** `helm upgrade of release "api" in namespace "prod"`, from argv alone. */
export function describeCommand(args: readonly string[]): string {
  const positionals: string[] = [];
  let namespace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--namespace' || a === '-n') namespace = args[++i];
    else if (a.startsWith('-')) {
      // Flags whose value is a separate argument; the rest are booleans or --flag=value.
      if (valueFlags.test(a)) i++;
    } else positionals.push(a);
  }
  const [op, ...rest] = positionals;
  const verb = op === 'get' ? `get ${rest.shift() ?? ''}`.trim() : (op ?? '');
  const release = op === 'list' ? undefined : rest[0];
  return [
    `helm ${verb}`,
    release ? ` of release "${release}"` : '',
    namespace ? ` in namespace "${namespace}"` : '',
  ].join('');
}

/** Template files and lines helm names: `(chart/templates/x.yaml:8:12)`, `template: x.yaml:2:17:`, `x.yaml:2:17`. */
export function sourceLocations(text: string): SourceLocation[] {
  const found = new Map<string, SourceLocation>();
  for (const m of text.matchAll(/([\w.-]+(?:\/[\w.-]+)+\.(?:ya?ml|tpl|txt|json)):(\d+)(?::(\d+))?/g)) {
    const loc: SourceLocation = { file: m[1] as string, line: Number(m[2]) };
    if (m[3]) loc.column = Number(m[3]);
    found.set(`${loc.file}:${loc.line}:${loc.column ?? ''}`, loc);
  }
  // YAML errors name the rendered file and the line inside the rendered document.
  for (const m of text.matchAll(/YAML parse error on ([^\s:]+): .*?\bline (\d+)/g)) {
    found.set(`${m[1]}:${m[2]}:`, { file: m[1] as string, line: Number(m[2]) });
  }
  return [...found.values()];
}

const accessPatterns: [ClusterAccessReason, RegExp][] = [
  ['unauthorized', /provide credentials|\bUnauthorized\b/],
  ['tls', /x509:|tls: failed to verify certificate|certificate signed by unknown authority/],
  ['forbidden', /\bis forbidden\b|\bForbidden\b/],
  [
    'unreachable',
    /[Kk]ubernetes cluster unreachable|connection refused|no such host|dial tcp|i\/o timeout|connection reset by peer/,
  ],
];

const accessWording: Record<ClusterAccessReason, [string, string]> = {
  unreachable: [
    'could not reach the Kubernetes API server',
    "check the kubeconfig's server address and context, and that the cluster is up and reachable from here",
  ],
  unauthorized: [
    'was not authenticated by the Kubernetes API server',
    'the credentials in the kubeconfig were rejected or are missing: refresh the token or client certificate',
  ],
  forbidden: [
    'was forbidden by the Kubernetes API server',
    'the identity in the kubeconfig lacks RBAC permission (helm needs Secrets in the release namespace and every kind the chart creates), or an admission policy or quota refused it',
  ],
  tls: [
    "does not trust the Kubernetes API server's certificate",
    'set certificate-authority(-data) for the cluster in the kubeconfig to the CA that signed the server certificate',
  ],
};

const inProgress = /another operation \(install\/upgrade\/rollback\) is in progress/;
const timedOut = /context deadline exceeded|timed out waiting for the condition/;
const render =
  /execution error at \(|^template: |executing "|parse error at \(|YAML parse error on|values don't meet the specifications of the schema|^validation: |unable to build kubernetes objects from|failed to parse .*(error converting YAML|cannot unmarshal)/m;
const chartMissing =
  /path "[^"]*" not found|repo \S+ not found|Chart\.yaml file is missing|chart "[^"]*" (version "[^"]*" )?not found|failed to download/;
const releaseMissing = /release: not found|has no deployed releases|release "[^"]*" not found/;
// Cobra usage errors: release-kit built an argv this helm rejects.
const usage = /unknown (shorthand )?flag|invalid argument ".*" for|accepts \d+ arg|requires at least \d+ arg/;

function renderHint(text: string): string {
  if (/values don't meet the specifications of the schema/.test(text))
    return "the values do not match the chart's values.schema.json: fix the values named above";
  if (/^validation: chart\./m.test(text)) return "fix the chart's Chart.yaml (the field named above)";
  return 'fix the template or the values at the place helm names above';
}

/** Turns a failed helm run into the error a caller (and a user) can act on. */
export function classifyHelmFailure(failure: HelmFailure): HelmUserError | HelmCommandError {
  const text = helmErrorText(failure.stderr);
  const what = describeCommand(failure.args);

  if (!usage.test(text)) {
    for (const [reason, pattern] of accessPatterns) {
      if (pattern.test(text)) {
        const [phrase, hint] = accessWording[reason];
        return new HelmClusterAccessError(`${what} ${phrase}: ${text}`, hint, failure, reason);
      }
    }
    if (inProgress.test(text)) {
      return new HelmOperationInProgressError(
        `${what} was refused, the release is pending: ${text}`,
        'another helm process is changing this release; if none is (a runner was killed mid-operation), release-kit repairs the pending release once its last update is older than the stale threshold',
        failure,
      );
    }
    // helm 3: `* pod X failed`; helm 4: `resource Pod/ns/X not ready. status: Failed, message: pod X failed`.
    const failedPods = [...new Set([...text.matchAll(/\bpod (\S+) failed\b/g)].map((m) => m[1] as string))];
    if (failure.args[0] === 'test' && failedPods.length > 0) {
      return new HelmTestFailedError(
        `${what} failed: test pod${failedPods.length > 1 ? 's' : ''} ${failedPods.join(', ')} failed`,
        "read the test pods' logs (helm test --logs, or kubectl logs POD) for why",
        failure,
        failedPods,
      );
    }
    if (timedOut.test(text)) {
      return new HelmTimeoutError(
        `${what} timed out: ${text}`,
        "look at the release's pods (crash loops, image pull errors, failing readiness probes) and events; raise the timeout only if the rollout is just slow",
        failure,
      );
    }
    if (render.test(text)) {
      return new HelmRenderError(
        `${what} could not render the chart: ${text}`,
        renderHint(text),
        failure,
        sourceLocations(text),
      );
    }
    if (chartMissing.test(text)) {
      return new HelmChartNotFoundError(
        `${what} could not find the chart: ${text}`,
        'check the chart path (a directory holding Chart.yaml, or a packaged .tgz) or the repository reference',
        failure,
      );
    }
    if (releaseMissing.test(text)) {
      return new HelmReleaseNotFoundError(
        `${what} found no such release: ${text}`,
        'check the release name and namespace (`helm list --all-namespaces`); an upgrade of a release that was never deployed needs --install',
        failure,
      );
    }
  }
  const exit = failure.exitCode === undefined ? 'was stopped' : `exited with ${failure.exitCode}`;
  return new HelmCommandError(`${what} ${exit}: ${text}`, failure);
}
