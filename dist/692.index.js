export const id = 692;
export const ids = [692,766];
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

/***/ 9148:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CB: () => (/* binding */ readBounded),
/* harmony export */   Cy: () => (/* binding */ readdir),
/* harmony export */   Ip: () => (/* binding */ folderSize),
/* harmony export */   LW: () => (/* binding */ readTextBounded),
/* harmony export */   TP: () => (/* binding */ readTextIfExists),
/* harmony export */   Uz: () => (/* binding */ treeSize),
/* harmony export */   d7: () => (/* binding */ toPosix),
/* harmony export */   dM: () => (/* binding */ removeTree),
/* harmony export */   dN: () => (/* binding */ realPathOf),
/* harmony export */   fu: () => (/* binding */ replaceTree),
/* harmony export */   he: () => (/* binding */ realInside),
/* harmony export */   hu: () => (/* binding */ MAX_INPUT_FILE_BYTES),
/* harmony export */   ip: () => (/* binding */ writePlanFiles)
/* harmony export */ });
/* unused harmony export makeWritable */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// File helpers: the files a plan writes, reading one that may not be there, and for the caches
// sizes, and removing or replacing trees that Go made read-only.



/** Writes a plan's files (private to this user); `contentOf` gives what a file holds (a secret's value, say). */
function writePlanFiles(files, contentOf = file => file.content ?? '') {
    for (const file of files) {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(file.path), { recursive: true });
        node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync(file.path, contentOf(file), { mode: 0o600 });
    }
}
/** A text file's content, or undefined when it cannot be read (not there). */
function readTextIfExists(file) {
    try {
        return node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(file, 'utf8');
    }
    catch {
        return undefined;
    }
}
/** The most a file the inputs name (go.mod, go.sum, the images file) may hold: a few MB, never the runner's memory. */
const MAX_INPUT_FILE_BYTES = 4 * 1024 * 1024;
/**
 * A file the checked-out code chose, read only up to `max` bytes: its bytes, or its size when it is
 * bigger; undefined when it cannot be read, is no regular file (a folder, a device a link leads to)
 * or grows while it is read.
 */
function readBounded(file, max = MAX_INPUT_FILE_BYTES) {
    let fd;
    try {
        fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(file, 'r');
        const stat = node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync(fd);
        if (!stat.isFile())
            return undefined;
        if (stat.size > max)
            return { tooBig: stat.size };
        // One byte more than the size: a file that grows while it is read is not taken.
        const buffer = Buffer.alloc(stat.size + 1);
        let length = 0;
        for (let n = -1; n !== 0 && length <= stat.size; length += n)
            n = node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(fd, buffer, length, stat.size + 1 - length, null);
        if (length > stat.size)
            return undefined;
        return { bytes: buffer.subarray(0, length) };
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}
/** readBounded, as text. */
function readTextBounded(file, max = MAX_INPUT_FILE_BYTES) {
    const read = readBounded(file, max);
    return read && 'bytes' in read ? { text: read.bytes.toString('utf8') } : read;
}
/**
 * The real path (links followed) of a path that may not exist yet: its deepest existing parent's real
 * path with the rest appended.
 */
function realPathOf(p) {
    let probe = node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(p);
    const rest = [];
    while (!node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(probe) && node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(probe) !== probe) {
        rest.unshift(node_path__WEBPACK_IMPORTED_MODULE_2__.basename(probe));
        probe = node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(probe);
    }
    return node_path__WEBPACK_IMPORTED_MODULE_2__.join(node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(probe), ...rest);
}
/** Whether `target` is inside `root` (or is `root`, with `orSame`) once links are followed on both. */
function realInside(root, target, { orSame = false } = {}) {
    const realRoot = realPathOf(root);
    const real = realPathOf(target);
    return (orSame && real === realRoot) || real.startsWith(realRoot === node_path__WEBPACK_IMPORTED_MODULE_2__.sep ? realRoot : `${realRoot}${node_path__WEBPACK_IMPORTED_MODULE_2__.sep}`);
}
/** Files and bytes below a folder, links not followed; a missing folder is empty. */
async function treeSize(dir) {
    const total = { files: 0, bytes: 0 };
    for (const entry of await readdir(dir)) {
        const full = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, entry.name);
        if (entry.isDirectory()) {
            const inner = await treeSize(full);
            total.files += inner.files;
            total.bytes += inner.bytes;
        }
        else if (entry.isFile()) {
            total.files++;
            total.bytes += (await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.lstat(full)).size;
        }
    }
    return total;
}
async function folderSize(dir) {
    return (await treeSize(dir)).bytes;
}
/** The module cache's folders are read-only: make a tree's folders writable so it can be removed. */
async function makeWritable(dir) {
    await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod(dir, 0o755).catch(() => undefined);
    for (const entry of await readdir(dir))
        if (entry.isDirectory())
            await makeWritable(node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, entry.name));
}
async function removeTree(dir) {
    await makeWritable(dir);
    await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm(dir, { recursive: true, force: true });
}
/**
 * Put the tree at `from` where `to` was, never leaving `to` half-made: the new tree is made whole
 * beside it first (a copy when the two are on different file systems), then the two are swapped by
 * renames, and the old one removed. On any failure `to` is as it was.
 */
async function replaceTree(from, to) {
    await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir(node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(to), { recursive: true });
    const stamp = `${process.pid}-${Date.now().toString(36)}`;
    let ready = from;
    if ((await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat(from)).dev !== (await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat(node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(to))).dev) {
        ready = `${to}.new-${stamp}`;
        try {
            await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.cp(from, ready, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        }
        catch (error) {
            await removeTree(ready);
            throw error;
        }
        await removeTree(from);
    }
    const aside = `${to}.old-${stamp}`;
    const had = await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat(to).then(() => true, () => false);
    if (had)
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename(to, aside);
    try {
        await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename(ready, to);
    }
    catch (error) {
        if (had)
            await node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename(aside, to);
        throw error;
    }
    if (had)
        await removeTree(aside);
}
async function readdir(dir) {
    return node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readdir(dir, { withFileTypes: true }).catch(() => []);
}
/** A relative path with `/` separators, as BuildKit and .dockerignore write them. */
function toPosix(p) {
    return p.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/');
}


/***/ }),

/***/ 7692:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPost: () => (/* binding */ runPost)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: ./src/files.ts
var files = __webpack_require__(9148);
// EXTERNAL MODULE: ./src/cache/worker.ts
var worker = __webpack_require__(3766);
;// CONCATENATED MODULE: ./src/cache/save.ts
// Save the Go caches in the post step: only when the key was not an exact hit, and only what the
// build refreshed. Every failure is a warning (or a note, for a key another job saved first).




async function saveGoCaches({ key, paths, limitMs }) {
    const started = Date.now();
    for (const dir of paths)
        external_node_fs_.mkdirSync(dir, { recursive: true });
    const bytes = (await Promise.all(paths.map(files/* folderSize */.Ip))).reduce((a, b) => a + b, 0);
    const done = (saved, note) => ({ key, saved, bytes, seconds: (Date.now() - started) / 1000, note });
    const result = await (0,worker/* runCacheJob */.l)({ op: 'save', paths, key }, { totalMs: limitMs });
    if (result.unavailable)
        return done(false, 'the Actions cache service is not available here');
    if (result.reserveConflict) {
        core/* info */.pq(`Go caches: ${result.error}`);
        return done(false, 'another run saved this key first');
    }
    if (result.error) {
        core/* warning */.$e(`Saving the Go caches failed; the next run will build without them: ${result.error}`);
        return done(false, result.error);
    }
    // The library answers -1 for a save it could not make, and has logged why (at times only as info).
    if (result.cacheId === -1) {
        core/* warning */.$e('Saving the Go caches failed: the cache service did not take the save (see above); the next run will build without them');
        return done(false, 'the cache service did not take the save');
    }
    return done(true);
}

// EXTERNAL MODULE: ./src/run/process.ts
var process = __webpack_require__(8016);
// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
;// CONCATENATED MODULE: ./src/post.ts
// The post step: save the Go caches the build refreshed, log out, clean up. It never fails the job:
// everything it does is cleanup or cache work, whose failures are warnings.





/** Logout and builder removal are local: a short limit. */
const CLEANUP_LIMIT = { totalMs: 60_000 };
async function runPost() {
    let state;
    try {
        state = (0,src_state/* loadPostState */.C)();
    }
    catch (error) {
        core/* warning */.$e(`Post step: the main step's state could not be read (${error.message}); nothing to do`);
        return;
    }
    if (!state)
        return;
    await step('saving the Go caches', () => saveStep(state));
    for (const registry of state.loggedInRegistries ?? [])
        await step('docker logout', () => cleanup(['docker', 'logout', registry]));
    if (state.createdBuilder)
        await step('removing the builder', () => cleanup(['docker', 'buildx', 'rm', state.createdBuilder], /no builder .* found|not found/i));
    if (state.tempDir)
        // eslint-disable-next-line @typescript-eslint/require-await -- step() takes async work; async makes a throw from rmSync a rejection, as before.
        await step('removing the temporary folder', async () => {
            external_node_fs_.rmSync(state.tempDir, { recursive: true, force: true });
        });
}
async function step(what, work) {
    try {
        await work();
    }
    catch (error) {
        core/* warning */.$e(`Post step, ${what}: ${error.message}`);
    }
}
async function saveStep(state) {
    const save = state.goCacheSave;
    if (!save)
        return;
    const saved = await core/* group */.Os('Save the Go caches', () => saveGoCaches(save));
    const mb = (saved.bytes / 1e6).toFixed(1);
    const line = saved.saved ? `Go caches saved under ${saved.key}: ${mb} MB in ${saved.seconds.toFixed(1)} s` : `Go caches not saved (${saved.note})`;
    core/* info */.pq(line);
    await core/* summary */.z.addHeading('Cached Image Build: post step', 3).addRaw(line, true).write();
}
/** A cleanup command; a failure is a warning, unless it says there was nothing to clean (`gone`). */
async function cleanup(argv, gone) {
    const result = await (0,process/* runProcess */.R3)({ argv, limit: CLEANUP_LIMIT });
    if (result.exitCode === 0 || (gone && gone.test(result.tail.join('\n'))))
        return;
    core/* warning */.$e(`${argv.join(' ')} failed: ${result.timedOut ?? (0,process/* lastLine */.fM)(result.tail)}`);
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


/***/ }),

/***/ 2462:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ loadPostState),
/* harmony export */   L: () => (/* binding */ savePostState)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var _step_mark_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9659);
// What the main step leaves for the post step, in one typed place.


function savePostState(state) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(_step_mark_js__WEBPACK_IMPORTED_MODULE_1__/* .STATE_KEY */ .Mq, JSON.stringify(state));
}
function loadPostState() {
    const raw = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(_step_mark_js__WEBPACK_IMPORTED_MODULE_1__/* .STATE_KEY */ .Mq);
    return raw ? JSON.parse(raw) : undefined;
}


/***/ })

};
