// What a recipe is: one CI job that builds and pushes the fixture's image, written the way its
// anchor documents it. The harness prepares the machine for the scenario, times `job` as a runner
// would see it, and counts registry and Actions cache traffic around it.
import type { CacheServer } from '../../test/support/cache-server/server.js';
import type { Log } from '../lib/exec.js';

export interface Fixture {
  /** folder under test/fixtures */
  name: string;
  /** the binary the Dockerfiles build */
  binary: string;
  /** a Go file of the service's own code, where the one-line change goes */
  changeFile: string;
  /** Go files in ten different packages: the drift scenario's commits change one each, in order */
  driftFiles?: string[];
  /**
   * A monorepo: one image per entry, each built from the workspace root with its own Dockerfile (and
   * that Dockerfile's own .dockerignore). Unset: one image from the root's Dockerfiles.
   */
  images?: Array<{ name: string; file: string }>;
  /** the scenarios run when --scenarios is not given (default: all) */
  scenarios?: string[];
}

export interface JobContext {
  fixture: Fixture;
  /** the checkout: a copy of the fixture */
  workspace: string;
  /** repository without tag, on the counting proxy: 127.0.0.1:PORT/bench/… */
  image: string;
  /** the registry host:port the recipe must use for every image (base images too) */
  registry: string;
  /** the benchmark's module proxy */
  goproxy: string;
  /** commit SHA of this run */
  sha: string;
  /** the runner's home: Go folders, scratch folders; emptied for a fresh runner */
  runnerHome: string;
  /** the local Actions cache service, empty at the cold run of each repetition */
  cache: CacheServer;
  /** the remote buildx builder, for recipes that need one */
  builder?: string;
  log: Log;
  /** the process environment a job step sees (DOCKER_HOST, PATH with the stack's docker, …) */
  env: NodeJS.ProcessEnv;
}

export interface Recipe {
  /** short id, used on the command line (--recipes) */
  id: string;
  /** the table's row label */
  title: string;
  /** one line: what it does, as its anchor documents it */
  how: string;
  needsBuildx?: boolean;
  /** carries Go caches from runner to runner (the drift scenario is about them; the others compile all anyway) */
  carriesGoCaches?: boolean;
  /** which fixtures it builds: one image (the default) or a monorepo's images (Fixture.images) */
  builds?: 'one' | 'many' | 'both';
  /** the table shows this recipe's time against each of these, scenario by scenario */
  compare?: Comparison[];
  /** runs the whole job: restore, build, push, save */
  job(ctx: JobContext): Promise<void>;
}

export interface Comparison {
  recipe: string;
  /** the ratio's label: ×0.4 <label> */
  label: string;
}

/** Whether a recipe builds this fixture (a monorepo, or one image). */
export function builds(recipe: Recipe, fixture: Fixture): boolean {
  const kind = recipe.builds ?? 'one';
  return kind === 'both' || kind === (fixture.images ? 'many' : 'one');
}

/** The images a job builds: the monorepo's, each under the job's repository; or the one image. */
export function imagesOf(ctx: JobContext): Array<{ name: string; file: string; repository: string }> {
  const images = ctx.fixture.images ?? [{ name: ctx.fixture.name, file: 'Dockerfile' }];
  return images.map(i => ({ ...i, repository: ctx.fixture.images ? `${ctx.image}/${i.name}` : ctx.image }));
}

/** The build arguments that point the fixture's Dockerfiles at the benchmark's registry and module proxy. */
export function buildArgs(ctx: JobContext): string[] {
  return ['--build-arg', `BASE_REGISTRY=${ctx.registry}`, '--build-arg', `GOPROXY=${ctx.goproxy}`];
}
