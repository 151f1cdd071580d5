// GitHub Deployments: a deployment of this commit to an environment whose statuses follow the run, so the
// repository's Environments page shows what is deployed where and links to the run.
import * as github from '@actions/github';
import { UserError } from '../errors.js';

type Octokit = ReturnType<typeof github.getOctokit>;

/** A GitHub Deployment of this commit to the environment, whose statuses report the deploy. */
export class GitHubDeployment {
  private constructor(
    private readonly octokit: Octokit,
    private readonly id: number,
    private readonly environment: string,
  ) {}

  static async create(token: string, environment: string, description: string): Promise<GitHubDeployment> {
    const octokit = github.getOctokit(token);
    const { owner, repo } = github.context.repo;
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: github.context.sha || github.context.ref,
      environment,
      description,
      auto_merge: false,
      // release-kit's own workflow decides when to deploy; commit statuses were checked before it ran.
      required_contexts: [],
    });
    if (!('id' in created.data)) {
      throw new UserError(
        `GitHub did not create a deployment: ${created.data.message ?? 'no reason given'}`,
        'check the token has the deployments: write permission',
      );
    }
    return new GitHubDeployment(octokit, created.data.id, environment);
  }

  async status(state: 'in_progress' | 'success' | 'failure', description: string): Promise<void> {
    const { owner, repo } = github.context.repo;
    const { serverUrl, runId } = github.context;
    await this.octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: this.id,
      state,
      environment: this.environment,
      // GitHub limits the description to 140 characters.
      description: description.slice(0, 140),
      ...(runId ? { log_url: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` } : {}),
    });
  }
}
