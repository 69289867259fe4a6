export const id = 766;
export const ids = [766];
export const modules = {

/***/ 3766:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cacheJobMain: () => (/* binding */ cacheJobMain),
/* harmony export */   l: () => (/* binding */ runCacheJob)
/* harmony export */ });
/* harmony import */ var _run_process_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8016);
/* harmony import */ var _job_variable_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(222);
// @actions/cache runs in a process of its own, started through the process seam like any other
// command: so a cache service that hangs is killed by the time limit (with the tar it started), and a
// restore that failed half-way can be cleaned up after. The library's own log lines pass through, its
// error annotations turned into warnings: a cache fault never fails a build.


/** The library (with the Azure SDK, most of the bundle) is loaded only in the cache job's process. */
const loadCache = () => Promise.all(/* import() */[__webpack_require__.e(838), __webpack_require__.e(956), __webpack_require__.e(312)]).then(__webpack_require__.bind(__webpack_require__, 9312));
const RESULT_MARK = 'cib-cache-result=';
/** What the cache library needs of the runner's environment, and children do not get by default. */
const CACHE_ENV = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2'];
/** Runs a cache job in a child process (this same bundle) and reads its result. */
async function runCacheJob(job, limit, log = line => process.stdout.write(`${line}\n`), cancel) {
    let result;
    const env = { [_job_variable_js__WEBPACK_IMPORTED_MODULE_1__/* .JOB_VARIABLE */ .r]: JSON.stringify(job) };
    for (const name of CACHE_ENV)
        if (process.env[name] !== undefined)
            env[name] = process.env[name];
    const run = await (0,_run_process_js__WEBPACK_IMPORTED_MODULE_0__/* .runProcess */ .R3)({
        // The same Node flags (a memory probe in the tests), the same bundle.
        argv: [process.execPath, ...process.execArgv, process.argv[1]],
        env,
        limit,
        cancel,
        onLine: line => {
            if (line.startsWith(RESULT_MARK))
                result = JSON.parse(line.slice(RESULT_MARK.length));
            else
                log(line.replace(/^::error::/, '::warning::'));
        }
    });
    if (run.timedOut)
        return { error: `the cache service did not finish in time (${run.timedOut})` };
    if (!result)
        return { error: `the cache job ended without an answer (exit ${run.exitCode}: ${run.tail.at(-1) ?? 'no output'})` };
    return result;
}
/** In the child: run the job with the real library, print the result on a line of its own. */
async function cacheJobMain(raw) {
    const job = JSON.parse(raw);
    let result;
    try {
        result = job.op === 'restore' ? await restore(job) : await save(job);
    }
    catch (error) {
        result = { error: error.message };
    }
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}
async function restore(job) {
    const cache = await loadCache();
    if (!cache.isFeatureAvailable())
        return { unavailable: true };
    // restoreCache answers undefined both for no entry and for one it failed to unpack: ask first.
    const found = await cache.restoreCache(job.paths, job.key, job.restoreKeys, { lookupOnly: true });
    if (!found)
        return {};
    const matchedKey = await cache.restoreCache(job.paths, found, []);
    return matchedKey ? { matchedKey } : { matchedKey: found, restoreFailed: true };
}
async function save(job) {
    const cache = await loadCache();
    if (!cache.isFeatureAvailable())
        return { unavailable: true };
    try {
        return { cacheId: await cache.saveCache(job.paths, job.key) };
    }
    catch (error) {
        if (error instanceof cache.ReserveCacheError)
            return { reserveConflict: true, error: error.message };
        throw error;
    }
}


/***/ }),

/***/ 8016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qc: () => (/* binding */ childEnvironment),
/* harmony export */   R3: () => (/* binding */ runProcess),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   fM: () => (/* binding */ lastLine)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_1__);
// The one seam through which the action starts processes. Every call has a time limit: a total one
// (look-ups, probes) or one on inactivity (builds, pushes, cache work, which may run long but never
// silently for long). A process past its limit is killed with its whole process group. Children get
// the runner's environment without the action's inputs (registry password, BuildKit secrets) and
// without the runner's tokens, unless a request hands them over itself.


const TAIL_LINES = 40;
/** Children still running: when the job is cancelled, their groups go with the action. */
const running = new Set();
let signalsHooked = false;
function hookSignals() {
    if (signalsHooked)
        return;
    signalsHooked = true;
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.once(signal, () => {
            for (const child of running)
                signalGroup(child, 'SIGKILL');
            process.exit(1);
        });
    }
}
const MAX_STDOUT = 16 * 1024 * 1024;
/** After SIGTERM, the group gets this long to go before SIGKILL. */
const KILL_GRACE_MS = 3000;
/** Variables no child needs: the action's inputs (secrets among them) and the runner's tokens. */
function childEnvironment(parent, extra = {}) {
    const env = {};
    for (const [key, value] of Object.entries(parent)) {
        if (value === undefined || key.startsWith('INPUT_') || key.startsWith('STATE_') || RUNNER_TOKENS.has(key))
            continue;
        env[key] = value;
    }
    return { ...env, ...extra };
}
const RUNNER_TOKENS = new Set(['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL']);
function runProcess(request) {
    const { argv, limit, echo = false } = request;
    const started = Date.now();
    const tail = [];
    let stdout = '';
    const take = (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES)
            tail.shift();
        if (echo)
            process.stdout.write(`${line}\n`);
        request.onLine?.(line);
    };
    if (echo)
        process.stdout.write(`[command]${argv.join(' ')}\n`);
    return new Promise(resolve => {
        let child;
        try {
            child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(argv[0], argv.slice(1), {
                cwd: request.cwd,
                env: childEnvironment(process.env, request.env),
                stdio: ['pipe', 'pipe', 'pipe'],
                // Its own process group, so a limit kills what it started too (buildx, its plugins, tar).
                detached: true
            });
        }
        catch (error) {
            resolve({ exitCode: -1, durationMs: 0, stdout: '', tail: [error.message], startError: error.message });
            return;
        }
        running.add(child);
        hookSignals();
        let timedOut;
        let startError;
        let settled = false;
        const timers = [];
        const kill = (why) => {
            if (timedOut || settled)
                return;
            timedOut = why;
            signalGroup(child, 'SIGTERM');
            timers.push(setTimeout(() => {
                signalGroup(child, 'SIGKILL');
            }, KILL_GRACE_MS));
            // A grandchild outside the group may hold the pipes open: stop waiting for them.
            timers.push(setTimeout(() => {
                finish(-1);
            }, KILL_GRACE_MS * 2));
        };
        let idle;
        const touch = () => {
            if (!limit.idleMs)
                return;
            if (idle)
                clearTimeout(idle);
            idle = setTimeout(() => {
                kill(`no output for ${seconds(limit.idleMs)}`);
            }, limit.idleMs);
        };
        if (limit.totalMs)
            timers.push(setTimeout(() => {
                kill(`still running after ${seconds(limit.totalMs)}`);
            }, limit.totalMs));
        touch();
        const onCancel = () => {
            kill('cancelled');
        };
        if (request.cancel?.aborted)
            onCancel();
        else
            request.cancel?.addEventListener('abort', onCancel, { once: true });
        const finish = (code) => {
            if (settled)
                return;
            settled = true;
            running.delete(child);
            request.cancel?.removeEventListener('abort', onCancel);
            for (const timer of timers)
                clearTimeout(timer);
            if (idle)
                clearTimeout(idle);
            flushAll();
            if (timedOut)
                take(`killed: ${timedOut}`);
            resolve({ exitCode: timedOut || startError ? -1 : code, durationMs: Date.now() - started, stdout, tail, timedOut, startError });
        };
        const partial = { out: '', err: '' };
        // One decoder a stream: a character whose bytes arrive in two chunks is decoded whole.
        const decoders = { out: new node_string_decoder__WEBPACK_IMPORTED_MODULE_1__.StringDecoder('utf8'), err: new node_string_decoder__WEBPACK_IMPORTED_MODULE_1__.StringDecoder('utf8') };
        const feed = (which, chunk) => {
            touch();
            const text = decoders[which].write(chunk);
            if (which === 'out' && request.captureStdout && stdout.length < MAX_STDOUT)
                stdout += text;
            const lines = (partial[which] + text).split(/\r?\n/);
            partial[which] = lines.pop() ?? '';
            for (const line of lines)
                take(line);
        };
        const flushAll = () => {
            for (const which of ['out', 'err']) {
                // Bytes of a character the stream never finished: U+FFFD, as a whole decode would give.
                const rest = decoders[which].end();
                if (which === 'out' && request.captureStdout && stdout.length < MAX_STDOUT)
                    stdout += rest;
                partial[which] += rest;
                if (partial[which] !== '')
                    take(partial[which]);
                partial[which] = '';
            }
        };
        child.stdout?.on('data', (chunk) => {
            feed('out', chunk);
        });
        child.stderr?.on('data', (chunk) => {
            feed('err', chunk);
        });
        child.on('error', error => {
            startError = error.message;
            take(error.message);
            finish(-1);
        });
        child.on('close', code => {
            finish(code ?? -1);
        });
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(request.stdin ?? '');
    });
}
function signalGroup(child, signal) {
    if (child.pid === undefined)
        return;
    try {
        process.kill(-child.pid, signal);
    }
    catch {
        try {
            child.kill(signal);
        }
        catch {
            // already gone
        }
    }
}
/** `12.3 s`: how a limit is named in every message about it. */
function seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}
/** The last line that says something, for a one-line reason. */
function lastLine(lines) {
    return ([...lines]
        .reverse()
        .find(line => line.trim() !== '')
        ?.trim() ?? 'no output');
}


/***/ })

};
