/** The variable that turns a run of the bundle into a cache job (cache/worker.ts). */
export const JOB_VARIABLE = 'CIB_CACHE_JOB';
