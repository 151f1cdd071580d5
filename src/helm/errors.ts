// Typed helm failures. Each kind a user can act on is a UserError with a hint; a failure release-kit
// does not recognise (or a usage error, which is release-kit's own bug) is a plain HelmCommandError.
import { UserError } from '../errors.js';

/** What the runner saw of a failed helm process. */
export interface HelmFailure {
  /** helm's argv (never holds credentials: the kubeconfig travels in the environment). */
  args: readonly string[];
  /** Undefined when the process did not exit by itself (killed, timed out). */
  exitCode: number | undefined;
  stderr: string;
  /** What helm printed on stdout, when the runner kept it (`helm test` puts its report and pod logs there). */
  stdout?: string;
}

export interface SourceLocation {
  /** Chart-relative file as helm prints it, e.g. `demo/templates/configmap.yaml`. */
  file: string;
  line?: number;
  column?: number;
}

export type HelmFailureKind =
  | 'timeout'
  | 'operation-in-progress'
  | 'render'
  | 'cluster-access'
  | 'chart-not-found'
  | 'release-not-found'
  | 'test-failed';

export abstract class HelmUserError extends UserError {
  abstract readonly kind: HelmFailureKind;
  constructor(
    message: string,
    hint: string,
    readonly failure: HelmFailure,
  ) {
    super(message, hint);
    this.name = new.target.name;
  }
}

/** helm gave up waiting (`--timeout`) for resources or hooks, or its process ran out of time. */
export class HelmTimeoutError extends HelmUserError {
  readonly kind = 'timeout';
}

/** The release is pending: another helm is changing it, or one was killed mid-operation. */
export class HelmOperationInProgressError extends HelmUserError {
  readonly kind = 'operation-in-progress';
}

/** The chart did not render or validate: template errors, values schema, invalid manifests. */
export class HelmRenderError extends HelmUserError {
  readonly kind = 'render';
  constructor(
    message: string,
    hint: string,
    failure: HelmFailure,
    /** Where helm says the problem is (template file, line, column), when it says. */
    readonly locations: SourceLocation[],
  ) {
    super(message, hint, failure);
  }
}

export type ClusterAccessReason = 'unreachable' | 'unauthorized' | 'forbidden' | 'tls';

/** helm could not talk to the cluster, or the cluster refused the identity. */
export class HelmClusterAccessError extends HelmUserError {
  readonly kind = 'cluster-access';
  constructor(
    message: string,
    hint: string,
    failure: HelmFailure,
    readonly reason: ClusterAccessReason,
  ) {
    super(message, hint, failure);
  }
}

export class HelmChartNotFoundError extends HelmUserError {
  readonly kind = 'chart-not-found';
}

/** No such release, or (upgrade without install) no deployed revision of it. */
export class HelmReleaseNotFoundError extends HelmUserError {
  readonly kind = 'release-not-found';
}

/** `helm test` ran and some test pods failed. */
export class HelmTestFailedError extends HelmUserError {
  readonly kind = 'test-failed';
  constructor(
    message: string,
    hint: string,
    failure: HelmFailure,
    readonly failedPods: string[],
  ) {
    super(message, hint, failure);
  }
}

/** The caller stopped helm through its AbortSignal (SIGTERM: helm records the revision as failed). */
export class HelmCancelledError extends Error {
  constructor(readonly args: string[]) {
    super(`helm ${args[0] ?? ''} was stopped before it finished`);
    this.name = 'HelmCancelledError';
  }
}

/** A helm failure release-kit does not recognise, including helm rejecting the argv it was given. */
export class HelmCommandError extends Error {
  constructor(
    message: string,
    readonly failure: HelmFailure,
  ) {
    super(message);
    this.name = 'HelmCommandError';
  }
}
