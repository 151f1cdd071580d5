// The outcome of a restore for people: a table of the steps and, after a failure, the state of the services
// and the commands that resume or revert. Pure; the CLI prints it, the action puts it in the job summary.
import { formatTable } from '../deploy/report.js';
import type { RestoreReport } from './run.js';
import type { StepRecord } from './state.js';

export const stepHeaders = ['#', 'Step', 'Outcome', 'Details'];
export const stepRows = (steps: readonly StepRecord[]): string[][] =>
  steps.map((s, i) => [String(i + 1), s.title, s.status, (s.message ?? s.detail).replace(/\s*\n\s*/g, ' ')]);

export function formatReport(report: RestoreReport): string {
  const lines = [formatTable(stepHeaders, stepRows(report.state.steps)), ''];
  if (report.ok) {
    lines.push(`restore of ${report.state.stores.join(', ')} in ${report.state.namespace} finished`);
  } else {
    lines.push(
      `restore FAILED at "${report.failed?.title}". ${
        report.stopped
          ? `Services in ${report.state.namespace} are STOPPED (replicas remembered: ${Object.entries({
              ...report.state.replicas,
              ...report.state.storeReplicas,
            })
              .map(([n, r]) => `${n}=${r}`)
              .join(', ')}).`
          : 'Nothing was stopped or overwritten.'
      }`,
      `state: ${report.statePath}`,
    );
    if (report.resumeCommand) lines.push(`resume after fixing the cause: ${report.resumeCommand}`);
    if (report.revertCommand) lines.push(`revert to the safety snapshot: ${report.revertCommand}`);
  }
  return `${lines.join('\n')}\n`;
}
