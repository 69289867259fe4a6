// The main step: inputs → config → facts → plan → run → report.
import * as core from '@actions/core';
import { readConfig, type Config } from './config.js';
import { lineOfStep } from './dockerfile.js';
import { probeFacts } from './facts.js';
import { choosePlan } from './plan/choose.js';
import { buildReport, setOutputs, writeSummary } from './report.js';
import type { Vertex } from './run/progress.js';
import { runPlan } from './run/steps.js';
import { savePostState } from './state.js';

export async function run(): Promise<void> {
  try {
    const config = readConfig(name => core.getInput(name), {
      env: process.env,
      workspace: process.env.GITHUB_WORKSPACE || process.cwd()
    });
    if (config.login) core.setSecret(config.login.password);
    for (const secret of config.secrets) core.setSecret(secret.value);

    const facts = await core.group('Probe the environment', async () => {
      const found = await probeFacts();
      core.info(`docker ${found.dockerClient} (engine ${found.dockerServer}), buildx ${found.buildx ?? 'not installed'}`);
      return found;
    });
    savePostState({ tempDir: facts.tempDir, loggedInRegistry: config.login?.registry });

    const plan = choosePlan(config, facts);
    for (const note of plan.notes) core.info(note);
    const result = await runPlan(plan, config);

    const report = buildReport(config, plan, result);
    setOutputs(report);
    await writeSummary(config, report, result.failed?.message);
    if (result.failed) {
      const { message, step } = result.failed;
      const line = result.failed.line ?? failedStepLine(config, result.failed.vertices);
      if (step.build && line !== undefined) core.error(message ?? 'build failed', { file: config.file, startLine: line });
      core.setFailed(message ?? `${step.title} failed`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

/** Older clients do not print `Dockerfile:N`: find the failed step's line from its instruction. */
function failedStepLine(config: Config, vertices: Vertex[] = []): number | undefined {
  const failed = vertices.find(v => v.status === 'error' && v.stage && v.instruction);
  return failed ? lineOfStep(config.dockerfile, failed.stage as string, failed.instruction as string) : undefined;
}
