export const id = 885;
export const ids = [885,766];
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

/***/ 7885:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ main_run)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
;// CONCATENATED MODULE: ./src/build-inputs.ts
// The inputs of the image build a Config describes, for the inputs hash (context-hash.ts): what the
// config says, the digests the build's images resolve to now, whose filter sends the context, the
// platform built for, the environment, and in prebuild mode what go build reads.

/** The inputs of the image build a Config describes (prebuild's output left out: it is written after the hash, from what goBuild covers). */
function buildInputsOf(config, context = {}) {
    const prebuilt = config.goCache.prebuild ? [external_node_path_.relative(config.context, config.goCache.prebuild.output)] : [];
    return {
        context: config.context,
        dockerfile: config.file,
        buildArgs: config.buildArgs,
        target: '',
        builderTarget: config.builderTarget,
        platforms: config.platforms,
        targetPlatform: context.platform?.target,
        platformProblem: context.platform?.problem,
        buildPlatform: context.platform?.build,
        labels: config.labels,
        network: config.network,
        baseDigests: context.baseDigests ?? {},
        exclude: prebuilt,
        rules: context.rules,
        prebuild: config.goCache.prebuild !== undefined,
        goBuild: context.goBuild,
        env: context.env ?? process.env
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
;// CONCATENATED MODULE: ./src/dockerfile.ts
// What the action needs to know of a Dockerfile, read with a real parser (dockerfile-ast).

function readDockerfile(content) {
    const dockerfile = main.DockerfileParser.parse(content);
    const stages = [];
    const cacheMounts = [];
    const instructions = [];
    const sources = [];
    const adds = [];
    const raw = rawText(content);
    dockerfile.getFROMs().forEach((from, index) => {
        const platform = from.getPlatformFlag()?.getValue() ?? undefined;
        stages.push({
            name: from.getBuildStage()?.toLowerCase() ?? String(index),
            index,
            baseImage: from.getImage() ?? '',
            ...(platform !== undefined ? { platform } : {})
        });
    });
    const fromLines = dockerfile.getFROMs().map(f => f.getRange().start.line);
    for (const instruction of dockerfile.getInstructions()) {
        const stage = stageAt(stages, fromLines, instruction.getRange().start.line);
        instructions.push({ stage, line: instruction.getRange().start.line + 1, text: squash(instruction.toString()) });
        if (instruction.getKeyword() === 'COPY') {
            const from = instruction
                .getFlags()
                .find(f => f.getName() === 'from')
                ?.getValue();
            if (from)
                sources.push({ stage, via: 'COPY', from });
        }
        if (instruction.getKeyword() === 'ADD')
            adds.push(addOf(instruction, stage, raw));
        if (instruction.getKeyword() !== 'RUN')
            continue;
        for (const flag of instruction.getFlags()) {
            if (flag.getName() !== 'mount')
                continue;
            const options = Object.fromEntries(flag.getOptions().map(o => [o.getName(), o.getValue() ?? '']));
            if (options.from)
                sources.push({ stage, via: 'RUN --mount', from: options.from });
            if (options.type !== 'cache' || !options.target)
                continue;
            cacheMounts.push({
                stage,
                // BuildKit uses the target as the id when none is given.
                id: options.id || options.target,
                target: options.target,
                sharing: options.sharing,
                uid: options.uid,
                gid: options.gid
            });
        }
    }
    const globalArgs = {};
    const metaArgs = [];
    for (const arg of dockerfile.getInitialARGs()) {
        const property = arg.getProperty();
        if (property?.getName())
            globalArgs[property.getName()] = property.getValue() ?? '';
        for (const p of arg.getProperties()) {
            const range = p.getValueRange();
            metaArgs.push(range ? { name: p.getName(), value: raw(range) } : { name: p.getName() });
        }
    }
    const syntax = detectSyntax(content);
    return { globalArgs, metaArgs, sources, ...(syntax ? { syntax } : {}), adds, stages, cacheMounts, instructions };
}
/**
 * The sources of an ADD: every word but the last (the destination), JSON form or not; the `<<NAME`
 * words of heredocs and the lines of their bodies left out (their bytes are the Dockerfile's own).
 */
function addOf(instruction, stage, raw) {
    const line = instruction.getRange().start.line + 1;
    const checksum = instruction
        .getFlags()
        .find(f => f.getName() === 'checksum')
        ?.getValue();
    const json = instruction.getJSONStrings();
    let words;
    if (json.length > 0) {
        // getValue() of a JSON string drops its spaces: the raw text, parsed, is the word.
        words = json.map(s => JSON.parse(raw(s.getRange())));
    }
    else {
        const bodyStart = Math.min(...instruction.getHeredocs().map(h => (h.getContentRange() ?? h.getDelimiterRange())?.start.line ?? Infinity));
        words = instruction
            .getArguments()
            .filter(a => a.getRange().start.line < bodyStart)
            .map(a => a.getValue());
    }
    const sources = words.slice(0, -1).filter(w => !w.startsWith('<<'));
    return { stage, line, sources, ...(checksum != null ? { checksum } : {}) };
}
/** The text of a range, line continuations (`\` + newline) taken out as BuildKit's parser does. */
function rawText(content) {
    const starts = [0];
    for (const match of content.matchAll(/\r\n|\r|\n/g))
        starts.push(match.index + match[0].length);
    const offset = (p) => (starts[p.line] ?? content.length) + p.character;
    return range => content.slice(offset(range.start), offset(range.end)).replace(/\\\r?\n/g, '');
}
/**
 * The frontend image of the Dockerfile's syntax directive: BuildKit's parser.DetectSyntax (after a
 * BOM and a `#!` line, the leading `#` comments, then `//` ones, then a JSON document's "syntax").
 */
function detectSyntax(content) {
    let text = content.replace(/^\uFEFF/, '');
    const firstLine = text.split('\n', 1)[0];
    if (firstLine.startsWith('#!'))
        text = text.slice(firstLine.length + 1);
    const lines = text.split('\n').map(l => l.replace(/\r$/, ''));
    for (const comment of ['#', '//']) {
        const value = directive(lines, comment);
        if (value !== undefined)
            return value.split(' ')[0];
    }
    try {
        const json = JSON.parse(text);
        if (json && typeof json === 'object' && typeof json.syntax === 'string')
            return json.syntax;
    }
    catch {
        // not JSON
    }
    return undefined;
}
/** DirectiveParser.ParseAll: directives until the first line that is not one; the syntax value. */
function directive(lines, comment) {
    const seen = new Set();
    for (const line of lines) {
        if (!line.startsWith(comment))
            return undefined;
        const match = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line.slice(comment.length).replace(/^\s+/, ''));
        if (!match)
            return undefined;
        const key = match[1].toLowerCase();
        if (!['syntax', 'escape', 'check'].includes(key) || seen.has(key))
            return undefined;
        seen.add(key);
        if (key === 'syntax')
            return match[2];
    }
    return undefined;
}
function stageAt(stages, fromLines, line) {
    let current = stages[0]?.name ?? '0';
    fromLines.forEach((fromLine, i) => {
        if (fromLine <= line)
            current = stages[i].name;
    });
    return current;
}
function hasStage(facts, name) {
    return facts.stages.some(stage => stage.name === name.toLowerCase());
}
/** The Dockerfile line of a step BuildKit reported as `[stage i/n] INSTRUCTION`. */
function lineOfStep(facts, stage, instruction) {
    const text = squash(instruction);
    const inStage = facts.instructions.filter(i => i.stage === stage || (/^stage-\d+$/.test(stage) && i.stage === stage.slice(6)));
    return inStage.find(i => i.text === text)?.line;
}
function squash(text) {
    return text.replace(/\s+/g, ' ').trim();
}

;// CONCATENATED MODULE: ./src/inputs.ts
// Parsing of the raw strings that GitHub hands an action as inputs. Pure: no I/O.
/** An input that failed validation: the message always names the input and what would be valid. */
class InputError extends Error {
    input;
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
        this.name = 'InputError';
    }
}
/**
 * A list input. Items are separated by newlines and, unless `commas` is false, by commas
 * (build-args and labels keep commas inside values, as docker/build-push-action does).
 * Blank items and lines starting with '#' are dropped.
 */
function parseList(raw, { commas = true } = {}) {
    const lines = raw.split(/\r?\n/);
    const items = commas ? lines.flatMap(line => line.split(',')) : lines;
    return items.map(item => item.trim()).filter(item => item !== '' && !item.startsWith('#'));
}
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them, with a default. */
function parseBoolean(input, raw, fallback) {
    const value = raw.trim();
    if (value === '')
        return fallback;
    if (TRUE.has(value))
        return true;
    if (FALSE.has(value))
        return false;
    throw new InputError(input, `'${value}' is not a boolean; use true or false`);
}
function parseChoice(input, raw, choices, fallback) {
    const value = raw.trim();
    if (value === '')
        return fallback;
    if (choices.includes(value))
        return value;
    throw new InputError(input, `'${value}' is not one of ${choices.join(', ')}`);
}
/** `KEY=VALUE` items (build-args, labels, secrets). The key may not be empty. */
function parseKeyValues(input, raw, { secret = false } = {}) {
    return parseList(raw, { commas: false }).map(item => {
        const eq = item.indexOf('=');
        if (eq <= 0)
            throw new InputError(input, `'${secret ? redact(item) : item}' is not KEY=VALUE`);
        return { key: item.slice(0, eq).trim(), value: item.slice(eq + 1) };
    });
}
/** Show where an item went wrong without echoing what might be a secret value. */
function redact(item) {
    return `${item.slice(0, 3)}… (${item.length} characters)`;
}

;// CONCATENATED MODULE: ./src/reference.ts
// Image references, by the grammar of distribution/reference (the spec every registry client uses).
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
/**
 * Parse a repository (an image name without tag or digest). The first path component is a
 * registry only when it looks like a host (has a dot or a port, or is localhost), as docker does.
 */
function parseRepository(value) {
    if (value.length > 255)
        return undefined;
    const slash = value.indexOf('/');
    const first = slash > 0 ? value.slice(0, slash) : '';
    const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
    if (hasRegistry && !DOMAIN_RE.test(first))
        return undefined;
    if (!PATH_RE.test(hasRegistry ? value.slice(slash + 1) : value))
        return undefined;
    return { name: value, registry: hasRegistry ? first : 'docker.io' };
}
function isValidTag(tag) {
    return TAG.test(tag);
}
/** Split `repo:tag` into its parts; the colon of a registry port is not a tag separator. */
function splitTaggedRef(ref) {
    const slash = ref.lastIndexOf('/');
    const colon = ref.lastIndexOf(':');
    if (colon <= slash)
        return undefined;
    return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

;// CONCATENATED MODULE: ./src/secrets.ts
// BuildKit secrets as the `secrets` input holds them, and the masking of every secret value before
// anything else reads the inputs. Pure but for the mask callback.

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
/** Shorter values mask every such string in the log and are easy to guess: a warning. */
const SHORT_SECRET = 4;
/**
 * `ID=VALUE` a line, or a block for a value of several lines (a PEM key):
 *   ID<<EOF
 *   …lines…
 *   EOF
 * Errors never show a value.
 */
function parseSecrets(raw) {
    const lines = raw.split(/\r?\n/);
    const secrets = [];
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        const block = /^\s*([^=<\s]+)<<(\S+)\s*$/.exec(line);
        if (block) {
            const end = lines.findIndex((l, j) => j > i && l.trim() === block[2]);
            if (end < 0)
                throw new InputError('secrets', `the block of secret '${block[1]}' has no closing line '${block[2]}'`);
            secrets.push({ id: checkedId(block[1]), value: lines.slice(i + 1, end).join('\n') });
            i = end;
            continue;
        }
        const eq = line.indexOf('=');
        if (eq <= 0)
            throw new InputError('secrets', `line ${i + 1} is not ID=VALUE nor ID<<EOF (${line.length} characters, not shown)`);
        secrets.push({ id: checkedId(line.slice(0, eq).trim()), value: line.slice(eq + 1) });
    }
    const seen = new Set();
    for (const { id } of secrets) {
        if (seen.has(id))
            throw new InputError('secrets', `secret id '${id}' is given twice`);
        seen.add(id);
    }
    return secrets;
}
function checkedId(id) {
    if (!SECRET_ID.test(id))
        throw new InputError('secrets', `secret id '${id}' may only have letters, digits, '.', '_' and '-'`);
    return id;
}
/**
 * Every string of a secret input that could reach the log, before any validation can echo one: each
 * line of the raw text, each value after `=`, each line of a value. Returns the short ones (for a
 * warning that names the input, never the value).
 */
function maskSecretInputs(raw, mask) {
    const short = new Set();
    const add = (value, input) => {
        const v = value.trim();
        if (v === '')
            return;
        mask(v);
        if (v.length < SHORT_SECRET)
            short.add(input);
    };
    for (const line of raw.password.split(/\r?\n/))
        add(line, 'registry-password');
    let delimiter;
    for (const line of raw.secrets.split(/\r?\n/)) {
        if (delimiter !== undefined) {
            if (line.trim() === delimiter)
                delimiter = undefined;
            else
                add(line, 'secrets');
            continue;
        }
        const block = /^\s*[^=<\s]+<<(\S+)\s*$/.exec(line);
        if (block)
            delimiter = block[1];
        else if (line.trim().startsWith('#'))
            continue;
        else if (line.indexOf('=') > 0)
            add(line.slice(line.indexOf('=') + 1), 'secrets');
        // Not ID=VALUE: the whole line may be a value given the wrong way.
        else
            add(line, 'secrets');
    }
    return { short: [...short] };
}

;// CONCATENATED MODULE: ./src/tags.ts
// Tag names: the branch part of cache tags, bare tags made valid, and the names users may not take.
// Pure.

/** The longest slug kept of a branch name; the hash keeps long names apart. */
const SLUG_LENGTH = 40;
const TAG_LENGTH = 128;
/** Hex digits of the branch name's SHA-256 in its suffix: 64 bits, so no branch can be named to meet another's. */
const BRANCH_HASH_LENGTH = 16;
/**
 * The part a branch adds to cache tag names: a slug that is valid in any tag, and a hash of the
 * exact name, so `feature/login` and `feature-login` stay apart: `feature-login-1a2b3c4d5e6f7a8b`.
 */
function branchSuffix(branch) {
    const slug = tagShaped(branch.toLowerCase(), SLUG_LENGTH).replace(/[.-]+$/, '') || 'branch';
    return `${slug}-${(0,external_node_crypto_.createHash)('sha256').update(branch).digest('hex').slice(0, BRANCH_HASH_LENGTH)}`;
}
/**
 * A cache tag's name: the plain name for the default branch, with the branch suffix otherwise. A tag
 * holds at most 128 characters: the slug is cut to fit, never the hash (which keeps branches apart).
 */
function scopedTag(name, suffix) {
    if (!suffix)
        return name;
    const whole = `${name}-${suffix}`;
    if (whole.length <= TAG_LENGTH)
        return whole;
    const hash = suffix.slice(-BRANCH_HASH_LENGTH);
    const slug = suffix.slice(0, -BRANCH_HASH_LENGTH - 1);
    // NAME-SLUG-HASH: what is left for the slug once the name, the hash and both dashes are in.
    const room = TAG_LENGTH - name.length - BRANCH_HASH_LENGTH - 2;
    const cut = slug.slice(0, Math.max(0, room)).replace(/[.-]+$/, '');
    if (cut)
        return `${name}-${cut}-${hash}`;
    return `${name.slice(0, TAG_LENGTH - BRANCH_HASH_LENGTH - 1)}-${hash}`;
}
/** A tag with the shape of a commit SHA (7 to 64 hex digits), as the commit tags are. */
function commitShapedTag(tag) {
    return /^[0-9a-f]{7,64}$/.test(tag);
}
const VALID_TAG = /^[\w][\w.-]{0,127}$/;
/**
 * A bare tag made valid: `feature/login` → `feature-login`, `7/merge` (a pull request's ref name)
 * → `pr-7`; other characters a tag cannot hold become `-`. Undefined when nothing is left.
 */
function validTag(raw) {
    const pull = /^(\d+)\/(merge|head)$/.exec(raw);
    if (pull)
        return `pr-${pull[1]}`;
    if (VALID_TAG.test(raw))
        return raw;
    const made = tagShaped(raw, TAG_LENGTH);
    return VALID_TAG.test(made) ? made : undefined;
}
/**
 * Text in a tag's shape, at most `max` long: each run of characters a tag cannot hold becomes one
 * `-`, and no `.` or `-` leads. The one rule for both the branch slugs and the bare tags.
 */
function tagShaped(text, max) {
    return text
        .replace(/[^\w.-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^[.-]+/, '')
        .slice(0, max);
}
/**
 * Why a tag may not be given in `tags`, when so: latest has its own input, and the cache tags are the
 * action's own (the plain names and the branch-scoped ones of the form NAME-slug-hash16, or NAME-hash16
 * when no room is left for the slug).
 */
function reservedTag(tag, cacheNames) {
    if (tag === 'latest')
        return "latest moves by the trust rules: use the input 'latest' (auto, true or false)";
    for (const name of cacheNames) {
        if (tag === name || new RegExp(`^${escapeRegExp(name)}-(?:[a-z0-9._-]*-)?[0-9a-f]{${BRANCH_HASH_LENGTH}}$`).test(tag)) {
            return `'${tag}' is a cache tag of the action (${name}, or ${name}-<branch>-<hash> for a branch); pick another name`;
        }
    }
    return undefined;
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

;// CONCATENATED MODULE: ./src/cache/go-cache.ts
/**
 * The file in each Go cache mount that names the key of the caches the mount holds: written when the
 * action fills a mount from an exact hit, or reads it back for a save. A builder whose mounts all name
 * this run's key (a self-hosted runner, a remote BuildKit) needs neither the restore nor the fill.
 * The runner's own Go folders carry it too (after an exact restore, or once they hold what is saved):
 * in prebuild mode, folders that name the key (a self-hosted runner) need no restore.
 */
const MOUNT_MARKER = '.cached-image-build-key';
/**
 * The cache mounts that hold a Go cache. `auto` knows them by where they are mounted: GOMODCACHE
 * ends in pkg/mod, GOCACHE is a go-build folder (the defaults of the official golang images).
 */
function goMounts(dockerfile, setting) {
    if (setting === 'off')
        return [];
    const seen = new Set();
    const found = [];
    for (const mount of dockerfile.cacheMounts) {
        if (seen.has(mount.id))
            continue;
        const kind = setting === 'auto' ? kindByTarget(mount.target) : setting.find(m => m.id === mount.id)?.kind;
        if (!kind)
            continue;
        seen.add(mount.id);
        found.push({ mount, kind });
    }
    return found;
}
function kindByTarget(target) {
    const t = target.replace(/\/+$/, '');
    if (/(^|\/)pkg\/mod$/.test(t))
        return 'mod';
    if (/(^|\/)go-build$/.test(t) || /(^|\/)gocache$/i.test(t))
        return 'build';
    return undefined;
}
/**
 * One entry holds both caches, keyed on what decides their content: the platform, the Go version
 * of the build and the dependency files. After a go.sum change the newest entry of the same Go
 * version is restored (partial), and the build adds only what changed.
 */
function goCacheKey(parts) {
    const prefix = `cached-image-build-go-${parts.os}-${parts.arch}-${parts.goVersion}-`;
    return {
        key: `${prefix}${parts.depsHash}`,
        restoreKeys: [prefix],
        deltaPrefix: `cached-image-build-godelta-${parts.os}-${parts.arch}-${parts.goVersion}-${parts.depsHash}-`
    };
}
/**
 * Against drift: the entry of a key is never written again (entries are immutable), while the code
 * moves on and each one-line change compiles more of what changed since. So a run after an exact
 * hit saves a small delta entry: the GOCACHE files it compiled or used that the key's entry lacks.
 * The next run restores the newest delta of the same key with it. Its own folder beside GOCACHE
 * (stable, as a cache entry's paths must be).
 */
function deltaDirOf(dirs) {
    return `${dirs.build.replace(/[\\/]+$/, '')}-delta`;
}
/** `1.26`, `1.26.3-bookworm`, `go1.26` → `go1.26` / `go1.26.3`; anything else is not a Go version. */
function goVersionOfTag(tag) {
    const match = /^(?:go)?(\d+\.\d+(?:\.\d+)?)/.exec(tag ?? '');
    return match ? `go${match[1]}` : undefined;
}
/** The `go` line of a go.mod: the least Go version the module builds with. */
function goVersionOfGoMod(goMod) {
    const match = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod);
    return match ? `go${match[1]}` : undefined;
}
/** Expand `$VAR` and `${VAR}` with the Dockerfile's global ARG defaults overridden by build args. */
function expandArgs(text, args) {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => args[a ?? b] ?? '');
}
/** Whether every mount's marker (read from the builder, in mount order) names this key. */
function mountsHoldKey(markers, key) {
    return markers.length > 0 && markers.every(marker => marker?.trim() === key);
}
/** Cache services may store keys in lower case (act's does); @actions/cache compares without case too. */
function classifyHit(key, matched) {
    if (matched === undefined)
        return 'miss';
    return matched.toLowerCase() === key.toLowerCase() ? 'exact' : 'partial';
}

// EXTERNAL MODULE: ./src/files.ts
var src_files = __webpack_require__(9148);
;// CONCATENATED MODULE: ./src/labels.ts
// The labels the action sets on every image: what it was built from. Users may not override them.

/** The commit the image was built from (read back to keep latest from moving backwards). */
const REVISION_LABEL = 'org.opencontainers.image.revision';
const CREATED_LABEL = 'org.opencontainers.image.created';
const SOURCE_LABEL = 'org.opencontainers.image.source';
/** The hash of everything the build saw (src/context-hash.ts): equal hashes, equal images. */
const INPUTS_LABEL = 'io.github.cached-image-build.inputs';
/**
 * The inputs label's value when the hash could not be made: never a hash (those are hex), never
 * another run's. The label is always there, so no image ever lacks it and every image says so.
 */
function unknownInputsHash() {
    return `unknown-${(0,external_node_crypto_.randomBytes)(16).toString('hex')}`;
}
const ACTION_LABELS = [REVISION_LABEL, CREATED_LABEL, SOURCE_LABEL, INPUTS_LABEL];

;// CONCATENATED MODULE: ./src/loopback.ts
// Whether an address is on this machine's loopback (127.0.0.0/8, localhost, [::1]): the one answer
// for registries (which the engine and the registry client reach over plain HTTP there) and for
// BuildKit endpoints (which the action may share with the runner's own builds).
/** `host` or `host:port`, as a registry or URL host is written; an IPv6 host in brackets. */
function isLoopbackHost(hostAndPort) {
    const host = hostAndPort.replace(/:\d+$/, '');
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
/** A `tcp://host[:port]` address on the loopback; any other scheme is not. */
function isLoopbackEndpoint(endpoint) {
    const host = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(endpoint)?.[1];
    return host !== undefined && isLoopbackHost(host);
}

;// CONCATENATED MODULE: ./src/config.ts
// Every input is read and checked here, before any command runs. Pure but for reading the files the
// inputs name (the Dockerfile, the context's folders).












const CACHE_STRATEGIES = ['auto', 'pull', 'buildx'];
/** The latest input; the trust rules (trust.ts) decide what each means for a run. */
const LATEST_SETTINGS = ['auto', 'true', 'false'];
/** The name of the buildx path's registry cache tag (the default branch's; branches add a suffix). */
const BUILDX_CACHE_TAG = 'buildcache';
const COMMIT = /^[0-9a-f]{7,64}$/;
/** A buildx builder's name (buildx's own rule); it names a file of buildx's state. */
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENDPOINT = /^(tcp|unix|docker-container|kube-pod|ssh):\/\/\S+$/;
/** BuildKit runs RUN steps in these network modes only. */
const NETWORKS = ['default', 'none', 'host'];
const ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
function readConfig(input, { env, workspace }) {
    const notes = [];
    const image = readImage(input('image').trim());
    const context = external_node_path_.resolve(workspace, input('context').trim() || '.');
    if (!isDirectory(context))
        throw new InputError('context', `'${context}' is not a directory`);
    if (!(0,src_files/* realInside */.he)(workspace, context, { orSame: true }))
        throw outsideWorkspace('context', context, workspace);
    const file = external_node_path_.resolve(context, input('file').trim() || 'Dockerfile');
    if (!isFile(file))
        throw new InputError('file', `'${file}' does not exist or is not a file`);
    if (!(0,src_files/* realInside */.he)(workspace, file))
        throw outsideWorkspace('file', file, workspace);
    const dockerfile = readDockerfile(external_node_fs_.readFileSync(file, 'utf8'));
    const builderTarget = readBuilderTarget(input, dockerfile, file);
    const extraTags = parseList(input('tags')).map(tag => fullTag(image.name, tag, builderTarget, notes));
    const commit = readCommit(input('commit').trim(), env);
    const allowUntrustedOnBuilder = parseBoolean('allow-untrusted-on-builder', input('allow-untrusted-on-builder'), false);
    const secrets = parseSecrets(input('secrets'));
    const login = readLogin(input, image, extraTags, notes);
    const { builder, buildkitEndpoint, cacheStrategy } = readBuilder(input);
    const platforms = readPlatforms(input('platforms'), cacheStrategy);
    const network = input('network').trim();
    if (network !== '' && !NETWORKS.includes(network)) {
        throw new InputError('network', `'${network}' is not one of ${NETWORKS.join(', ')}: BuildKit runs RUN steps in no other network`);
    }
    const buildArgs = uniqueKeys('build-args', parseKeyValues('build-args', input('build-args')));
    const labels = uniqueKeys('labels', parseKeyValues('labels', input('labels')), { labels: true });
    for (const label of labels) {
        const key = label.slice(0, label.indexOf('='));
        if (ACTION_LABELS.includes(key))
            throw new InputError('labels', `'${key}' is set by the action itself (it says what the image was built from)`);
    }
    const goCache = readGoCacheConfig(input, context, dockerfile, builderTarget, notes);
    const pullPrevious = parseBoolean('pull-previous', input('pull-previous'), false);
    const noCache = parseBoolean('no-cache', input('no-cache'), false);
    const push = parseBoolean('push', input('push'), true);
    const copyUnchanged = parseBoolean('copy-unchanged', input('copy-unchanged'), true);
    if (pullPrevious && noCache)
        notes.push('pull-previous is ignored: no-cache reads no cache, so nothing is pulled');
    else if (pullPrevious && cacheStrategy === 'buildx')
        notes.push('pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing');
    if (copyUnchanged && (noCache || !push)) {
        notes.push(`copy-unchanged is ignored: ${noCache ? 'no-cache builds every step again' : 'push is false, so there is nothing to copy to'}`);
    }
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return {
        image,
        workspace: external_node_path_.resolve(workspace),
        context,
        file,
        dockerfile,
        builderTarget,
        extraTags,
        platforms,
        push,
        latest: parseChoice('latest', input('latest'), LATEST_SETTINGS, 'auto'),
        copyUnchanged,
        pullPrevious,
        buildArgs,
        labels,
        secrets,
        network: network === '' ? undefined : network,
        noCache,
        cacheStrategy,
        builder,
        buildkitEndpoint,
        login,
        commit,
        commitGiven: input('commit').trim() !== '',
        allowUntrustedOnBuilder,
        source: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined,
        goCache,
        timeouts: {
            lookupMs: readSeconds(input, 'lookup-timeout', 30) * 1000,
            idleMs: readSeconds(input, 'idle-timeout', 600) * 1000
        },
        parallel: readParallel(input('parallel')),
        notes
    };
}
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
function readPlatforms(raw, cacheStrategy) {
    const platforms = parseList(raw);
    const seen = new Set();
    for (const platform of platforms) {
        if (!PLATFORM.test(platform))
            throw new InputError('platforms', `'${platform}' is not a platform (os/arch or os/arch/variant, e.g. linux/arm64)`);
        if (seen.has(platform))
            throw new InputError('platforms', `'${platform}' is given twice`);
        seen.add(platform);
    }
    if (platforms.length && cacheStrategy === 'pull') {
        throw new InputError('platforms', 'the pull path (docker build on the classic image store) builds one platform: use cache-strategy auto or buildx with a builder that builds several (docker/setup-buildx-action) or an engine with the containerd image store');
    }
    return platforms;
}
function readImage(raw) {
    if (raw === '')
        throw new InputError('image', 'is required: the repository to push, without tag, e.g. ghcr.io/acme/api');
    if (/[:@]/.test(raw.slice(raw.indexOf('/') + 1)) && parseRepository(raw) === undefined) {
        throw new InputError('image', `'${raw}' has a tag or digest; give the repository only (the action chooses the tags)`);
    }
    const image = parseRepository(raw);
    if (!image)
        throw new InputError('image', `'${raw}' is not a valid repository name (lower case, e.g. ghcr.io/acme/api)`);
    return image;
}
function readBuilderTarget(input, dockerfile, file) {
    const raw = input('builder-target').trim();
    if (/^\d+$/.test(raw))
        throw new InputError('builder-target', `'${raw}' is a stage index; name the stage (FROM … AS builder) and give its name`);
    const target = raw || 'builder';
    // Prebuild mode may package binaries built on the runner, with no stage that compiles.
    if (input('prebuild').trim() !== '' && raw === '' && !hasStage(dockerfile, target))
        return '';
    if (!hasStage(dockerfile, target) || /^\d+$/.test(target)) {
        const named = dockerfile.stages.filter(s => s.name !== String(s.index)).map(s => s.name);
        throw new InputError('builder-target', `the Dockerfile ${file} defines no stage '${target}' (named stages: ${named.join(', ') || 'none'})`);
    }
    return target.toLowerCase();
}
function readCommit(commitInput, env) {
    const commit = commitInput || (env.GITHUB_SHA ?? '').trim();
    if (!COMMIT.test(commit)) {
        throw new InputError(commitInput ? 'commit' : 'GITHUB_SHA', commit === ''
            ? 'is not set: the action tags the image with the commit, so it runs inside a workflow (or set GITHUB_SHA, or the commit input)'
            : `'${commit}' is not a commit SHA`);
    }
    return commit;
}
function readLogin(input, image, extraTags, notes) {
    const username = input('registry-username').trim();
    const password = input('registry-password');
    if ((username === '') !== (password === '')) {
        throw new InputError(username === '' ? 'registry-username' : 'registry-password', 'registry-username and registry-password go together: give both, or neither to use an earlier docker login');
    }
    const others = [
        ...new Set(extraTags.map(tag => parseRepository(tag.slice(0, tag.lastIndexOf(':')))?.registry).filter(r => r && r !== image.registry))
    ];
    if (others.length) {
        notes.push(`tags on ${others.join(', ')}: the action logs in to ${image.registry} only; those pushes use the runner's own docker login`);
    }
    return username === '' ? undefined : { registry: image.registry, username, password };
}
function readBuilder(input) {
    const builder = input('builder').trim();
    if (builder !== '' && !BUILDER_NAME.test(builder)) {
        throw new InputError('builder', `'${builder}' is not a buildx builder name (letters, digits, '.', '_', '-')`);
    }
    const endpoint = input('buildkit-endpoint').trim();
    if (endpoint !== '' && !ENDPOINT.test(endpoint)) {
        throw new InputError('buildkit-endpoint', `'${endpoint}' is not a BuildKit address: use tcp://HOST:PORT, unix:///PATH, docker-container://NAME or kube-pod://NAME`);
    }
    if (/^tcp:\/\//.test(endpoint) && !isLoopbackEndpoint(endpoint)) {
        throw new InputError('buildkit-endpoint', `'${endpoint}' is plain TCP to another machine: the build context and secrets would cross the network unencrypted. Use docker/setup-buildx-action with a remote driver and TLS (driver-opts cacert, cert, key), then pass its builder name as 'builder'`);
    }
    if (builder !== '' && endpoint !== '') {
        throw new InputError('buildkit-endpoint', 'give builder or buildkit-endpoint, not both: the action creates its own builder for an endpoint');
    }
    const cacheStrategy = parseChoice('cache-strategy', input('cache-strategy'), CACHE_STRATEGIES, 'auto');
    if (cacheStrategy === 'pull' && (builder !== '' || endpoint !== '')) {
        throw new InputError(builder !== '' ? 'builder' : 'buildkit-endpoint', 'the pull path builds with docker build on the engine and uses no buildx builder; set cache-strategy to auto or buildx');
    }
    return { builder: builder || undefined, buildkitEndpoint: endpoint || undefined, cacheStrategy };
}
function readParallel(raw) {
    const value = raw.trim();
    if (value === '')
        return Math.max(1, external_node_os_.availableParallelism());
    if (!/^[1-9][0-9]*$/.test(value) || Number(value) > 64)
        throw new InputError('parallel', `'${value}' is not a number of builds at once (1 to 64)`);
    return Number(value);
}
function readSeconds(input, name, fallback) {
    const raw = input(name).trim();
    if (raw === '')
        return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > 6 * 3600)
        throw new InputError(name, `'${raw}' is not a number of seconds (more than 0, at most 21600)`);
    return value;
}
/** KEY=VALUE items with keys that are valid and given once. */
function uniqueKeys(input, items, { labels = false } = {}) {
    const seen = new Set();
    for (const { key } of items) {
        if (/\s/.test(key) || (!labels && !ARG_KEY.test(key))) {
            throw new InputError(input, `key '${key}' is not valid (${labels ? 'no spaces' : 'letters, digits and _, not starting with a digit'})`);
        }
        if (seen.has(key))
            throw new InputError(input, `key '${key}' is given twice`);
        seen.add(key);
    }
    return items.map(({ key, value }) => `${key}=${value}`);
}
const KINDS = { mod: 'mod', gomodcache: 'mod', build: 'build', gocache: 'build' };
function readGoCacheConfig(input, context, dockerfile, builderTarget, notes) {
    const mode = parseChoice('go-cache', input('go-cache').trim().toLowerCase(), ['true', 'false', 'read-only'], 'true');
    const enabled = mode !== 'false';
    const dependencyPaths = parseList(input('go-cache-dependency-path') || '**/go.sum');
    for (const pattern of dependencyPaths) {
        if (pattern.startsWith('!'))
            throw new InputError('go-cache-dependency-path', `'${pattern}': exclusions are not supported; list the files to hash`);
        if (external_node_path_.isAbsolute(pattern) || external_node_path_.normalize(pattern).split(external_node_path_.sep)[0] === '..') {
            throw new InputError('go-cache-dependency-path', `'${pattern}' is outside the context ${context}; give globs relative to it`);
        }
    }
    const mounts = readGoMounts(input('go-cache-mounts').trim() || 'auto', dockerfile);
    const packages = parseList(input('prebuild'));
    for (const pkg of packages) {
        if (pkg.startsWith('-'))
            throw new InputError('prebuild', `'${pkg}' starts with '-': give Go packages (./cmd/...), not go build flags`);
    }
    const outputRaw = input('prebuild-output').trim();
    const output = external_node_path_.resolve(context, outputRaw || '.prebuilt');
    if (packages.length && !(0,src_files/* realInside */.he)(context, output)) {
        throw new InputError('prebuild-output', `'${outputRaw || '.prebuilt'}' must be a folder inside the context (${context}), where the Dockerfile can COPY from`);
    }
    if (outputRaw && !packages.length)
        notes.push('prebuild-output is ignored: prebuild is empty');
    if (packages.length && mounts !== 'off' && goMounts(dockerfile, mounts).length) {
        notes.push("prebuild mode: the Go caches go to go build on the runner; the Dockerfile's Go cache mounts are not filled");
    }
    if (!enabled && (input('go-cache-dependency-path').trim() || input('go-cache-mounts').trim())) {
        notes.push('go-cache-dependency-path and go-cache-mounts are ignored: go-cache is false');
    }
    const hasGoMod = isFile(external_node_path_.join(context, 'go.mod'));
    return {
        enabled: enabled && hasGoMod,
        save: mode === 'true',
        skipped: !enabled ? 'go-cache: false' : hasGoMod ? undefined : `the context ${context} has no go.mod`,
        dependencyPaths,
        mounts,
        prebuild: packages.length ? { packages, output } : undefined
    };
}
function readGoMounts(raw, dockerfile) {
    if (raw === 'auto' || raw === 'off')
        return raw;
    const ids = [...new Set(dockerfile.cacheMounts.map(m => m.id))];
    return parseKeyValues('go-cache-mounts', raw).map(({ key, value }) => {
        const kind = KINDS[value.trim().toLowerCase()];
        if (!kind)
            throw new InputError('go-cache-mounts', `'${key}=${value}': the cache must be mod (GOMODCACHE) or build (GOCACHE)`);
        if (!ids.includes(key)) {
            const near = ids.find(id => id.toLowerCase() === key.toLowerCase());
            throw new InputError('go-cache-mounts', near
                ? `'${key}': cache mount ids are case-sensitive; the Dockerfile has '${near}'`
                : `'${key}' is not the id of a cache mount in the Dockerfile (ids: ${ids.join(', ') || 'none'})`);
        }
        return { id: key, kind };
    });
}
/** A path the build would read that leads out of the workspace (by `..`, an absolute path or a link). */
function outsideWorkspace(input, target, workspace) {
    const real = (0,src_files/* realPathOf */.dN)(target);
    return new InputError(input, `'${target}'${real !== target ? ` (${real}, links followed)` : ''} is outside the workspace ${workspace}: the build reads only the repository checked out there`);
}
/**
 * A bare tag goes on the image, made valid (`feature/login` → `feature-login`, `7/merge` → `pr-7`);
 * a full reference must be a valid repository with a valid tag. The action's own tags are refused.
 */
function fullTag(image, item, builderTarget, notes) {
    const tagged = splitTaggedRef(item);
    if (tagged && item.includes('/')) {
        if (!parseRepository(tagged.repository) || !isValidTag(tagged.tag)) {
            throw new InputError('tags', `'${item}' is not a valid image reference (repository:tag)`);
        }
        const reserved = tagged.repository === image ? reservedTag(tagged.tag, cacheTagNames(builderTarget)) : undefined;
        if (reserved)
            throw new InputError('tags', reserved);
        if (commitShapedTag(tagged.tag))
            throw commitShaped(item);
        return item;
    }
    const tag = validTag(item);
    if (!tag)
        throw new InputError('tags', `'${item}' cannot be made a valid tag (letters, digits, '_', '.', '-'; at most 128)`);
    if (commitShapedTag(tag))
        throw commitShaped(item, tag);
    if (tag !== item)
        notes.push(`tag '${item}' is pushed as '${tag}' (a tag may hold only letters, digits, '_', '.' and '-')`);
    const reserved = reservedTag(tag, cacheTagNames(builderTarget));
    if (reserved)
        throw new InputError('tags', reserved);
    return `${image}:${tag}`;
}
/** A tag shaped like a commit SHA would overwrite the commit tag of another build. */
function commitShaped(item, tag = item) {
    return new InputError('tags', `'${item}'${tag !== item ? ` (pushed as '${tag}')` : ''} has the shape of a commit SHA (7 to 64 hex digits): it would overwrite the commit tag of another build. A ref name is anyone's choice who may push a branch: tag with release names or fixed names only`);
}
/** The action's cache tag names, which `tags` may not take. */
function cacheTagNames(builderTarget) {
    return [BUILDX_CACHE_TAG, ...(builderTarget ? [builderTarget] : [])];
}
function isDirectory(p) {
    return external_node_fs_.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
function isFile(p) {
    return external_node_fs_.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

;// CONCATENATED MODULE: ./src/build-platform.ts
// The platform a build without `platforms` builds for, and the builder's own (for $BUILDPLATFORM),
// found without starting anything: from the environment docker sees and the state files of the
// docker CLI (config.json, its contexts) and of buildx (its builders). The builder's own platform is
// known only when the build happens on this machine: then it is this machine's. Pure but for
// readBuildPlatform, which reads the files.






/** The docker CLI's engine when neither DOCKER_HOST nor a context names one. */
const DEFAULT_HOST = 'unix:///var/run/docker.sock';
/** The platform built for and the builder's, from the environment and the state files (pure). */
function resolveBuildPlatform(sources) {
    const native = nativePlatform(sources.arch, sources.endianness);
    const state = new DockerState(sources);
    const elsewhere = native === undefined ? `this machine's architecture ${sources.arch} has no platform name here` : state.remoteBuilder();
    const build = elsewhere === undefined ? native : undefined;
    // buildx and docker build both take --platform's default from it.
    const preset = sources.env.DOCKER_DEFAULT_PLATFORM?.trim();
    if (preset)
        return { target: preset, ...(build ? { build } : {}) };
    return build ? { target: build, build } : { problem: elsewhere };
}
/** resolveBuildPlatform over the files of this machine, for the build a config describes. */
function readBuildPlatform(config, env) {
    return resolveBuildPlatform({
        env,
        home: env.HOME || external_node_os_.homedir(),
        arch: external_node_os_.arch(),
        endianness: external_node_os_.endianness(),
        config,
        read: src_files/* readTextIfExists */.TP
    });
}
/** This machine's platform as BuildKit names it by default (Go's arch names; 32-bit arm as v7). */
function nativePlatform(arch, endianness) {
    const names = {
        x64: 'amd64',
        arm64: 'arm64',
        arm: 'arm/v7',
        ia32: '386',
        s390x: 's390x',
        riscv64: 'riscv64',
        loong64: 'loong64',
        ppc64: endianness === 'LE' ? 'ppc64le' : 'ppc64',
        mips64el: 'mips64le'
    };
    return Object.hasOwn(names, arch) ? `linux/${names[arch]}` : undefined;
}
/** The docker CLI's and buildx's state, resolved as they resolve it. */
class DockerState {
    sources;
    env;
    read;
    dockerDir;
    buildxDir;
    constructor(sources) {
        this.sources = sources;
        this.env = sources.env;
        this.read = sources.read;
        this.dockerDir = this.env.DOCKER_CONFIG || external_node_path_.join(sources.home, '.docker');
        this.buildxDir = this.env.BUILDX_CONFIG || external_node_path_.join(this.dockerDir, 'buildx');
    }
    /**
     * Why what builds may not be on this machine; undefined when all of it is. The engine is judged
     * unless the buildx path is certain (docker build, and auto's fall-back, build on it); then the
     * builder: the one for `buildkit-endpoint`, `builder`, BUILDX_BUILDER (buildx's --builder default,
     * and docker build keeps it), or buildx's current one where buildx may build.
     */
    remoteBuilder() {
        const { config } = this.sources;
        const engine = config.cacheStrategy === 'buildx' ? undefined : this.engineProblem();
        if (engine)
            return engine;
        if (config.buildkitEndpoint)
            return this.buildkitProblem(config.buildkitEndpoint, 'buildkit-endpoint');
        const named = config.builder ?? this.env.BUILDX_BUILDER;
        if (named)
            return this.builderProblem(named);
        // docker build keeps to the context's own builder unless `docker buildx install` made it buildx's.
        if (config.cacheStrategy !== 'pull' || this.configFile()?.aliases?.builder)
            return this.builderProblem(this.currentBuilder());
        return undefined;
    }
    /** The engine the docker CLI talks to: DOCKER_HOST (it wins over any context), else its context's. */
    engineProblem() {
        if (this.env.DOCKER_HOST)
            return hostProblem(this.env.DOCKER_HOST, 'DOCKER_HOST');
        const context = this.contextName();
        const host = this.contextHost(context);
        if (typeof host !== 'string')
            return host.problem;
        return hostProblem(host, `docker context ${context}`);
    }
    contextName() {
        if (this.env.DOCKER_HOST)
            return 'default';
        return this.env.DOCKER_CONTEXT || this.configFile()?.currentContext || 'default';
    }
    configFile() {
        const text = this.read(external_node_path_.join(this.dockerDir, 'config.json'));
        return text === undefined ? undefined : parseJson(text);
    }
    /** A context's docker endpoint: its meta file, contexts/meta/<sha256 of the name>/meta.json. */
    contextHost(name) {
        if (name === 'default')
            return this.env.DOCKER_HOST || DEFAULT_HOST;
        const text = this.read(external_node_path_.join(this.dockerDir, 'contexts', 'meta', sha256(name), 'meta.json'));
        const meta = text === undefined ? undefined : parseJson(text);
        const host = meta?.Endpoints?.docker?.Host;
        return host ?? { problem: `docker context ${name}: its endpoint could not be read` };
    }
    /** A builder by name, as buildx finds it: its state file, else the docker context of that name. */
    builderProblem(name) {
        if (!BUILDER_NAME.test(name))
            return `builder ${name}: not a builder name`;
        const text = this.read(external_node_path_.join(this.buildxDir, 'instances', name));
        if (text === undefined) {
            // A context's builder: the docker driver on that context's engine.
            const host = this.contextHost(name);
            if (typeof host !== 'string')
                return `builder ${name}: no buildx state file and no docker context of that name`;
            return hostProblem(host, `builder ${name}`);
        }
        const group = parseJson(text);
        if (!group || typeof group !== 'object')
            return `builder ${name}: its state file could not be read`;
        // Without --platform buildx builds on the first node, at its own platform.
        const first = group.Nodes?.[0];
        if (group.Dynamic || !first)
            return `builder ${name} has ${group.Dynamic ? 'dynamic' : 'no'} nodes`;
        const endpoint = first.Endpoint ?? '';
        switch (group.Driver) {
            case 'docker':
            case 'docker-container': {
                // A docker context's name or a docker host.
                const host = endpoint.includes('://') ? endpoint : this.contextHost(endpoint);
                if (typeof host !== 'string')
                    return `builder ${name}: ${host.problem}`;
                return hostProblem(host, `builder ${name}`);
            }
            case 'remote':
                return this.buildkitProblem(endpoint, `builder ${name}`);
            default:
                return `builder ${name} uses the ${group.Driver ?? 'unknown'} driver`;
        }
    }
    /** A BuildKit address: a unix socket, loopback TCP, or a container of this machine's engine. */
    buildkitProblem(endpoint, what) {
        if (endpoint.startsWith('unix://') || isLoopbackEndpoint(endpoint))
            return undefined;
        if (endpoint.startsWith('docker-container://'))
            return this.engineProblem();
        return `${what} ${endpoint} is not on this machine`;
    }
    /**
     * buildx's current builder: `current` when it is global or was set for this context's key, else
     * the context's default (defaults/<key hash>), else the context's own builder. The key is the
     * context's name, or the default context's host.
     */
    currentBuilder() {
        const context = this.contextName();
        const key = context === 'default' ? this.env.DOCKER_HOST || DEFAULT_HOST : context;
        const exists = (name) => this.read(external_node_path_.join(this.buildxDir, 'instances', name)) !== undefined;
        const text = this.read(external_node_path_.join(this.buildxDir, 'current'));
        const current = text === undefined ? undefined : parseJson(text);
        if (current?.Name) {
            if (current.Global && exists(current.Name))
                return current.Name;
            if (current.Key === key)
                return exists(current.Name) ? current.Name : context;
        }
        const fallback = this.read(external_node_path_.join(this.buildxDir, 'defaults', sha256(key).slice(0, 20)));
        return fallback && exists(fallback) ? fallback : context;
    }
}
/** Whether a docker host is this machine's engine: a unix socket, or TCP on loopback. */
function hostProblem(host, what) {
    if (host.startsWith('unix://') || isLoopbackEndpoint(host))
        return undefined;
    return `${what} is ${host}, another machine's engine`;
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/base-images.ts
/** What FROM names when there is no image (BuildKit's emptyImageName). */
const SCRATCH = 'scratch';
/**
 * The external images of a build, sorted, each once. FROM names are expanded as BuildKit expands
 * them: with the ARGs before the first FROM (a build arg overrides only an ARG declared there) and the
 * automatic platform ARGs. A name this cannot expand exactly (quotes with escapes, `${X#y}`, a
 * platform ARG with no platform given, …) is returned as written, `$` and all: it cannot be resolved,
 * so a hash that needs its digest is never exact. `--platform` flags do not change the ref: its digest
 * is the index digest, which covers every platform. COPY --from and mount from= take no variables in
 * BuildKit, so they are taken as written.
 */
function baseImageRefs(dockerfile, buildArgs, options = {}) {
    const args = Array.isArray(buildArgs) ? parseBuildArgs(buildArgs) : buildArgs;
    const refs = new Set();
    // A lookup in the build args may find nothing: the Record type does not say so.
    const syntaxArg = args.BUILDKIT_SYNTAX;
    const syntax = syntaxArg !== undefined ? firstWord(syntaxArg) : dockerfile.syntax;
    if (syntax)
        refs.add(syntax);
    const platforms = options.platforms && options.platforms.length > 0 ? options.platforms : [options.buildPlatform];
    // readDockerfile names an unnamed stage by its index: not a name a FROM or mount can use.
    const named = dockerfile.stages.filter(s => s.name !== String(s.index));
    const stageNames = new Set(named.map(s => s.name.toLowerCase()));
    for (const platform of platforms) {
        const vars = fromScope(dockerfile, args, platform, options.buildPlatform);
        const earlier = new Set();
        for (const stage of dockerfile.stages) {
            const name = expandWord(stage.baseImage, vars) ?? stage.baseImage;
            if (name !== SCRATCH && !earlier.has(name.toLowerCase()))
                refs.add(name);
            if (stage.name !== String(stage.index))
                earlier.add(stage.name.toLowerCase());
        }
    }
    for (const source of dockerfile.sources ?? []) {
        const from = source.from;
        if (from === '' || from === SCRATCH || stageNames.has(from.toLowerCase()))
            continue;
        // COPY --from=<index> names a stage by number.
        if (source.via === 'COPY' && /^\d+$/.test(from))
            continue;
        refs.add(from);
    }
    return [...refs].sort();
}
/** `KEY=VALUE` lines as a map (a bare `KEY` takes nothing from here, as `--build-arg KEY` without an environment value). */
function parseBuildArgs(lines) {
    const args = {};
    for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq > 0)
            args[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return args;
}
/** The variables a FROM sees: automatic platform ARGs, then the global ARGs in order. */
function fromScope(dockerfile, args, target, build) {
    const scope = new Map();
    const setPlatform = (prefix, platform) => {
        if (platform === undefined)
            return;
        const [os = '', arch = '', variant = ''] = platform.split('/');
        scope.set(`${prefix}PLATFORM`, platform);
        scope.set(`${prefix}OS`, os);
        scope.set(`${prefix}ARCH`, arch);
        scope.set(`${prefix}VARIANT`, variant);
    };
    setPlatform('BUILD', build);
    setPlatform('TARGET', target ?? build);
    for (const { name, value } of dockerfile.metaArgs ?? Object.entries(dockerfile.globalArgs).map(([n, v]) => ({ name: n, value: v }))) {
        // An automatic platform ARG declared again keeps its value.
        if (/^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/.test(name) && scope.has(name))
            continue;
        if (Object.hasOwn(args, name))
            scope.set(name, args[name]);
        else if (value == null)
            scope.set(name, scope.get(name));
        else
            scope.set(name, expandWord(value, scope) ?? UNEXPANDABLE);
    }
    return scope;
}
/** Marks a variable whose value could not be worked out: any word that uses it cannot be either. */
const UNEXPANDABLE = '\u0000unexpandable';
/**
 * A word as BuildKit's shell lexer expands it, for the forms seen in FROM lines: literals, single
 * and double quotes, `$X`, `${X}`, `${X:-word}`, `${X:+word}`. Undefined for anything else.
 */
function expandWord(word, scope) {
    const lookup = (name) => scope instanceof Map ? scope.get(name) : Object.hasOwn(scope, name) ? scope[name] : undefined;
    const chars = Array.from(word);
    let at = 0;
    const fail = () => {
        throw new Unexpandable();
    };
    const value = (name) => {
        const v = lookup(name);
        if (v === UNEXPANDABLE || (v === undefined && /^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/.test(name)))
            fail();
        return v;
    };
    const dollar = () => {
        if (chars[at] === '{') {
            at++;
            const name = readName();
            if (name === '')
                fail();
            const ch = chars[at++];
            if (ch === '}')
                return value(name) ?? '';
            if (ch !== ':')
                fail();
            const op = chars[at++];
            if (op !== '-' && op !== '+')
                fail();
            const alternative = readUntilBrace();
            const v = value(name);
            const set = v !== undefined && v !== '';
            return op === '-' ? (set ? v : alternative) : set ? alternative : '';
        }
        if (/[0-9]/.test(chars[at] ?? ''))
            fail();
        const name = readName();
        // BuildKit keeps a `$` that starts no name.
        return name === '' ? '$' : (value(name) ?? '');
    };
    const readName = () => {
        let name = '';
        while (at < chars.length && /[A-Za-z0-9_]/.test(chars[at]))
            name += chars[at++];
        // eslint-disable-next-line no-control-regex -- \x00 is the bottom of the ASCII range: this tests for a non-ASCII character.
        if (at < chars.length && /[^\x00-\x7f]/.test(chars[at]) && name !== '')
            fail();
        return name;
    };
    const readUntilBrace = () => {
        let out = '';
        for (;;) {
            const ch = chars.at(at++);
            if (ch === undefined)
                fail();
            if (ch === '}')
                return out;
            if (ch === '$')
                out += dollar();
            else if (ch === '"' || ch === "'" || ch === '\\' || ch === '`')
                fail();
            else
                out += ch;
        }
    };
    try {
        let out = '';
        while (at < chars.length) {
            const ch = chars[at++];
            if (ch === '\\' || ch === '`')
                fail();
            else if (ch === "'") {
                const end = chars.indexOf("'", at);
                if (end < 0)
                    fail();
                out += chars.slice(at, end).join('');
                at = end + 1;
            }
            else if (ch === '"') {
                for (;;) {
                    const inner = chars.at(at++);
                    if (inner === undefined || inner === '\\' || inner === '`')
                        fail();
                    if (inner === '"')
                        break;
                    out += inner === '$' ? dollar() : inner;
                }
            }
            else if (ch === '$')
                out += dollar();
            else
                out += ch;
        }
        return out;
    }
    catch (error) {
        if (error instanceof Unexpandable)
            return undefined;
        throw error;
    }
}
class Unexpandable extends Error {
}
function firstWord(text) {
    return text.trim().split(' ')[0];
}

;// CONCATENATED MODULE: ./src/add-sources.ts
// What an ADD fetches from outside the context (a URL, a git repository), told apart as BuildKit's
// Dockerfile frontend tells them, and whether the Dockerfile's own bytes pin what comes back. What
// is not pinned can change between two builds of the same inputs: the inputs hash cannot be exact
// about it. Pure.

/** The transports BuildKit takes a `scheme://` git source over. */
const GIT_SCHEMES = ['http', 'https', 'ssh', 'git'];
/** BuildKit's scp-like git form, user@host:path[?query][#fragment]. */
const SCP_STYLE = /^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$/;
/** A full commit as BuildKit tells one (lower-case hex). */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** Every source of the Dockerfile's ADDs that comes from outside the context. */
function fetchedSources(dockerfile) {
    const found = [];
    for (const add of dockerfile.adds ?? []) {
        for (const source of add.sources) {
            // ADD expands ARG and ENV values in its sources: a source with a variable is only known in the build.
            const word = source.includes('$') ? undefined : expandWord(source, {});
            if (word === undefined) {
                if (couldBeRemote(source))
                    found.push({ line: add.line, source, kind: 'variable', pinned: add.checksum !== undefined });
                continue;
            }
            const remote = remoteOf(word);
            if (!remote)
                continue;
            const pinned = remote.kind === 'url'
                ? add.checksum !== undefined
                : [remote.ref, remote.checksum, add.checksum].some(v => v !== undefined && COMMIT_SHA.test(v));
            found.push({ line: add.line, source, kind: remote.kind, pinned });
        }
    }
    return found;
}
/** What to do about a source that is not pinned, for the run's notice. */
function unpinnedNote({ line, source, kind }) {
    const what = `ADD ${source} (Dockerfile line ${line})`;
    if (kind === 'url')
        return `${what} fetches a URL the hash cannot see: add --checksum=sha256:… to it`;
    if (kind === 'git')
        return `${what} fetches a branch or tag: pin it to a full commit (#<commit SHA>) or add --checksum=<commit SHA>`;
    return `${what} may fetch a URL (its source holds a variable): add --checksum=… or write the source without a variable`;
}
/**
 * A source as BuildKit's Dockerfile frontend tells it: a git ref first (`./`, `../` and
 * `github.com/…` are local paths to ADD), then an http(s) URL; anything else is in the context.
 */
function remoteOf(source) {
    if (source.startsWith('./') || source.startsWith('../') || source.startsWith('github.com/'))
        return undefined;
    const scheme = /^([a-zA-Z0-9]+):\/\//.exec(source)?.[1]?.toLowerCase();
    if (scheme !== undefined) {
        if (GIT_SCHEMES.includes(scheme)) {
            const url = parseUrl(source);
            // An http(s) URL is a git source only when its path ends in .git.
            if (url && ((scheme !== 'http' && scheme !== 'https') || url.pathname.endsWith('.git'))) {
                return gitRef(url.hash.replace(/^#/, ''), url.searchParams);
            }
        }
    }
    else {
        const scp = SCP_STYLE.exec(source);
        if (scp)
            return gitRef(scp.at(5) ?? '', new URLSearchParams(scp.at(4) ?? ''));
    }
    return source.startsWith('http://') || source.startsWith('https://') ? { kind: 'url' } : undefined;
}
/** The ref (`#ref:subdir` or ?ref=) and checksum (?checksum= or ?commit=) of a git source; tag= and branch= name no commit. */
function gitRef(fragment, query) {
    const ref = fragment.split(':')[0] || query.get('ref') || undefined;
    const checksum = query.get('checksum') ?? query.get('commit') ?? undefined;
    return { kind: 'git', ...(ref !== undefined ? { ref } : {}), ...(checksum !== undefined ? { checksum } : {}) };
}
function parseUrl(source) {
    try {
        return new URL(source);
    }
    catch {
        return undefined;
    }
}
/**
 * Whether a source known only in the build may turn out a URL or git ref: only a text before its
 * first variable that rules out both forms (a path: a `/` before any `:` or `@`) says it cannot.
 */
function couldBeRemote(source) {
    const known = source.split(/[$\\`]/)[0].replace(/["']/g, '');
    if (known.startsWith('github.com/'))
        return false;
    const slash = known.indexOf('/');
    return slash < 0 || /[:@]/.test(known.slice(0, slash));
}

;// CONCATENATED MODULE: ./src/re2.ts
// Go regular expressions (RE2 syntax, as regexp.Compile reads them) as JavaScript RegExps, for the
// forms moby/patternmatcher builds from .dockerignore patterns: literals, `.`, `^`, `$`, groups,
// alternation, `*` `?` `+` `{n,m}`, bracket classes with ranges, and the escapes Go and JavaScript
// agree on once spelt out (`\d`, `\s`, `\w` are ASCII sets in Go, so they become explicit ranges).
// Anything else (`\p{..}`, `[[:alpha:]]`, octal, hex, flags, lazy repetition) gives undefined: the
// caller cannot then claim to match as BuildKit does. A pattern Go refuses gives undefined too.
const DIGIT = [[0x30, 0x39]];
const SPACE = [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20]
];
const WORD = [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
];
const PERL = { d: DIGIT, s: SPACE, w: WORD };
const CONTROL = { a: 0x07, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
const MAX_RUNE = 0x10ffff;
class Unsupported extends Error {
}
/** The RegExp that matches what Go's regexp.MustCompile(source).MatchString matches, or undefined. */
function re2ToRegExp(source) {
    try {
        const parser = new Parser(source);
        const js = parser.sequence(false);
        if (!parser.done())
            return undefined;
        return new RegExp(js, 'u');
    }
    catch (error) {
        if (error instanceof Unsupported)
            return undefined;
        throw error;
    }
}
class Parser {
    chars;
    pos = 0;
    constructor(source) {
        this.chars = Array.from(source);
    }
    done() {
        return this.pos >= this.chars.length;
    }
    peek(offset = 0) {
        return this.chars[this.pos + offset];
    }
    next() {
        const ch = this.peek();
        this.pos++;
        if (ch === undefined)
            throw new Unsupported('unexpected end');
        return ch;
    }
    /** Alternatives of atoms, each with at most one repetition, up to the end or (in a group) its `)`. */
    sequence(inGroup) {
        let out = '';
        while (!this.done()) {
            const ch = this.peek();
            if (ch === ')') {
                if (!inGroup)
                    throw new Unsupported('unmatched )');
                return out;
            }
            if (ch === '|') {
                // Empty alternatives are fine in both; JavaScript's test() searches as Go's MatchString does.
                this.pos++;
                out += '|';
                continue;
            }
            const atom = this.atom();
            const repeat = this.repetition();
            if (repeat === undefined) {
                out += atom.js;
                continue;
            }
            // Go refuses stacked repetitions (`a**`, `a*{2}`); `*?` would be lazy: not worth the subset.
            if (this.peek() === '?' || this.repetition() !== undefined)
                throw new Unsupported('double repetition');
            // Go repeats an assertion (`^+` is `^`); JavaScript's u flag takes that only inside a group.
            out += (atom.repeatable ? atom.js : `(?:${atom.js})`) + repeat;
        }
        if (inGroup)
            throw new Unsupported('missing )');
        return out;
    }
    /** `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` (consumed); a `{` that is no repetition is a literal in Go. */
    repetition() {
        const ch = this.peek();
        if (ch === '*' || ch === '+' || ch === '?') {
            this.pos++;
            return ch;
        }
        if (ch !== '{')
            return undefined;
        const rest = this.chars.slice(this.pos).join('');
        const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
        if (!match)
            return undefined;
        const min = Number(match[1]);
        const max = match.at(2) === undefined ? min : match[3] === '' ? -1 : Number(match[3]);
        if (min > 1000 || max > 1000 || (max >= 0 && min > max))
            throw new Unsupported('repeat count');
        this.pos += Array.from(match[0]).length;
        return match[0];
    }
    atom() {
        const ch = this.next();
        switch (ch) {
            case '(': {
                if (this.peek() === '?')
                    throw new Unsupported('group flags');
                const inner = this.sequence(true);
                this.next(); // the `)`
                return { js: `(?:${inner})`, repeatable: true };
            }
            case '[':
                return { js: this.charClass(), repeatable: true };
            case '\\':
                return this.escapeOutside();
            case '.':
                // Go's `.` without the s flag is any character but a newline (JavaScript's also skips \r, \u2028…).
                return { js: '[^\\n]', repeatable: true };
            case '^':
                return { js: '^', repeatable: false };
            case '$':
                return { js: '$', repeatable: false };
            case '*':
            case '+':
            case '?':
                throw new Unsupported('missing argument to repetition');
            case '{':
                // Only a `{` that does not read as a repetition gets here, and Go takes it literally; but
                // `{2}` with nothing before it is Go's "missing argument" error.
                this.pos--;
                if (this.repetition() !== undefined)
                    throw new Unsupported('missing argument to repetition');
                this.pos++;
                return { js: literal(0x7b), repeatable: true };
            default:
                return { js: literal(ch.codePointAt(0)), repeatable: true };
        }
    }
    escapeOutside() {
        const c = this.next();
        if (c === 'b' || c === 'B')
            return { js: `\\${c}`, repeatable: false };
        if (c === 'A')
            return { js: '^', repeatable: false };
        if (c === 'z')
            return { js: '$', repeatable: false };
        const perl = perlClass(c);
        if (perl)
            return { js: classSource(perl, false), repeatable: true };
        return { js: literal(escapedRune(c)), repeatable: true };
    }
    /** A bracket class after its `[`, as Go's parseClass reads it (Perl flags: `-` may be anywhere). */
    charClass() {
        let negated = false;
        if (this.peek() === '^') {
            negated = true;
            this.pos++;
        }
        const ranges = [];
        let first = true;
        for (;;) {
            const ch = this.peek();
            if (ch === undefined)
                throw new Unsupported('missing ]');
            if (ch === ']' && !first) {
                this.pos++;
                break;
            }
            first = false;
            if (ch === '[' && this.peek(1) === ':')
                throw new Unsupported('POSIX class');
            if (ch === '\\') {
                const perl = perlClass(this.peek(1) ?? '');
                if (perl) {
                    this.pos += 2;
                    ranges.push(...perl);
                    continue;
                }
            }
            const lo = this.classChar();
            let hi = lo;
            if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
                this.pos++;
                hi = this.classChar();
                if (hi < lo)
                    throw new Unsupported('bad range');
            }
            ranges.push([lo, hi]);
        }
        return classSource(ranges, negated);
    }
    classChar() {
        const ch = this.next();
        if (ch !== '\\')
            return ch.codePointAt(0);
        return escapedRune(this.next());
    }
}
/** `\d` `\s` `\w` and their negations as ranges (Go's are ASCII only). */
function perlClass(c) {
    if (Object.hasOwn(PERL, c))
        return PERL[c];
    const lower = c.toLowerCase();
    if (c !== lower && Object.hasOwn(PERL, lower))
        return complement(PERL[lower]);
    return undefined;
}
/** The character an escape stands for, as Go's parseEscape reads a single-character escape. */
function escapedRune(c) {
    const code = c.codePointAt(0);
    if (code < 0x80 && !/[0-9A-Za-z]/.test(c))
        return code;
    if (Object.hasOwn(CONTROL, c))
        return CONTROL[c];
    throw new Unsupported(`escape \\${c}`);
}
function complement(set) {
    const out = [];
    let next = 0;
    for (const [lo, hi] of [...set].sort((a, b) => a[0] - b[0])) {
        if (lo > next)
            out.push([next, lo - 1]);
        next = Math.max(next, hi + 1);
    }
    if (next <= MAX_RUNE)
        out.push([next, MAX_RUNE]);
    return out;
}
function classSource(ranges, negated) {
    const body = ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');
    return `[${negated ? '^' : ''}${body}]`;
}
/** Every literal as a code point escape: valid in and out of classes with the u flag. */
function literal(code) {
    return `\\u{${code.toString(16)}}`;
}

;// CONCATENATED MODULE: ./src/dockerignore.ts
// The .dockerignore rules exactly as BuildKit applies them: a port of the Go code that runs on the
// client side of every BuildKit build (buildx, and docker build ≥ 23, which is buildx):
// github.com/moby/patternmatcher v0.6.1 — ignorefile.ReadAll, New, Pattern.compile and match,
// MatchesUsingParentResults — with the Go library functions they lean on (strings.TrimSpace,
// filepath.Clean, filepath.Match as New's syntax check, text/scanner's BOM skip). Go builds an RE2
// regular expression for most patterns; re2.ts translates it, and refuses what it cannot translate.
//
// The classic docker CLI 20.10 filters with older code: see IgnoreRules.
//
// Why not @balena/dockerignore: it follows the old docker/pkg/fileutils, not patternmatcher, and keeps
// or drops files otherwise than BuildKit for `[^a-z]*`, `a+b.txt` and `(x).txt`, `**bar`, a plain
// `foo|bar` (__tests__/context-hash.test.ts); it has no walk (which folders are sent is left to its
// caller) and takes a lone `!`, which fails the build.

/** bufio.Scanner's default limit: a longer line makes ReadAll fail, and with it the build. */
const MAX_LINE = 64 * 1024;
const BOM = '\uFEFF';
/** The patterns of an ignore file as ignorefile.ReadAll returns them, or why BuildKit would refuse it. */
function readIgnoreFile(data) {
    let text;
    try {
        // Go keeps invalid UTF-8 as bytes; a JavaScript string cannot hold them faithfully.
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    }
    catch {
        return { problem: 'it is not valid UTF-8' };
    }
    const patterns = [];
    const lines = text.split('\n');
    // ScanLines yields no empty token after a final newline.
    if (lines[lines.length - 1] === '')
        lines.pop();
    for (let index = 0; index < lines.length; index++) {
        let line = lines[index];
        // The limit counts bytes; near it the exact rule (buffer growth) is not worth copying: refuse.
        if (Buffer.byteLength(line) >= MAX_LINE - 1)
            return { problem: `line ${index + 1} is longer than BuildKit reads` };
        if (line.endsWith('\r'))
            line = line.slice(0, -1);
        if (index === 0 && line.startsWith(BOM))
            line = line.slice(1);
        // Comments are recognised before trimming: "  # x" is a pattern.
        if (line.startsWith('#'))
            continue;
        let pattern = goTrimSpace(line);
        if (pattern === '')
            continue;
        const invert = pattern[0] === '!';
        if (invert)
            pattern = goTrimSpace(pattern.slice(1));
        if (pattern.length > 0) {
            pattern = goClean(pattern);
            if (pattern.length > 1 && pattern[0] === '/')
                pattern = pattern.slice(1);
        }
        patterns.push(invert ? `!${pattern}` : pattern);
    }
    return { patterns };
}
/** The exclusion rules of an ignore file, as the client's fsutil walk applies them. */
class IgnoreMatcher {
    rules;
    patterns;
    exclusions;
    onlyPrefixExceptions;
    constructor(rules, patterns, 
    /** Some pattern is an exception (`!`). */
    exclusions, 
    /** No exception has a glob character before a trailing `/*` or `/**`: fsutil may skip folders. */
    onlyPrefixExceptions) {
        this.rules = rules;
        this.patterns = patterns;
        this.exclusions = exclusions;
        this.onlyPrefixExceptions = onlyPrefixExceptions;
    }
    /** patternmatcher.New, compiling every pattern at once; or why BuildKit would refuse one. */
    static create(raw, rules = 'buildx') {
        const patterns = [];
        let exclusions = false;
        for (const original of raw) {
            let p = goTrimSpace(original);
            if (p === '')
                continue;
            p = goClean(p);
            let exclusion = false;
            if (p[0] === '!') {
                if (p.length === 1)
                    return { problem: 'illegal exclusion pattern: "!"' };
                exclusion = true;
                exclusions = true;
                p = p.slice(1);
            }
            if (goMatchIsBad(p))
                return { problem: `syntax error in pattern ${JSON.stringify(original)}` };
            const test = rules === 'buildx' ? compile(p) : compileClassic(p);
            // Go compiles lazily and fails the build at the first path that meets a bad pattern; refusing
            // up front is stricter than BuildKit only for a pattern no path ever reaches.
            if (!test)
                return { problem: `pattern ${JSON.stringify(original)} is not one this port can match exactly` };
            patterns.push({ cleaned: p, exclusion, depth: p.split('/').length, test });
        }
        // fsutil's NewFilterFS: `\` counts as a glob character on Unix.
        const onlyPrefixExceptions = !patterns.some(p => p.exclusion && /[*[\]?^\\]/.test(withoutTrailingGlob(p.cleaned)));
        return new IgnoreMatcher(rules, patterns, exclusions, onlyPrefixExceptions);
    }
    get size() {
        return this.patterns.length;
    }
    /** The walk's verdict on `path` (slash-separated, relative), given what its folder matched. */
    decide(path, isDir, parent) {
        if (this.rules === 'docker-20.10') {
            if (!this.matchesClassic(path))
                return { send: true, walk: isDir };
            // fsutil 2020: an excluded folder that an exception's text starts inside is sent, and walked.
            const reachable = isDir && this.exclusions && this.patterns.some(p => p.exclusion && `${p.cleaned}/`.startsWith(`${path}/`));
            return { send: reachable, walk: reachable };
        }
        const { excluded, info } = this.matches(path, parent);
        if (!excluded)
            return { send: true, walk: isDir, info };
        return { send: false, walk: isDir && !this.skipsExcludedDir(path), info };
    }
    /**
     * MatchesUsingParentResults: whether `path` is excluded, given what its folder matched (undefined
     * at the top of the context, where the parent folders are tried instead).
     */
    matches(path, parent) {
        let matched = false;
        const info = new Array(this.patterns.length).fill(false);
        this.patterns.forEach((pattern, i) => {
            let match = parent ? parent[i] : false;
            if (!match) {
                // An inclusion cannot change a match, nor an exception a non-match: not evaluated, not recorded.
                if (pattern.exclusion !== matched)
                    return;
                match = pattern.test(path);
                if (!match && !parent) {
                    const dirs = parentDirs(path);
                    for (let k = 1; k <= dirs.length && !match; k++)
                        match = pattern.test(dirs.slice(0, k).join('/'));
                }
            }
            info[i] = match;
            if (match)
                matched = !pattern.exclusion;
        });
        return { excluded: matched, info };
    }
    /** fileutils 20.10's Matches: every pattern, on the path and on its first `depth` folders only. */
    matchesClassic(path) {
        const dirs = parentDirs(path);
        let matched = false;
        for (const pattern of this.patterns) {
            let match = pattern.test(path);
            if (!match && dirs.length > 0 && pattern.depth <= dirs.length)
                match = pattern.test(dirs.slice(0, pattern.depth).join('/'));
            if (match)
                matched = !pattern.exclusion;
        }
        return matched;
    }
    /**
     * fsutil's shortcut for an excluded folder: it is not walked when no exception could bring back
     * anything inside it. When an exception has glob characters, every excluded folder is walked.
     */
    skipsExcludedDir(path) {
        if (!this.onlyPrefixExceptions)
            return false;
        if (!this.exclusions)
            return true;
        const dirSlash = `${path}/`;
        return !this.patterns.some(p => p.exclusion && `${withoutTrailingGlob(p.cleaned)}/`.startsWith(dirSlash));
    }
}
/** The folders of filepath.Dir(path), split; none at the top. */
function parentDirs(path) {
    const slash = path.lastIndexOf('/');
    return slash > 0 ? goClean(path.slice(0, slash)).split('/') : [];
}
function withoutTrailingGlob(pattern) {
    let p = pattern;
    if (p.endsWith('/**'))
        p = p.slice(0, -3);
    if (p.endsWith('/*'))
        p = p.slice(0, -2);
    return p;
}
/** Pattern.compile and Pattern.match: exact, prefix and suffix shortcuts, else an RE2 expression. */
function compile(pattern) {
    // patternmatcher means to escape `.+()|{}$`, but its bitmap (`escapeBytes[b%8] |= 1 << (b/8)` in
    // bytes) loses every bit for b >= 64: only `.+()$` are escaped; `|`, `{` and `}` reach the regular
    // expression raw, so `a|b` is an alternation and `x{2}` a repetition. Kept, as BuildKit has it.
    const SHOULD_ESCAPE = '.+()$';
    // text/scanner drops a byte order mark at the very start, but the shortcuts slice bytes of the
    // pattern with it: too odd to copy.
    if (pattern.startsWith(BOM))
        return undefined;
    let regex = '^';
    let type = 'exact';
    const chars = Array.from(pattern);
    let at = 0;
    const peek = () => chars[at];
    for (let i = 0; at < chars.length; i++) {
        const ch = chars[at++];
        if (ch === '*') {
            if (peek() === '*') {
                at++;
                // `**/` is `**`: eat the slash.
                if (peek() === '/')
                    at++;
                if (peek() === undefined) {
                    // `**` at the end: everything, as in .gitignore.
                    if (type === 'exact')
                        type = 'prefix';
                    else {
                        regex += '.*';
                        type = 'regexp';
                    }
                }
                else {
                    // Any number of folders, none included.
                    regex += '(.*/)?';
                    type = 'regexp';
                }
                if (i === 0)
                    type = 'suffix';
            }
            else {
                regex += '[^/]*';
                type = 'regexp';
            }
        }
        else if (ch === '?') {
            regex += '[^/]';
            type = 'regexp';
        }
        else if (SHOULD_ESCAPE.includes(ch)) {
            regex += `\\${ch}`;
        }
        else if (ch === '\\') {
            // Escapes the next character; a trailing `\` stays (filepath.Match has refused it already).
            if (peek() !== undefined) {
                regex += `\\${chars[at++]}`;
                type = 'regexp';
            }
            else {
                regex += '\\';
            }
        }
        else if (ch === '[' || ch === ']') {
            regex += ch;
            type = 'regexp';
        }
        else {
            regex += ch;
        }
    }
    switch (type) {
        case 'exact':
            return path => path === pattern;
        case 'prefix': {
            const prefix = pattern.slice(0, -2);
            return path => path.startsWith(prefix);
        }
        case 'suffix': {
            const suffix = pattern.slice(2);
            // `**/foo` matches `foo` too.
            return path => path.endsWith(suffix) || (suffix[0] === '/' && path === suffix.slice(1));
        }
        case 'regexp': {
            const re = re2ToRegExp(`${regex}$`);
            return re ? path => re.test(path) : undefined;
        }
    }
}
/** fileutils 20.10's Pattern.compile: always a regular expression, only `.` and `$` escaped. */
function compileClassic(pattern) {
    if (pattern.startsWith(BOM))
        return undefined;
    let regex = '^';
    const chars = Array.from(pattern);
    let at = 0;
    while (at < chars.length) {
        const ch = chars[at++];
        if (ch === '*') {
            if (chars[at] === '*') {
                at++;
                if (chars[at] === '/')
                    at++;
                regex += at >= chars.length ? '.*' : '(.*/)?';
            }
            else {
                regex += '[^/]*';
            }
        }
        else if (ch === '?') {
            regex += '[^/]';
        }
        else if (ch === '.' || ch === '$') {
            regex += `\\${ch}`;
        }
        else if (ch === '\\') {
            regex += at < chars.length ? `\\${chars[at++]}` : '\\';
        }
        else {
            regex += ch;
        }
    }
    const re = re2ToRegExp(`${regex}$`);
    return re ? path => re.test(path) : undefined;
}
/** Go's unicode.IsSpace: the White_Space property (not JavaScript's trim set: no U+FEFF, but U+0085). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
function goTrimSpace(s) {
    return s.replace(GO_SPACE, '');
}
/** Go's path.Clean (filepath.Clean on Unix). */
function goClean(p) {
    if (p === '')
        return '.';
    const rooted = p.startsWith('/');
    const out = [];
    for (const segment of p.split('/')) {
        if (segment === '' || segment === '.')
            continue;
        if (segment === '..') {
            if (out.length > 0 && out[out.length - 1] !== '..')
                out.pop();
            else if (!rooted)
                out.push('..');
        }
        else {
            out.push(segment);
        }
    }
    const cleaned = (rooted ? '/' : '') + out.join('/');
    return cleaned === '' ? '.' : cleaned;
}
/**
 * Whether Go's filepath.Match(pattern, ".") reports ErrBadPattern: the syntax check patternmatcher.New
 * makes. A port of Go 1.26's match.go on bytes; note it stops checking at the first chunk that
 * cannot match ".", as Go does (what it misses, the regular expression may still refuse).
 */
function goMatchIsBad(pattern) {
    let pat = Buffer.from(pattern, 'utf8');
    let name = Buffer.from('.');
    outer: while (pat.length > 0) {
        const { star, chunk, rest } = scanChunk(pat);
        pat = rest;
        if (star && chunk.length === 0)
            return false;
        const first = matchChunk(chunk, name);
        if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
            name = first.rest;
            continue;
        }
        if (first.bad)
            return true;
        if (star) {
            for (let i = 0; i < name.length && name[i] !== SLASH; i++) {
                const later = matchChunk(chunk, name.subarray(i + 1));
                if (later.ok) {
                    if (pat.length === 0 && later.rest.length > 0)
                        continue;
                    name = later.rest;
                    continue outer;
                }
                if (later.bad)
                    return true;
            }
        }
        return false;
    }
    return false;
}
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
function scanChunk(pattern) {
    let star = false;
    let p = pattern;
    while (p.length > 0 && p[0] === 0x2a) {
        p = p.subarray(1);
        star = true;
    }
    let inRange = false;
    for (let i = 0; i < p.length; i++) {
        switch (p[i]) {
            case BACKSLASH:
                if (i + 1 < p.length)
                    i++;
                break;
            case 0x5b:
                inRange = true;
                break;
            case 0x5d:
                inRange = false;
                break;
            case 0x2a:
                if (!inRange)
                    return { star, chunk: p.subarray(0, i), rest: p.subarray(i) };
        }
    }
    return { star, chunk: p, rest: Buffer.alloc(0) };
}
function matchChunk(chunkIn, sIn) {
    let chunk = chunkIn;
    let s = sIn;
    let failed = false;
    while (chunk.length > 0) {
        failed = failed || s.length === 0;
        switch (chunk[0]) {
            case 0x5b: {
                let r = -1;
                if (!failed) {
                    const [rune, n] = decodeRune(s);
                    r = rune;
                    s = s.subarray(n);
                }
                chunk = chunk.subarray(1);
                let negated = false;
                if (chunk.length > 0 && chunk[0] === 0x5e) {
                    negated = true;
                    chunk = chunk.subarray(1);
                }
                let match = false;
                let nrange = 0;
                for (;;) {
                    if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
                        chunk = chunk.subarray(1);
                        break;
                    }
                    const lo = getEsc(chunk);
                    if (lo.bad)
                        return { rest: Buffer.alloc(0), ok: false, bad: true };
                    chunk = lo.rest;
                    let hi = lo.rune;
                    if (chunk[0] === 0x2d) {
                        const h = getEsc(chunk.subarray(1));
                        if (h.bad)
                            return { rest: Buffer.alloc(0), ok: false, bad: true };
                        chunk = h.rest;
                        hi = h.rune;
                    }
                    match = match || (lo.rune <= r && r <= hi);
                    nrange++;
                }
                failed = failed || match === negated;
                break;
            }
            case 0x3f:
                if (!failed) {
                    failed = s[0] === SLASH;
                    s = s.subarray(decodeRune(s)[1]);
                }
                chunk = chunk.subarray(1);
                break;
            case BACKSLASH:
                chunk = chunk.subarray(1);
                if (chunk.length === 0)
                    return { rest: Buffer.alloc(0), ok: false, bad: true };
            // falls through
            default:
                if (!failed) {
                    failed = chunk[0] !== s[0];
                    s = s.subarray(1);
                }
                chunk = chunk.subarray(1);
        }
    }
    if (failed)
        return { rest: Buffer.alloc(0), ok: false, bad: false };
    return { rest: s, ok: true, bad: false };
}
function getEsc(chunkIn) {
    let chunk = chunkIn;
    if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d)
        return { rune: 0, rest: chunk, bad: true };
    if (chunk[0] === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0)
            return { rune: 0, rest: chunk, bad: true };
    }
    const [rune, n] = decodeRune(chunk);
    const rest = chunk.subarray(n);
    return { rune, rest, bad: rest.length === 0 };
}
/** utf8.DecodeRune on valid UTF-8 (readIgnoreFile refuses anything else). */
function decodeRune(b) {
    const lead = b[0];
    const n = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    const rune = b.subarray(0, n).toString('utf8').codePointAt(0);
    return [rune, n];
}

;// CONCATENATED MODULE: ./src/context-files.ts
// The entries of a build context BuildKit receives: which .dockerignore applies (the Dockerfile's own
// beside it, else the context's), and the walk of fsutil's filterFS over it — an excluded folder is
// walked only when an exception may bring something back, and is sent (as the parent of what came
// back) only then. FIFOs, sockets and devices are listed as BuildKit receives them; no file of the
// context is opened here (only the ignore file is read).





const DEFAULT_MAX_ENTRIES = 100_000;
/** dockerui's limit on an ignore file (BuildKit's default gRPC message size); larger fails the build. */
const MAX_IGNORE_FILE = 16 * 1024 * 1024;
/** The context as BuildKit receives it for a build of `dockerfile` (absolute paths). */
async function listContext(context, dockerfile, options = {}) {
    const problems = [];
    const ignore = options.ignoreFile === false ? undefined : await findIgnoreFile(context, dockerfile, problems);
    const listed = await listTree(fileTree(context), ignore?.patterns ?? [], options, ignore?.name);
    return { entries: listed.entries, ignoreFile: ignore?.name, patterns: ignore?.patterns ?? [], problems: [...problems, ...listed.problems] };
}
function fileTree(root) {
    return {
        readdir: dir => external_node_fs_.readdirSync(external_node_path_.join(root, dir)),
        lstat: entry => external_node_fs_.lstatSync(external_node_path_.join(root, entry)),
        readlink: entry => external_node_fs_.readlinkSync(external_node_path_.join(root, entry))
    };
}
/** The entries fsutil sends of a tree, filtered by ignorefile.ReadAll patterns (from `source`); sorted by path. */
async function listTree(tree, patterns, options = {}, source = 'the ignore rules') {
    const problems = [];
    let matcher;
    if (patterns.length > 0) {
        const created = IgnoreMatcher.create(patterns, options.rules);
        if ('problem' in created)
            problems.push(`${source}: ${created.problem}`);
        else if (created.size > 0)
            matcher = created;
    }
    const walker = new Walker(tree, matcher, options, problems);
    await walker.walk();
    walker.entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { entries: walker.entries, problems };
}
/**
 * BuildKit's dockerfile frontend (dockerui) reads `<Dockerfile>.dockerignore` from the Dockerfile's
 * folder and, only when that read fails, the context's `.dockerignore` (frontend/dockerui/config.go,
 * ReadEntrypoint and dockerIgnorePatterns). An empty `<Dockerfile>.dockerignore` arrives as an empty
 * slice in the built-in frontend (no rules) but as nil through the gateway of a `# syntax=` frontend,
 * which then falls back to `.dockerignore`: that case is reported as a problem.
 */
async function findIgnoreFile(context, dockerfile, problems) {
    const own = `${dockerfile}.dockerignore`;
    const shared = external_node_path_.join(context, '.dockerignore');
    const name = (file) => (0,src_files/* toPosix */.d7)(external_node_path_.relative(context, file));
    const ownData = await readRegular(own, problems, name(own));
    if (ownData !== undefined) {
        if (ownData.length === 0) {
            const sharedData = await readRegular(shared, [], name(shared));
            if (sharedData !== undefined && sharedData.length > 0) {
                problems.push(`${name(own)} is empty: the built-in frontend applies no rules, a # syntax= frontend applies .dockerignore`);
            }
        }
        return parse(name(own), ownData, problems);
    }
    const sharedData = await readRegular(shared, problems, name(shared));
    return sharedData === undefined ? undefined : parse(name(shared), sharedData, problems);
}
function parse(name, data, problems) {
    const read = readIgnoreFile(data);
    if ('problem' in read) {
        problems.push(`${name}: ${read.problem}`);
        return { name, patterns: [] };
    }
    return { name, patterns: read.patterns };
}
/** The bytes of a regular file; undefined when there is none. Anything odd is a problem. */
async function readRegular(file, problems, name) {
    const stat = await promises_.lstat(file).catch(() => undefined);
    if (!stat)
        return undefined;
    // BuildKit reads these through a transfer that follows links only inside its folder.
    if (!stat.isFile()) {
        problems.push(`${name} is not a regular file`);
        return undefined;
    }
    if (stat.size > MAX_IGNORE_FILE) {
        problems.push(`${name} is larger than BuildKit reads`);
        return undefined;
    }
    return promises_.readFile(file);
}
/**
 * The walk uses the synchronous calls: through libuv's four threads a readdir, lstat or readlink
 * costs ~10 times more (20,000 files: 0.7-1.5 s against 0.1-0.25 s). It gives the event loop a turn
 * every few milliseconds, so other work of the action keeps going.
 */
class Walker {
    tree;
    matcher;
    problems;
    entries = [];
    seen = 0;
    stopped = false;
    excluded;
    maxEntries;
    pause = pauser();
    constructor(tree, matcher, options, problems) {
        this.tree = tree;
        this.matcher = matcher;
        this.problems = problems;
        this.excluded = (options.exclude ?? []).map(p => (0,src_files/* toPosix */.d7)(external_node_path_.normalize(p)).replace(/\/+$/, ''));
        this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    }
    async walk() {
        await this.walkDir('', undefined, []);
    }
    async walkDir(dir, parentInfo, parents) {
        let names;
        try {
            names = this.tree.readdir(dir);
        }
        catch (error) {
            // fsutil ignores a permission error on a folder it was only walking for exceptions.
            const code = error.code;
            const walkingOnly = parents.length > 0 && !parents[parents.length - 1].sent;
            if (!(walkingOnly && code === 'EACCES'))
                this.problems.push(`cannot read ${dir || '.'}: ${code ?? error.message}`);
            return;
        }
        for (const name of names) {
            if (this.stopped)
                return;
            await this.pause();
            await this.visit(dir, name, parentInfo, parents);
        }
    }
    async visit(dir, name, parentInfo, parents) {
        if (++this.seen > this.maxEntries) {
            this.stopped = true;
            this.problems.push(`more than ${this.maxEntries} entries in the context: stopped looking`);
            return;
        }
        const relative = dir ? `${dir}/${name}` : name;
        // A name that is not UTF-8 reaches JavaScript with replacement characters: not the name BuildKit sends.
        if (name.includes('\uFFFD'))
            this.problems.push(`${JSON.stringify(relative)}: the name is not valid UTF-8 (or holds U+FFFD)`);
        if (this.excluded.some(e => relative === e || relative.startsWith(`${e}/`)))
            return;
        let stat;
        try {
            stat = this.tree.lstat(relative);
        }
        catch (error) {
            this.problems.push(`cannot stat ${relative}: ${error.code ?? error.message}`);
            return;
        }
        const isDir = stat.isDirectory();
        const decision = this.matcher ? this.matcher.decide(relative, isDir, parentInfo) : { send: true, walk: isDir, info: undefined };
        if (!decision.send && !decision.walk)
            return;
        const entry = this.entry(relative, stat);
        if (!entry)
            return;
        if (decision.send) {
            // fsutil sends the folders above an entry when it sends the entry.
            for (const parent of parents) {
                if (!parent.sent) {
                    parent.sent = true;
                    this.entries.push(parent.entry);
                }
            }
            this.entries.push(entry);
        }
        if (decision.walk)
            await this.walkDir(relative, decision.info, [...parents, { entry, sent: decision.send }]);
    }
    entry(relative, stat) {
        const mode = stat.mode & 0o7777;
        const base = { path: relative, mode, size: 0 };
        if (stat.isFile())
            return { ...base, kind: 'file', size: stat.size };
        if (stat.isDirectory())
            return { ...base, kind: 'dir' };
        if (stat.isSymbolicLink()) {
            try {
                return { ...base, kind: 'symlink', target: this.tree.readlink(relative) };
            }
            catch (error) {
                this.problems.push(`cannot read the link ${relative}: ${error.code ?? error.message}`);
                return undefined;
            }
        }
        if (stat.isFIFO())
            return { ...base, kind: 'fifo' };
        if (stat.isSocket())
            return { ...base, kind: 'socket' };
        if (stat.isCharacterDevice())
            return { ...base, kind: 'char', rdev: stat.rdev };
        if (stat.isBlockDevice())
            return { ...base, kind: 'block', rdev: stat.rdev };
        this.problems.push(`${relative}: a file of unknown type`);
        return undefined;
    }
}
/** A function to await between steps of synchronous work: it yields to the event loop every `ms`. */
function pauser(ms = 10) {
    let last = Date.now();
    return () => {
        if (Date.now() - last < ms)
            return undefined;
        return new Promise(resolve => setImmediate(() => {
            last = Date.now();
            resolve();
        }));
    };
}
/** At most `n` of the calls run at once (only leaf calls: a caller holding a slot never waits for one). */
function limiter(n) {
    let active = 0;
    const waiting = [];
    return async (fn) => {
        if (active >= n)
            await new Promise(resolve => waiting.push(resolve));
        else
            active++;
        try {
            return await fn();
        }
        finally {
            // The slot passes straight to the next waiter, so no newcomer slips in between.
            const next = waiting.shift();
            if (next)
                next();
            else
                active--;
        }
    };
}

// EXTERNAL MODULE: ./src/run/process.ts
var run_process = __webpack_require__(8016);
;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/context-hash.ts
// The inputs hash labelled on each image: one digest over all that BuildKit sees when it builds it.
// When the registry's latest carries the same hash, the action may give the new commit latest's image
// instead of building it, so the hash must change whenever BuildKit's result could:
// - the context entries BuildKit receives (context-files.ts), each with what BuildKit's COPY cache key
//   (cache/contenthash) holds of it: path, type, permission and setuid/setgid/sticky bits, a regular
//   file's bytes, a symlink's target, a device's number, its extended attributes (user.*, trusted.*,
//   security.capability). Not mtime, nor uid/gid: the key leaves out mtime, and buildx and the
//   classic CLI send every file as 0:0. Nor the context folder's own mode: BuildKit fakes the root;
// - the Dockerfile (bytes and path), the ignore rules, build args, target, builder target, platforms
//   (without them, the platform built for: build-platform.ts), user labels, network mode;
// - the digest each external image resolves to now (FROM, COPY --from, RUN --mount from=, syntax);
// - what of the environment reaches buildx and changes its result (SOURCE_DATE_EPOCH, BUILDX_*), and
//   the action's version;
// - in prebuild mode, what go build on the runner reads (go-build-inputs.ts).
// What it cannot be exact about (an ADD of an unpinned URL or git ref, an image that does not
// resolve, a remote builder without platforms, …) is a note: the hash is then salted at random, never
// equal to another, and the action builds.
// Secrets are not hashed, as BuildKit's own cache does not key on them: a label must not carry them,
// even hashed (a guessable value would be confirmed by it). So a changed secret does not change the
// hash: a build whose output depends on a secret's value is copied from latest all the same, unless
// copy-unchanged is false.














/** Bump when what the hash covers changes, so an old image never matches a new meaning. */
const SCHEME = 'cached-image-build/inputs/v3';
/** Files up to this size are read in one synchronous call; larger ones in chunks of READ_CHUNK. */
const SMALL_FILE = 256 * 1024;
const READ_CHUNK = 1024 * 1024;
/**
 * The context as the hash sees it. It needs neither the build arguments nor the images' digests, so a
 * caller may start it while those are looked up and hand it to hashBuildInputs.
 */
async function readContext(inputs, options = {}) {
    const notes = [];
    const listing = await listContext(inputs.context, inputs.dockerfile, {
        maxEntries: options.maxEntries,
        exclude: inputs.exclude,
        rules: inputs.rules
    });
    notes.push(...listing.problems);
    // Contents in Node, xattrs in one python3: at once.
    const [contents, xattrs] = await Promise.all([
        hashContents(inputs.context, listing.entries, options.concurrency ?? 4, notes),
        options.xattrs === false ? new Map() : readXattrs(inputs.context, listing.entries, notes)
    ]);
    if (options.xattrs === false)
        notes.push('extended attributes not read (xattrs: false)');
    return { listing, contents, xattrs, notes };
}
/**
 * The hash of a build's inputs. Reads the Dockerfile and walks the context (or takes the read a caller
 * started, `context`, of the same inputs); no other I/O but python3 for xattrs.
 */
async function hashBuildInputs(inputs, options = {}, context) {
    const reading = context ?? readContext(inputs, options);
    // Awaited below, after the Dockerfile: a failure meanwhile is not an unhandled rejection.
    reading.catch(() => undefined);
    const notes = [];
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const record = (...fields) => hash.update(`${JSON.stringify(fields)}\n`);
    const dockerfileBytes = await promises_.readFile(inputs.dockerfile);
    const facts = readDockerfile(dockerfileBytes.toString('utf8'));
    record('scheme', SCHEME);
    // Another version of the action may build otherwise (its flags, its plans).
    record('action', package_namespaceObject.rE);
    record('environment', ...environmentLines(inputs.env ?? {}, notes));
    record('dockerfile', (0,src_files/* toPosix */.d7)(external_node_path_.relative(inputs.context, inputs.dockerfile)), context_hash_sha256(dockerfileBytes));
    record('args', ...buildArgLines(inputs.buildArgs, notes));
    record('target', inputs.target ?? '');
    record('builder-target', inputs.builderTarget ?? '');
    record('platforms', ...(inputs.platforms ?? []));
    if (!inputs.platforms?.length) {
        if (!inputs.targetPlatform) {
            notes.push(`the platform built for is not known (${inputs.platformProblem ?? 'not looked up'}): set platforms (e.g. linux/amd64) so an unchanged commit can be copied`);
        }
        record('target-platform', inputs.targetPlatform ?? '');
    }
    record('labels', ...(inputs.labels ?? []));
    record('network', inputs.network ?? '');
    for (const ref of imageRefsOf(inputs, facts)) {
        const digest = inputs.baseDigests[ref];
        if (!digest)
            notes.push(`no digest for ${ref}`);
        record('image', ref, digest ?? '');
    }
    // A pinned fetch is in the Dockerfile's bytes (its checksum or commit); any other may change unseen.
    for (const fetched of fetchedSources(facts))
        if (!fetched.pinned)
            notes.push(unpinnedNote(fetched));
    const read = await reading;
    notes.push(...read.notes);
    record('ignore', read.listing.ignoreFile ?? '', ...read.listing.patterns);
    recordEntries(record, 'entry', read);
    if (inputs.prebuild)
        recordGoBuild(record, inputs.goBuild, notes);
    const exact = notes.length === 0;
    if (!exact)
        hash.update((0,external_node_crypto_.randomBytes)(32));
    const module = inputs.goBuild?.module;
    return {
        hash: hash.digest('hex'),
        exact,
        notes,
        entries: read.listing.entries.length + (module?.listing.entries.length ?? 0),
        bytes: read.contents.bytes + (module?.contents.bytes ?? 0)
    };
}
/** Each entry of a tree read, with what BuildKit's COPY key holds of it. */
function recordEntries(record, tag, { listing, contents, xattrs }) {
    for (const entry of listing.entries) {
        // fsutil clears a socket's type bit: BuildKit sees an empty regular file.
        const kind = entry.kind === 'socket' ? 'file' : entry.kind;
        const detail = entry.kind === 'file'
            ? (contents.digests.get(entry.path) ?? '')
            : entry.kind === 'socket'
                ? EMPTY_SHA256
                : entry.kind === 'symlink'
                    ? (entry.target ?? '')
                    : entry.rdev !== undefined
                        ? String(entry.rdev)
                        : '';
        record(tag, entry.path, kind, entry.mode.toString(8), entry.size, detail, ...(xattrs.get(entry.path) ?? []));
    }
}
/** Prebuild mode: each go build with its environment and go env's answer, what it stamps of git, and the main module's tree. */
function recordGoBuild(record, read, notes) {
    if (!read) {
        notes.push('prebuild mode: what go build on the runner reads was not looked at');
        return;
    }
    notes.push(...read.notes);
    for (const build of read.builds) {
        record('go-build', ...build.argv);
        record('go-build-env', ...Object.entries(build.env).map(([k, v]) => `${k}=${v}`));
        record('go-env', ...Object.entries(build.goEnv).map(([k, v]) => `${k}=${v}`));
    }
    record('go-vcs', ...(read.vcs ? [read.vcs.revision, read.vcs.clean ? 'clean' : 'modified', ...read.vcs.tags] : []));
    recordEntries(record, 'module-entry', read.module);
}
/**
 * The main module's tree as go build reads it: every entry but `exclude` (the prebuild output, .git),
 * with no ignore file (a .dockerignore does not filter what go build reads) and no extended
 * attributes (go reads none).
 */
async function readModuleTree(context, exclude, options = {}) {
    const notes = [];
    const listing = await listContext(context, '', { maxEntries: options.maxEntries, exclude, ignoreFile: false });
    notes.push(...listing.problems);
    const contents = await hashContents(context, listing.entries, options.concurrency ?? 4, notes);
    return { listing, contents, xattrs: new Map(), notes };
}
/** The images a build of these inputs pulls (baseImageRefs for the platforms it builds for). */
function imageRefsOf(inputs, facts) {
    const platforms = inputs.platforms?.length ? inputs.platforms : inputs.targetPlatform ? [inputs.targetPlatform] : [];
    return baseImageRefs(facts, inputs.buildArgs, { platforms, buildPlatform: inputs.buildPlatform });
}
const EMPTY_SHA256 = context_hash_sha256(Buffer.alloc(0));
/** Variables that choose where buildx builds, not what: build-platform.ts judges where (a per-run builder name would make every hash new). */
const WHERE_IT_BUILDS = new Set(['BUILDX_BUILDER', 'BUILDX_CONFIG']);
/**
 * What of the environment reaches the build's processes (the scrubbed one they get) and changes what
 * buildx builds: SOURCE_DATE_EPOCH (buildx passes it as a build arg) and buildx's BUILDX_* settings,
 * sorted. A source policy file rewrites what the build pulls: the hash does not read it.
 */
function environmentLines(env, notes) {
    const child = (0,run_process/* childEnvironment */.Qc)(env);
    if (child.EXPERIMENTAL_BUILDKIT_SOURCE_POLICY) {
        notes.push('EXPERIMENTAL_BUILDKIT_SOURCE_POLICY is set: the hash does not follow the policy it names; unset it so an unchanged commit can be copied');
    }
    return Object.keys(child)
        .filter(name => name === 'SOURCE_DATE_EPOCH' || (name.startsWith('BUILDX_') && !WHERE_IT_BUILDS.has(name)))
        .sort()
        .map(name => `${name}=${child[name]}`);
}
/** Build args sorted, each name once with its last value (docker's rule); a bare name is the caller's environment. */
function buildArgLines(args, notes) {
    const byName = new Map();
    for (const arg of args) {
        const eq = arg.indexOf('=');
        if (eq < 0)
            notes.push(`build arg ${arg} takes its value from the environment: give it as ${arg}=VALUE`);
        byName.set(eq < 0 ? arg : arg.slice(0, eq), arg);
    }
    return [...byName.values()].sort();
}
function context_hash_sha256(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
}
/**
 * Each regular file's sha256, read in chunks (files may be GBs). A file is opened without following
 * links and without blocking, and must still be a regular file of the size the walk saw: a FIFO
 * swapped in after the walk would otherwise hang the read. Small files are read with synchronous
 * calls (20,000 files: 0.3 s, against 3-4 s through libuv's four threads), the event loop given a
 * turn every few milliseconds; large ones with asynchronous reads, `concurrency` at once, meanwhile.
 */
async function hashContents(root, entries, concurrency, notes) {
    const digests = new Map();
    const files = entries.filter(e => e.kind === 'file');
    let bytes = 0;
    const done = (entry, digest) => {
        if (digest instanceof Error)
            notes.push(`cannot read ${entry.path}: ${digest.code ?? digest.message}`);
        else {
            digests.set(entry.path, digest);
            bytes += entry.size;
        }
    };
    const limit = limiter(concurrency);
    const large = Promise.all(files
        .filter(e => e.size > SMALL_FILE)
        .map(entry => limit(() => hashLargeFile(external_node_path_.join(root, entry.path), entry.size).then(d => {
        done(entry, d);
    }))));
    const pause = pauser();
    const buffer = Buffer.allocUnsafe(SMALL_FILE);
    for (const entry of files) {
        if (entry.size > SMALL_FILE)
            continue;
        await pause();
        done(entry, entry.size === 0 ? EMPTY_SHA256 : hashSmallFile(external_node_path_.join(root, entry.path), entry.size, buffer));
    }
    await large;
    return { digests, bytes };
}
const OPEN_FLAGS = external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW | external_node_fs_.constants.O_NONBLOCK;
const CHANGED = 'changed while the context was read';
function hashSmallFile(file, size, buffer) {
    let fd;
    try {
        fd = external_node_fs_.openSync(file, OPEN_FLAGS);
        const stat = external_node_fs_.fstatSync(fd);
        if (!stat.isFile() || stat.size !== size)
            return new Error(CHANGED);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        let read = 0;
        for (let n; (n = external_node_fs_.readSync(fd, buffer, 0, buffer.length, null)) > 0; read += n)
            hash.update(buffer.subarray(0, n));
        return read === size ? hash.digest('hex') : new Error(CHANGED);
    }
    catch (error) {
        return error;
    }
    finally {
        if (fd !== undefined)
            external_node_fs_.closeSync(fd);
    }
}
async function hashLargeFile(file, size) {
    let handle;
    try {
        handle = await promises_.open(file, OPEN_FLAGS);
        const stat = await handle.stat();
        if (!stat.isFile() || stat.size !== size)
            return new Error(CHANGED);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        const buffer = Buffer.allocUnsafe(READ_CHUNK);
        let read = 0;
        for (let n; (n = (await handle.read(buffer, 0, buffer.length, null)).bytesRead) > 0; read += n)
            hash.update(buffer.subarray(0, n));
        return read === size ? hash.digest('hex') : new Error(CHANGED);
    }
    catch (error) {
        return error;
    }
    finally {
        await handle?.close();
    }
}
/** The system's python3 when there is one (a version manager's shim on PATH may take 0.4 s to start), isolated and without site: it starts in half the time. */
const PYTHON = external_node_fs_.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Node has no xattr calls; one python3 lists them all (llistxattr, as fsutil does). */
const XATTR_SCRIPT = `
import base64, errno, json, os, sys
out = {}
for i, p in enumerate(sys.stdin.buffer.read().split(b'\\0')[:-1]):
    try:
        names = os.listxattr(p, follow_symlinks=False)
    except OSError as e:
        if e.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            continue
        print(json.dumps({"error": "%s: %s" % (p.decode(errors="replace"), e)}))
        sys.exit(0)
    pairs = []
    for n in sorted(names):
        try:
            pairs.append([n, base64.b64encode(os.getxattr(p, n, follow_symlinks=False)).decode()])
        except OSError:
            pass
    if pairs:
        out[str(i)] = pairs
print(json.dumps({"xattrs": out}))
`;
/**
 * The extended attributes BuildKit keys on, per path, as `name=base64` strings: fsutil sends all but
 * com.apple.*, and the tarsum headers keep security.capability and all outside security.* and system.*
 * (cache/contenthash/tarsum.go, v1TarHeaderSelect). Measured on the engine: a user.* or trusted.*
 * attribute changes COPY's cache key.
 */
async function readXattrs(root, entries, notes) {
    const found = new Map();
    if (entries.length === 0)
        return found;
    const input = Buffer.concat(entries.map(e => Buffer.from(`${external_node_path_.join(root, e.path)}\0`)));
    const result = await run(PYTHON, ['-I', '-S', '-c', XATTR_SCRIPT], input).catch((error) => ({ error: error.message }));
    if ('error' in result) {
        notes.push(`extended attributes not read: ${result.error}`);
        return found;
    }
    let parsed;
    try {
        parsed = JSON.parse(result.stdout);
    }
    catch {
        notes.push(`extended attributes not read: ${result.stderr.trim().split('\n').pop() ?? 'no answer'}`);
        return found;
    }
    if (parsed.error || !parsed.xattrs) {
        notes.push(`extended attributes not read: ${parsed.error ?? 'no answer'}`);
        return found;
    }
    for (const [index, pairs] of Object.entries(parsed.xattrs)) {
        const kept = pairs.filter(([name]) => keyedXattr(name)).map(([name, value]) => `${name}=${value}`);
        if (kept.length > 0)
            found.set(entries[Number(index)].path, kept);
    }
    return found;
}
function keyedXattr(name) {
    if (name.startsWith('com.apple.'))
        return false;
    return name === 'security.capability' || (!name.startsWith('security.') && !name.startsWith('system.'));
}
/** Through the process seam, bounded: a python3 that hangs makes the hash inexact, not the job stuck. */
async function run(command, args, input) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: [command, ...args], stdin: input.toString('utf8'), captureStdout: true, limit: { totalMs: 30_000 } });
    if (result.exitCode !== 0)
        throw new Error(`${command} ${result.timedOut ?? `exited ${result.exitCode}`}: ${result.tail.at(-1) ?? ''}`);
    return { stdout: result.stdout, stderr: result.tail.join('\n') };
}

;// CONCATENATED MODULE: ./src/git.ts
// What git knows of the code checked out in the workspace: its commit, whether the work tree is that
// commit unchanged, and whether one commit is an ancestor of another (the default branch's history;
// latest never moves backwards); and of a context's repository what go build stamps (its commit,
// whether it is clean, the tags it contains). Unknown answers are undefined: no git repository, a
// shallow clone that does not have the other commit, a git that fails or does not answer in time.



const SHA = /^[0-9a-f]{40,64}$/;
/** The commit checked out in `dir`'s git work tree (any folder of it). */
async function headCommit(dir, limit) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['git', '-C', dir, 'rev-parse', 'HEAD'], limit, captureStdout: true });
    const sha = result.stdout.trim();
    return result.exitCode === 0 && SHA.test(sha) ? sha : undefined;
}
/**
 * The commit checked out in the workspace (GITHUB_WORKSPACE), in one call: undefined unless the
 * workspace is itself the top of a git work tree (a workspace inside another repository, say the
 * runner's home, is not; a checkout into a sub-folder with actions/checkout's `path` is not either).
 */
async function workspaceHead(workspace, limit) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['git', '-C', workspace, 'rev-parse', '--show-toplevel', 'HEAD'], limit, captureStdout: true });
    if (result.exitCode !== 0)
        return undefined;
    const [top, sha] = result.stdout.trim().split('\n');
    if (!top || !sha || !SHA.test(sha))
        return undefined;
    try {
        return (0,src_files/* realPathOf */.dN)(top) === (0,src_files/* realPathOf */.dN)(workspace) ? sha : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * What `git status` shows in `paths` (inside the workspace, which is the top of its work tree),
 * leaving out `except` (the prebuild output) and what lies in it: changed, staged, untracked and
 * ignored entries as git prints them; [] for a tree exactly as its commit has it; undefined when git
 * cannot say. Paths are given absolute.
 */
async function worktreeChanges(workspace, paths, except, limit) {
    let root;
    let relative;
    try {
        root = (0,src_files/* realPathOf */.dN)(workspace);
        relative = p => external_node_path_.relative(root, (0,src_files/* realPathOf */.dN)(p)).split(external_node_path_.sep).join('/') || '.';
    }
    catch {
        return undefined;
    }
    // Literal pathspecs (a folder named `a*` is that folder, not a pattern), each the top folder of a path
    // in the workspace: for a pathspec inside a folder that is a git repository of its own (an artifact
    // with a .git), git status says nothing at all, where for its parent it says `?? folder/`.
    const pathspecs = [...new Set(paths.map(p => relative(p).split('/')[0]))].map(p => `:(literal)${p}`);
    const skipped = except.map(relative).filter(p => p !== '.' && !p.startsWith('../'));
    const result = await (0,run_process/* runProcess */.R3)({
        argv: [
            'git',
            '--no-optional-locks',
            '-C',
            root,
            'status',
            '--porcelain=v1',
            '-z',
            '--ignored=matching',
            '--untracked-files=normal',
            '--',
            ...pathspecs
        ],
        limit,
        captureStdout: true
    });
    if (result.exitCode !== 0)
        return undefined;
    const entries = [];
    const fields = result.stdout.split('\0');
    for (let i = 0; i < fields.length; i++) {
        const field = fields[i];
        if (field === '')
            continue;
        // A rename or copy is followed by its source path.
        if (/^(?:[RC].|.[RC]) /.test(field))
            i++;
        // Paths are the work tree's (the workspace's); a folder git did not look into ends in '/'.
        const entry = field.slice(3).replace(/\/$/, '');
        if (skipped.some(p => entry === p || entry.startsWith(`${p}/`)))
            continue;
        entries.push(field);
    }
    return entries;
}
/** true: `ancestor` is in `descendant`'s history; false: it is not; undefined: git cannot tell. */
async function isAncestor(dir, ancestor, descendant, limit) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['git', '-C', dir, 'merge-base', '--is-ancestor', ancestor, descendant], limit });
    if (result.exitCode === 0)
        return true;
    if (result.exitCode !== 1)
        return undefined;
    // A shallow clone may hold both commits but not the history between them: its "no" is no answer.
    const shallow = await (0,run_process/* runProcess */.R3)({ argv: ['git', '-C', dir, 'rev-parse', '--is-shallow-repository'], limit, captureStdout: true });
    return shallow.exitCode === 0 && shallow.stdout.trim() === 'false' ? false : undefined;
}
/** Whether git sees no change in the work tree (`git status --porcelain` says nothing); undefined: git cannot tell. */
async function workTreeClean(dir, limit) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['git', '-C', dir, 'status', '--porcelain'], limit, captureStdout: true });
    return result.exitCode === 0 ? result.stdout.trim() === '' : undefined;
}
/** The tags `commit` contains, each as `object name`, sorted; undefined: git cannot tell. */
async function tagsIn(dir, commit, limit) {
    const result = await (0,run_process/* runProcess */.R3)({
        argv: ['git', '-C', dir, 'for-each-ref', `--merged=${commit}`, '--format=%(objectname) %(refname)', 'refs/tags'],
        limit,
        captureStdout: true
    });
    return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean).sort() : undefined;
}

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
;// CONCATENATED MODULE: ./src/limits.ts
/** Bootstrapping a builder may have to start a container: this many look-up limits. */
const BOOTSTRAP_FACTOR = 4;
function limits(config) {
    return {
        lookup: { totalMs: config.timeouts.lookupMs },
        bootstrap: { totalMs: config.timeouts.lookupMs * BOOTSTRAP_FACTOR },
        activity: { idleMs: config.timeouts.idleMs }
    };
}

;// CONCATENATED MODULE: ./src/facts.ts
// What the environment offers, found out once before planning.






/** Drivers whose BuildKit exports cache to a registry; the docker driver (dockerd's own BuildKit) cannot. */
const CACHE_EXPORTING_DRIVERS = ['docker-container', 'remote', 'kubernetes'];
/** Why the builder cannot serve the buildx path (registry cache export), or undefined when it can. */
function buildxPathProblem(facts) {
    if (!facts.buildx)
        return 'the buildx plugin is not installed (docker/setup-buildx-action installs it)';
    const builder = facts.builder;
    if (!builder)
        return 'no buildx builder was probed';
    if (builder.problem)
        return builder.problem;
    // The engine's own BuildKit exports registry cache only with the containerd image store.
    if (builder.driver === 'docker' && facts.imageStore === 'containerd')
        return undefined;
    if (!builder.driver || !CACHE_EXPORTING_DRIVERS.includes(builder.driver)) {
        return `builder ${builder.name} uses the ${builder.driver ?? 'unknown'} driver, which cannot export cache to a registry with the engine's ${facts.imageStore} image store (use docker/setup-buildx-action, builder or buildkit-endpoint, or the containerd image store)`;
    }
    return undefined;
}
/**
 * The newest engine major the action is proven on (test/engines.txt: Docker 20.10, 28 and 29). A newer
 * one is not refused: most of what the action asks of an engine has been stable for years.
 */
const NEWEST_TESTED_ENGINE_MAJOR = 29;
/** A notice for an engine newer than any the action is tested on, or undefined. */
function untestedEngineNote(dockerServer) {
    // Only a version that starts as one does (a development build's name may hold any number).
    const major = /^v?(\d+)\.\d+/.exec(dockerServer)?.[1];
    if (major === undefined || Number(major) <= NEWEST_TESTED_ENGINE_MAJOR)
        return undefined;
    return `Docker engine ${dockerServer} is newer than any this action is tested on (the newest is ${NEWEST_TESTED_ENGINE_MAJOR}.x): it goes on as usual; if something fails, say so in an issue with this version`;
}
/** What the summary says of the engine a build ran on. */
function engineLine(facts) {
    return `Docker ${facts.dockerServer}, ${facts.imageStore} image store, buildx ${facts.buildx ?? 'not installed'}`;
}
/** `docker info`'s DriverStatus names the containerd snapshotter when the engine uses the containerd image store. */
function imageStoreOf(driverStatus) {
    return /io\.containerd\.snapshotter/.test(driverStatus) ? 'containerd' : 'classic';
}
/** `docker buildx inspect` output: the builder's name and driver, and its first node's endpoint and status. */
function parseBuildxInspect(text) {
    const field = (key) => new RegExp(`^${key}:[ \t]*(.*)$`, 'm').exec(text)?.[1]?.trim() || undefined;
    const platforms = field('Platforms')
        ?.split(',')
        .map(p => p.trim().replace(/\*$/, ''))
        .filter(Boolean);
    return {
        name: field('Name'),
        driver: field('Driver'),
        endpoint: field('Endpoint'),
        status: field('Status'),
        buildkit: field('BuildKit version') ?? field('Buildkit'),
        ...(platforms?.length ? { platforms } : {})
    };
}
/**
 * The builder of the buildx path: the one named by `builder`, a remote builder created for
 * `buildkit-endpoint`, or the current one. Bootstrapped, so a builder that does not answer says so
 * here, before planning. Nothing to do for `cache-strategy: pull` or without buildx.
 */
async function prepareBuilder(config, buildx) {
    if (config.cacheStrategy === 'pull' || !buildx)
        return undefined;
    const limit = limits(config);
    let name = config.builder;
    let created = false;
    if (config.buildkitEndpoint) {
        name = `cached-image-build-${process.pid}-${Date.now().toString(36)}`;
        const create = await docker(['buildx', 'create', '--name', name, '--driver', 'remote', config.buildkitEndpoint], limit.lookup);
        if (create.exitCode !== 0) {
            // It may exist all the same (buildx writes the builder before it reaches the endpoint): the post step removes it.
            return {
                name,
                endpoint: config.buildkitEndpoint,
                created: true,
                problem: `docker buildx create for ${config.buildkitEndpoint} failed: ${why(create)}`
            };
        }
        created = true;
    }
    const inspect = await docker(['buildx', 'inspect', '--bootstrap', ...(name ? [name] : [])], limit.bootstrap);
    const found = parseBuildxInspect(inspect.stdout);
    const builder = { ...found, name: name ?? found.name ?? 'default', created };
    if (inspect.exitCode !== 0) {
        const where = config.buildkitEndpoint ? ` at ${config.buildkitEndpoint}` : '';
        builder.problem = `builder ${builder.name}${where} does not answer: ${why(inspect)}`;
    }
    else if (builder.status && builder.status !== 'running') {
        builder.problem = `builder ${builder.name} is ${builder.status}`;
    }
    return builder;
}
function why(result) {
    return result.timedOut ?? (0,run_process/* lastLine */.fM)(result.tail).replace(/^ERROR:\s*/, '');
}
/**
 * The docker CLI before 23 sends the context itself (its own .dockerignore filter) and reaches BuildKit
 * without the buildx plugin; from 23 it runs BuildKit builds through buildx only. A version it cannot
 * read is neither.
 */
function cliGeneration(dockerClient) {
    const client = semver.coerce(dockerClient);
    if (!client)
        return undefined;
    return semver.lt(client, '23.0.0') ? 'classic' : 'buildx';
}
/** Whether the docker CLI is a classic one (before 23): its own .dockerignore rules send the context. */
function classicClient(client) {
    return cliGeneration(client.dockerClient) === 'classic';
}
/** The facts that decide whether `docker build` can reach BuildKit at all. */
function buildkitProblem(facts) {
    if (cliGeneration(facts.dockerClient) === 'buildx' && !facts.buildx) {
        return `the docker CLI ${facts.dockerClient} has no buildx plugin, and it needs one for BuildKit builds: install docker-buildx (docker/setup-buildx-action does)`;
    }
    return undefined;
}
/** The docker CLI's version (`docker --version`: no engine asked, a fraction of `docker version`'s time). */
async function probeClient(config) {
    const version = await docker(['--version'], limits(config).lookup);
    const dockerClient = version.exitCode === 0 ? /version\s+v?([^\s,]+)/i.exec(version.stdout)?.[1] : undefined;
    if (!dockerClient) {
        throw new Error(`the docker CLI is not usable here (docker --version: ${version.exitCode === 0 ? version.stdout.trim() : why(version)}); install it`);
    }
    return {
        dockerClient,
        now: new Date().toISOString(),
        runner: { os: process.env.RUNNER_OS || external_node_os_.type(), arch: process.env.RUNNER_ARCH || external_node_os_.arch() }
    };
}
/** The engine, buildx and Go on the runner, asked at once, when a build is certain (a copy needs none of them). */
async function probeFacts(config, client) {
    const limit = limits(config).lookup;
    const [version, buildxOut, goEnv, info] = await Promise.all([
        docker(['version', '--format', '{{.Server.Version}}'], limit),
        docker(['buildx', 'version'], limit),
        probeGo(limit),
        docker(['info', '--format', '{{json .DriverStatus}}'], limit)
    ]);
    if (version.exitCode !== 0) {
        throw new Error(`docker is not usable here (docker version: ${why(version)}); start the Docker engine or set DOCKER_HOST`);
    }
    // A plugin that does not answer in time is not a missing plugin: say which it is.
    if (buildxOut.timedOut) {
        throw new Error(`docker buildx version did not answer (${buildxOut.timedOut}); the runner is slow to start the buildx plugin: raise lookup-timeout`);
    }
    const dockerServer = version.stdout.trim();
    const buildx = buildxOut.exitCode === 0 ? /v?(\d+\.\d+\.\d+\S*)/.exec(buildxOut.stdout)?.[1] : undefined;
    const base = process.env.RUNNER_TEMP || external_node_os_.tmpdir();
    external_node_fs_.mkdirSync(base, { recursive: true });
    const tempDir = external_node_fs_.mkdtempSync(external_node_path_.join(base, 'cached-image-build-'));
    const home = external_node_os_.homedir();
    const goDirs = {
        mod: goEnv?.GOMODCACHE || process.env.GOMODCACHE || external_node_path_.join(home, 'go', 'pkg', 'mod'),
        build: goEnv?.GOCACHE || process.env.GOCACHE || external_node_path_.join(home, '.cache', 'go-build')
    };
    return {
        ...client,
        dockerServer,
        buildx,
        imageStore: imageStoreOf(info.stdout),
        tempDir,
        goDirs,
        go: goEnv ? { version: goEnv.GOVERSION, arch: goEnv.GOARCH } : undefined
    };
}
/** Go on the runner as the prebuild steps find it (their architecture without `platforms` is its GOARCH). */
async function probeGo(limit) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['go', 'env', '-json', 'GOMODCACHE', 'GOCACHE', 'GOVERSION', 'GOARCH'], limit, captureStdout: true });
    if (result.exitCode !== 0)
        return undefined;
    try {
        return JSON.parse(result.stdout);
    }
    catch {
        return undefined;
    }
}
function docker(args, limit) {
    return (0,run_process/* runProcess */.R3)({ argv: ['docker', ...args], limit, captureStdout: true });
}

;// CONCATENATED MODULE: ./src/plan/common.ts
// What both paths' plans share: the references a run reads and writes, labels, secret files, login,
// time limits. Pure.






/**
 * The tags of this run. The cache tags are per branch (the policy's scopes): the pull path's hold the
 * builder stage (IMAGE:builder), the buildx path's the registry cache (IMAGE:buildcache).
 */
function refsFor(config, policy, strategy, unreadable = []) {
    const image = config.image.name;
    const cacheName = strategy === 'buildx' ? BUILDX_CACHE_TAG : config.builderTarget;
    const cacheRef = (suffix) => `${image}:${scopedTag(cacheName, suffix)}`;
    const commit = `${image}:${config.commit}`;
    const latest = `${image}:latest`;
    return {
        commit,
        latest,
        moveLatest: policy.latest.move,
        extra: unique(config.extraTags).filter(tag => tag !== commit && tag !== latest),
        cacheWrite: cacheName && policy.writeScope ? cacheRef(policy.writeScope.suffix) : undefined,
        cacheRead: cacheName ? unique(policy.readScopes.map(scope => cacheRef(scope.suffix))).filter(ref => !unreadable.includes(ref)) : [],
        latestReadable: !unreadable.includes(latest)
    };
}
function ociLabels(config, now, inputsHash) {
    return [
        `${REVISION_LABEL}=${config.commit}`,
        `${CREATED_LABEL}=${now}`,
        ...(config.source ? [`${SOURCE_LABEL}=${config.source}`] : []),
        `${INPUTS_LABEL}=${inputsHash}`,
        ...config.labels
    ];
}
/** BuildKit secrets go to the build as files (mode 0600, removed after the run), never on a command line. */
function secretFiles(config, policy, tempDir) {
    if (!policy.secrets)
        return [];
    return config.secrets.map(secret => ({ secretId: secret.id, path: external_node_path_.join(tempDir, `secret-${secret.id}`) }));
}
function secretFlags(files) {
    return files.flatMap(file => ['--secret', `id=${file.secretId},src=${file.path}`]);
}
/** `docker login` by stdin, when the config has credentials and the run may use them. */
function loginSteps(config, policy) {
    if (!config.login || !policy.secrets)
        return [];
    return [
        {
            id: 'login',
            phase: 'login',
            title: `Log in to ${config.login.registry}`,
            argv: ['docker', 'login', config.login.registry, '--username', config.login.username, '--password-stdin'],
            stdin: 'registry-password',
            limit: limits(config).lookup,
            onFailure: 'stop',
            retries: 1,
            hint: 'check registry-username and registry-password'
        }
    ];
}
function pushHint(config) {
    return `check that the registry is reachable and that the credentials (registry-username/registry-password, or an earlier docker login) may push to ${config.image.name}`;
}
function unique(items) {
    return [...new Set(items)];
}
/** The tag of a reference (after the last colon that follows the last slash). */
function tagOf(ref) {
    return ref.slice(ref.lastIndexOf(':') + 1);
}

;// CONCATENATED MODULE: ./src/plan/go.ts
// The steps that bring the Go caches to the build: prebuild on the runner, or the Dockerfile's
// cache mounts filled before the build and read back after it. Pure.




/**
 * The go builds of prebuild mode: one per platform, each into OUTPUT/os_arch/ (COPY
 * .prebuilt/${TARGETOS}_${TARGETARCH}/…); without platforms, one for the runner's architecture
 * (`runnerArch`, go env GOARCH) into OUTPUT/. The one source of the packages, flags and environment:
 * the steps run them, and the inputs hash asks go env under them.
 */
function prebuildCommands(config, runnerArch) {
    const prebuild = config.goCache.prebuild;
    if (!prebuild)
        return [];
    const many = config.platforms.length > 0;
    const targets = many ? config.platforms.map(p => p.split('/')) : [['linux', runnerArch]];
    return targets.map(([goos, goarch, variant]) => {
        const output = many ? external_node_path_.join(prebuild.output, `${goos}_${goarch}`) : prebuild.output;
        return {
            id: many ? `prebuild-${goos}-${goarch}${variant ? `-${variant}` : ''}` : 'prebuild',
            title: `go build ${prebuild.packages.join(' ')} on the runner${many ? ` for ${goos}/${goarch}${variant ? `/${variant}` : ''}` : ''}`,
            argv: ['go', 'build', '-v', '-trimpath', '-o', `${output}${external_node_path_.sep}`, ...prebuild.packages],
            env: {
                CGO_ENABLED: '0',
                GOOS: goos,
                GOARCH: goarch,
                ...(goarch === 'arm' && variant ? { GOARM: variant.replace(/^v/, '') } : {}),
                ...(goarch === 'amd64' && variant ? { GOAMD64: variant } : {})
            },
            output
        };
    });
}
/** The throwaway builds that fill and read the mounts need no network. */
const NO_NETWORK = ['--network', 'none'];
function planGoSteps({ config, policy, facts, go }, build) {
    const prebuild = config.goCache.prebuild;
    const maySave = go !== undefined && config.goCache.save && policy.saveCaches && (prebuild !== undefined || go.mounts.length > 0);
    const save = maySave && go.hit !== 'exact' && go.hit !== 'warm';
    const saveDelta = maySave && go.hit === 'exact' && go.deltaDir !== undefined;
    const steps = { before: [], after: [], files: [], save, saveDelta };
    const limit = limits(config).activity;
    if (prebuild) {
        const goOnRunner = facts.go;
        if (!goOnRunner)
            throw new Error("Input 'prebuild': prebuild mode runs go build on the runner, and there is no go on PATH (add actions/setup-go before this step)");
        for (const command of prebuildCommands(config, goOnRunner.arch)) {
            steps.before.push({
                id: command.id,
                phase: 'prebuild',
                title: command.title,
                argv: command.argv,
                env: { ...command.env, ...(go ? { GOMODCACHE: go.dirs.mod, GOCACHE: go.dirs.build } : {}) },
                cwd: config.context,
                limit,
                onFailure: 'stop'
            });
        }
    }
    if (!go || go.mounts.length === 0)
        return steps;
    // A nonce in the RUN line keeps BuildKit from answering these steps from its own cache.
    const nonce = facts.now.replace(/[^0-9]/g, '');
    // Where markers are not proof (untrusted builds allowed on this builder), the mounts may hold anything:
    // the fill replaces what they hold, and after a miss they are emptied, as on a fresh builder.
    const replace = !policy.markersAreProof;
    if (go.hit === 'exact' || go.hit === 'partial' || (replace && go.hit === 'miss')) {
        steps.before.push(...fillStep(go, facts, build, { nonce, files: steps.files, limit, replace }));
    }
    const readBack = { baseImage: go.baseImage, facts, build, files: steps.files, limit };
    // Read back only what will be saved.
    if (save)
        for (const [index, { mount, kind }] of go.mounts.entries()) {
            const dir = kind === 'mod' ? go.dirs.mod : go.dirs.build;
            steps.after.push(...readBackSteps(readBack, {
                name: `${kind}-${index}`,
                mount,
                // The mount is marked after the copy: it then holds what the save will (and the copy holds no marker).
                run: [`mkdir -p /cib-out && cp -a ${mount.target}/. /cib-out/ && ${markMount(mount.target, go.key)} && echo extracted ${nonce}`],
                to: dir,
                titles: [`Read cache mount ${mount.id} back into ${dir}`, `Unpack cache mount ${mount.id} into ${dir}`]
            }));
        }
    // After an exact hit: only the GOCACHE entries the build wrote or marked, which are newer than the
    // marker the fill wrote (the filled entries are older, the restored delta's aged so that Go marks
    // those it uses). The marker itself stays: it dates the fill for every later build on this builder.
    const build0 = go.mounts.find(m => m.kind === 'build');
    if (saveDelta && build0 && go.deltaDir) {
        const { mount } = build0;
        steps.after.push(...readBackSteps(readBack, {
            name: 'delta',
            mount,
            run: [
                `mkdir -p /cib-out && cd ${mount.target} && find . -type f -newer ${MOUNT_MARKER} ! -name ${MOUNT_MARKER} | \\`,
                `while read -r f; do mkdir -p "/cib-out/$(dirname "$f")" && cp -p "$f" "/cib-out/$f"; done && echo extracted ${nonce}`
            ],
            to: go.deltaDir,
            titles: [`Read what the build added to cache mount ${mount.id} back into ${go.deltaDir}`, `Unpack it into ${go.deltaDir}`]
        }));
    }
    return steps;
}
/**
 * A throwaway build whose RUN (lines `run`, with the mount as the Dockerfile has it) copies from the
 * mount into /cib-out, exported as a tar (not type=local: the local exporter stalls on a large module
 * cache) and unpacked into a new folder beside it; the runner's folder `to` is swapped for it only
 * once it is whole.
 */
function readBackSteps(on, what) {
    const { facts, build, limit } = on;
    const file = external_node_path_.join(facts.tempDir, `extract-${what.name}.Dockerfile`);
    const out = external_node_path_.join(facts.tempDir, `extracted-${what.name}`);
    const tar = `${out}.tar`;
    const empty = external_node_path_.join(facts.tempDir, 'empty-context');
    on.files.push({ path: external_node_path_.join(empty, '.keep'), content: '' });
    on.files.push({
        path: file,
        content: [
            `FROM ${on.baseImage} AS read`,
            `RUN ${mountOptions(what.mount)} \\`,
            ...what.run.map(line => `    ${line}`),
            'FROM scratch',
            'COPY --from=read /cib-out/ /',
            ''
        ].join('\n')
    });
    return [
        {
            id: `extract-${what.name}`,
            phase: 'read-back',
            title: what.titles[0],
            argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, '--output', `type=tar,dest=${tar}`, empty],
            env: build.env,
            limit,
            onFailure: 'warn'
        },
        {
            id: `unpack-${what.name}`,
            phase: 'read-back',
            title: what.titles[1],
            argv: ['sh', '-c', 'rm -rf "$1" && mkdir -p "$1" && tar -xf "$2" -C "$1" && rm -f "$2"', 'unpack', out, tar],
            limit,
            onFailure: 'warn',
            extract: { from: out, to: what.to }
        }
    ];
}
/**
 * One throwaway build fills every mount: its context is the folder that holds both Go caches, and each
 * is bound by its path in it. BuildKit sends only the paths a build mounts or copies, so nothing else of
 * that folder travels. `cp -a` adds to what a mount holds; with `replace` the mount is emptied first
 * (after a miss, only emptied), and a fill that fails stops the job rather than build on what was there.
 */
function fillStep(go, facts, build, { nonce, files, limit, replace }) {
    const restored = go.hit === 'exact' || go.hit === 'partial';
    const sources = go.mounts.map(({ kind }) => (kind === 'mod' ? go.dirs.mod : go.dirs.build));
    const empty = external_node_path_.join(facts.tempDir, 'empty-context');
    const context = restored ? commonFolder(sources) : empty;
    if (!restored)
        files.push({ path: external_node_path_.join(empty, '.keep'), content: '' });
    const file = external_node_path_.join(facts.tempDir, 'fill.Dockerfile');
    const mounts = go.mounts.map(({ mount }, i) => `${mountOptions(mount)}${restored ? ` --mount=type=bind,source=${(0,src_files/* toPosix */.d7)(external_node_path_.relative(context, sources[i])) || '.'},target=/cib-in-${i}` : ''}`);
    // Only an exact hit leaves the mounts holding this key's caches; a partial one is marked by the read-back.
    const copies = go.mounts.map(({ mount }, i) => [
        ...(replace ? [`find ${mount.target} -mindepth 1 -maxdepth 1 -exec rm -rf {} +`] : []),
        ...(restored ? [`cp -a /cib-in-${i}/. ${mount.target}/`] : []),
        ...(go.hit === 'exact' ? [markMount(mount.target, go.key, go.deltaSince)] : [])
    ].join(' && '));
    files.push({
        path: file,
        content: [`FROM ${go.baseImage}`, `RUN ${mounts.join(' \\\n    ')} \\`, `    ${copies.join(' && ')} && echo filled ${nonce}`, ''].join('\n')
    });
    const ids = go.mounts.map(m => m.mount.id).join(', ');
    const plural = go.mounts.length > 1 ? 's' : '';
    return [
        {
            id: 'fill',
            phase: 'fill',
            title: restored
                ? `Fill cache mount${plural} ${ids} from the restored Go caches${replace ? ', emptied first' : ''}`
                : `Empty cache mount${plural} ${ids} (nothing restored; what they hold is not known to be this key's)`,
            argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, context],
            env: build.env,
            limit,
            onFailure: replace ? 'stop' : 'warn',
            ...(replace
                ? { hint: 'the cache mounts could not be emptied: a build on them could use what an untrusted build left there (allow-untrusted-on-builder)' }
                : {})
        }
    ];
}
/** The marker names the key; dated `since` (whole seconds), it is what the delta's `find -newer` compares with. */
function markMount(target, key, since) {
    const marker = `${target}/${MOUNT_MARKER}`;
    const dated = since ? ` && touch -d @${Math.floor(Date.parse(since) / 1000)} ${marker}` : '';
    return `echo ${key} > ${marker}${dated}`;
}
/**
 * Reads the marker of every Go cache mount on the builder the build uses, without the network and
 * with the mounts exactly as the build has them (so the same caches), so a warm builder (a self-hosted runner, a remote BuildKit) is known
 * before anything is restored or filled.
 */
function planMountProbe(go, facts, build, limit) {
    const nonce = facts.now.replace(/[^0-9]/g, '');
    const file = external_node_path_.join(facts.tempDir, 'probe.Dockerfile');
    const empty = external_node_path_.join(facts.tempDir, 'empty-context');
    const out = external_node_path_.join(facts.tempDir, 'probed-mounts');
    const reads = go.mounts.map(({ mount }, i) => `(cat ${mount.target}/${MOUNT_MARKER} > /cib-probe/${i} 2>/dev/null || true)`);
    return {
        out,
        files: [
            { path: external_node_path_.join(empty, '.keep'), content: '' },
            {
                path: file,
                content: [
                    `FROM ${go.baseImage} AS probe`,
                    `RUN ${go.mounts.map(({ mount }) => mountOptions(mount)).join(' \\\n    ')} \\`,
                    `    mkdir -p /cib-probe && ${reads.join(' && ')} && echo probed ${nonce}`,
                    'FROM scratch',
                    'COPY --from=probe /cib-probe/ /',
                    ''
                ].join('\n')
            }
        ],
        step: {
            id: 'probe-mounts',
            phase: 'restore',
            title: `Read the markers of cache mount${go.mounts.length > 1 ? 's' : ''} ${go.mounts.map(m => m.mount.id).join(', ')}`,
            argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, '--output', `type=local,dest=${out}`, empty],
            env: build.env,
            limit,
            onFailure: 'warn'
        }
    };
}
/**
 * Before the probe build, which on a fresh builder pulls the mounts' base image: a question the builder
 * answers at once, whether it holds any cache mount at all (`docker buildx du`, cache mounts only). Asked
 * of a named builder only: the engine's BuildKit is probed only when it has the base image already.
 */
function planCacheMountRecords(build) {
    return build.builder ? ['docker', 'buildx', 'du', '--builder', build.builder, '--filter', 'type=exec.cachemount'] : undefined;
}
/**
 * Pure: how many cache mounts `docker buildx du` listed: its table's rows under the `ID` header (the
 * `Reclaimable:`/`Total:` lines under them left out); undefined when the output is not that table.
 */
function countCacheMountRecords(output) {
    const lines = output.split('\n').filter(line => line.trim() !== '');
    if (!lines.length || !/^ID\s+RECLAIMABLE\s+SIZE\b/.test(lines[0]))
        return undefined;
    return lines.slice(1).filter(line => !/^[A-Za-z ]+:\s/.test(line)).length;
}
/** The deepest folder that holds every path. */
function commonFolder(paths) {
    const split = paths.map(p => external_node_path_.resolve(p).split(external_node_path_.sep));
    const common = [];
    for (let i = 0; split.every(parts => i < parts.length && parts[i] === split[0][i]); i++)
        common.push(split[0][i]);
    return common.join(external_node_path_.sep) || external_node_path_.sep;
}
/** The mount exactly as the Dockerfile has it, so BuildKit hands out the same cache. */
function mountOptions(mount) {
    const parts = [`type=cache`, `id=${mount.id}`, `target=${mount.target}`];
    if (mount.sharing)
        parts.push(`sharing=${mount.sharing}`);
    if (mount.uid)
        parts.push(`uid=${mount.uid}`);
    if (mount.gid)
        parts.push(`gid=${mount.gid}`);
    return `--mount=${parts.join(',')}`;
}

;// CONCATENATED MODULE: ./src/go-build-inputs.ts
// What `go build` on the runner reads in prebuild mode, for the inputs hash: its binaries are what the
// Dockerfile copies, so a copy of latest is right only when go build would make the same ones. That
// is the Go toolchain and environment as each prebuild step sees them, its packages and flags, the
// main module's tree as go build reads it (no .dockerignore filters it), and what go build stamps of
// git. Whatever of these cannot be read, or lies outside the context, is a note: the hash is then not
// exact, and the action builds.








/** What go env says of the toolchain and of each setting that changes the binaries. */
const GO_ENV_NAMES = [
    'GOVERSION',
    'GOOS',
    'GOARCH',
    'GOAMD64',
    'GOARM',
    'GOARM64',
    'GO386',
    'GOPPC64',
    'GOMIPS',
    'GOMIPS64',
    'GORISCV64',
    'GOWASM',
    'GOFLAGS',
    'GOEXPERIMENT',
    'GOFIPS140',
    'CGO_ENABLED',
    'GOWORK'
];
const VCS_FIX = 'GOFLAGS=-buildvcs=false lets an unchanged commit be copied';
/** Everything go build reads in prebuild mode; each process within `limit`, all at once. Never rejects. */
async function readGoBuild(config, limit) {
    const notes = [];
    const context = config.context;
    const output = (0,src_files/* toPosix */.d7)(external_node_path_.relative(context, config.goCache.prebuild?.output ?? context));
    const [builds, module, git] = await Promise.all([
        goEnvOfBuilds(config, limit, notes),
        readModuleTree(context, [output, '.git']),
        gitState(context, limit)
    ]);
    notes.push(...module.notes);
    notes.push(...outsideTheContext(context, builds[0]?.goEnv.GOWORK, module));
    const stamps = builds.length > 0 && builds.some(b => !buildvcsOff(b.goEnv.GOFLAGS)) && git !== undefined;
    const remarks = [];
    let vcs;
    if (stamps) {
        if ('problem' in git)
            notes.push(`${git.problem}: go build stamps the commit into the binaries, and the hash cannot read it (${VCS_FIX})`);
        else {
            vcs = git;
            remarks.push(`go build stamps the commit into the binaries (vcs.revision): each commit builds; ${VCS_FIX}`);
        }
    }
    return { builds, vcs, module, notes, remarks };
}
/** go env under each prebuild step's environment, in the context as the step runs. */
async function goEnvOfBuilds(config, limit, notes) {
    // Without platforms the step builds for the runner's GOARCH, as the probe finds it.
    const arch = config.platforms.length ? '' : (await probeGo(limit))?.GOARCH;
    if (arch === undefined) {
        notes.push('go env did not answer (no go on PATH, or it failed or took too long): the hash cannot know the Go toolchain');
        return [];
    }
    const context = config.context;
    const answers = await Promise.all(prebuildCommands(config, arch).map(async (command) => {
        const result = await (0,run_process/* runProcess */.R3)({ argv: ['go', 'env', '-json', ...GO_ENV_NAMES], env: command.env, cwd: context, limit, captureStdout: true });
        const goEnv = result.exitCode === 0 ? parseGoEnv(result.stdout) : undefined;
        if (!goEnv) {
            notes.push(`go env for ${command.title}: ${result.exitCode === 0 ? 'no JSON answer' : (result.timedOut ?? (0,run_process/* lastLine */.fM)(result.tail))}`);
            return undefined;
        }
        const argv = command.argv.map(arg => (arg === `${command.output}${external_node_path_.sep}` ? `${(0,src_files/* toPosix */.d7)(external_node_path_.relative(context, command.output))}/` : arg));
        return { argv, env: command.env, goEnv };
    }));
    return answers.filter(a => a !== undefined);
}
function parseGoEnv(stdout) {
    try {
        const parsed = JSON.parse(stdout);
        return Object.fromEntries(GO_ENV_NAMES.map(name => [name, typeof parsed[name] === 'string' ? parsed[name] : '']));
    }
    catch {
        return undefined;
    }
}
/** Whether GOFLAGS turns VCS stamping off (-buildvcs=false, the last one given wins; Go's bool spellings). */
function buildvcsOff(goflags = '') {
    let off = false;
    for (const flag of goflags.split(/\s+/)) {
        const match = /^--?buildvcs(?:=(.*))?$/.exec(flag);
        if (match)
            off = ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(match.at(1) ?? 'true');
    }
    return off;
}
/**
 * What go build stamps of git: nothing when no folder from the context up holds a .git (go build
 * looks for one the same way); else HEAD, whether `git status --porcelain` is empty, and the tags
 * HEAD contains (Go takes the binary's module version from them).
 */
async function gitState(context, limit) {
    if (!insideGitWorkTree(context))
        return undefined;
    const [revision, clean, tags] = await Promise.all([headCommit(context, limit), workTreeClean(context, limit), tagsIn(context, 'HEAD', limit)]);
    if (revision === undefined || clean === undefined || tags === undefined) {
        return { problem: `git in ${context} did not say its commit, status and tags (it failed or took too long)` };
    }
    return { revision, clean, tags };
}
function insideGitWorkTree(dir) {
    for (let at = external_node_path_.resolve(dir);; at = external_node_path_.dirname(at)) {
        if (external_node_fs_.existsSync(external_node_path_.join(at, '.git')))
            return true;
        if (external_node_path_.dirname(at) === at)
            return false;
    }
}
/**
 * What go build would read from outside the context, which the hash does not: a module the context
 * has no go.mod for, a local `replace` (or go.work `use`) outside it, a go.work outside it, a link
 * that leads out of it.
 */
function outsideTheContext(context, gowork, module) {
    const notes = [];
    const root = (0,src_files/* realPathOf */.dN)(context);
    const inside = (target) => target === root || target.startsWith(`${root}${external_node_path_.sep}`);
    const checkLocalPaths = (file) => {
        const text = (0,src_files/* readTextIfExists */.TP)(file);
        if (text === undefined)
            return;
        for (const local of localPaths(text)) {
            const target = (0,src_files/* realPathOf */.dN)(external_node_path_.resolve(external_node_path_.dirname(file), local));
            if (!inside(target))
                notes.push(`${external_node_path_.basename(file)} points to ${local}, outside the context: the hash does not read it (a context that holds it makes the hash exact)`);
        }
    };
    const workspace = gowork && gowork !== 'off' ? gowork : undefined;
    if (workspace) {
        if (!inside((0,src_files/* realPathOf */.dN)(workspace)))
            notes.push(`go.work ${workspace} lies outside the context: the hash does not read it (GOWORK=off, or a go.work inside the context)`);
        else
            checkLocalPaths(workspace);
    }
    const goMod = external_node_path_.join(context, 'go.mod');
    if (external_node_fs_.existsSync(goMod))
        checkLocalPaths(goMod);
    else if (!workspace)
        notes.push('the context has no go.mod: go build takes its module from outside the context, which the hash does not read');
    for (const entry of module.listing.entries) {
        if (entry.kind !== 'symlink')
            continue;
        const target = (0,src_files/* realPathOf */.dN)(external_node_path_.resolve(context, external_node_path_.dirname(entry.path), entry.target ?? ''));
        if (!inside(target))
            notes.push(`${entry.path} is a link to ${entry.target ?? '?'}, outside the context: go build may read through it`);
    }
    return notes;
}
/** The local directories of a go.mod's or go.work's `replace … => DIR` and `use DIR` lines. */
function localPaths(text) {
    const found = [];
    let block;
    for (const raw of text.split('\n')) {
        const words = tokens(raw);
        if (words.length === 0)
            continue;
        if (block !== undefined && words[0] === ')') {
            block = undefined;
            continue;
        }
        let verb = block;
        let rest = words;
        if (block === undefined) {
            verb = words[0];
            rest = words.slice(1);
            if (rest[0] === '(') {
                block = verb;
                continue;
            }
        }
        const target = verb === 'use' ? rest[0] : verb === 'replace' && rest.includes('=>') ? rest[rest.indexOf('=>') + 1] : undefined;
        if (target !== undefined && isDirectoryPath(target))
            found.push(target);
    }
    return found;
}
/** The words of a go.mod line: quoted strings whole, `//` comments left out. */
function tokens(line) {
    const words = [];
    for (const match of line.matchAll(/"(?:[^"\\]|\\.)*"|`[^`]*`|\/\/.*|=>|[()]|[^\s"`()]+/g)) {
        const word = match[0];
        if (word.startsWith('//'))
            break;
        words.push(word.startsWith('"') ? JSON.parse(word) : word.startsWith('`') ? word.slice(1, -1) : word);
    }
    return words;
}
/** A replacement that is a directory rather than a module path (modfile's rule). */
function isDirectoryPath(target) {
    return target === '.' || target === '..' || /^(\.\.?[/\\]|\/)/.test(target) || external_node_path_.isAbsolute(target);
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
;// CONCATENATED MODULE: ./src/registry-api.ts
// The registry's own HTTP API (the OCI distribution spec), for the look-ups and copies a run makes
// before it knows whether to build: a `docker buildx imagetools` process takes 0.1–0.3 s to start on
// a runner, a request to the registry a few milliseconds. Through @actions/http-client (the runner's
// proxy settings, redirects without the credentials). Anything this client cannot do as buildx would
// (a credential it cannot read, TLS or an auth scheme it does not know, a status other than found or
// not found) answers `unsupported`, and the caller asks buildx imagetools, as it did before.









const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json'
];
/** The distribution spec lets a registry refuse manifests over 4 MiB; configs are smaller still. */
const MAX_BODY = 4 * 1024 * 1024;
/** Pure: a reference as the API addresses it; undefined when it is not one. */
function parseRef(ref) {
    const at = ref.indexOf('@');
    let name;
    let reference;
    if (at >= 0) {
        // `name:tag@digest` (a pinned FROM): the digest decides, the tag is only a note.
        name = splitTaggedRef(ref.slice(0, at))?.repository ?? ref.slice(0, at);
        reference = ref.slice(at + 1);
        if (!/^sha256:[0-9a-f]{64}$/.test(reference))
            return undefined;
    }
    else {
        const tagged = splitTaggedRef(ref);
        name = tagged?.repository ?? ref;
        reference = tagged?.tag ?? 'latest';
    }
    const repository = parseRepository(name);
    if (!repository)
        return undefined;
    const hub = repository.registry === 'docker.io';
    let repoPath = name.startsWith(`${repository.registry}/`) ? name.slice(repository.registry.length + 1) : name;
    if (hub && !repoPath.includes('/'))
        repoPath = `library/${repoPath}`;
    const host = hub ? 'registry-1.docker.io' : repository.registry;
    return { registry: repository.registry, base: `${isLoopbackHost(host) ? 'http' : 'https'}://${host}`, repository: repoPath, reference };
}
/**
 * The runner's credentials for a registry, as `docker login` left them: a credential helper
 * (credHelpers, credsStore) asked through its stdin, or the config's `auth`. Undefined: anonymous.
 */
async function credentialsFor(registry, limit) {
    const config = readDockerConfig();
    if (!config)
        return undefined;
    const keys = registry === 'docker.io'
        ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']
        : [registry, `https://${registry}`, `http://${registry}`];
    const helper = keys.map(key => config.credHelpers?.[key]).find(Boolean) ?? config.credsStore;
    if (helper) {
        const server = registry === 'docker.io' ? keys[0] : registry;
        const result = await (0,run_process/* runProcess */.R3)({ argv: [`docker-credential-${helper}`, 'get'], stdin: server, limit, captureStdout: true });
        if (result.exitCode === 0) {
            try {
                const found = JSON.parse(result.stdout);
                if (found.Username === '<token>')
                    return { unsupported: `an identity token from docker-credential-${helper}` };
                if (found.Username !== undefined && found.Secret !== undefined)
                    return { username: found.Username, password: found.Secret };
            }
            catch {
                return { unsupported: `docker-credential-${helper} answered something else than JSON` };
            }
        }
        else if (!result.tail.some(line => /credentials not found/i.test(line))) {
            return { unsupported: `docker-credential-${helper} failed` };
        }
    }
    for (const key of keys) {
        const entry = config.auths?.[key] ?? config.auths?.[`${key}/`];
        if (!entry)
            continue;
        if (entry.identitytoken)
            return { unsupported: 'an identity token in the docker config' };
        if (entry.username !== undefined && entry.password !== undefined)
            return { username: entry.username, password: entry.password };
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon > 0)
                return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
        }
    }
    return undefined;
}
function readDockerConfig() {
    const dir = process.env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker');
    try {
        return JSON.parse(external_node_fs_.readFileSync(external_node_path_.join(dir, 'config.json'), 'utf8'));
    }
    catch {
        return undefined;
    }
}
const basic = ({ username, password }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
/** Pure: `Bearer realm="…",service="…",scope="…"` into its scheme and parameters. */
function parseChallenge(header) {
    const scheme = header.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? '';
    const params = {};
    for (const match of header.slice(scheme.length).matchAll(/([A-Za-z_]+)="([^"]*)"/g))
        params[match[1].toLowerCase()] = match[2];
    return { scheme, params };
}
class registry_api_Unsupported extends Error {
}
class Timeout extends Error {
}
/** One exchange with a registry: the repository's scope, the credentials, a token once the registry asks for one. */
class Session {
    ref;
    actions;
    limit;
    client;
    authorization;
    credentials;
    credentialsRead = false;
    constructor(ref, actions, limit, timeoutMs) {
        this.ref = ref;
        this.actions = actions;
        this.limit = limit;
        this.client = new lib/* HttpClient */.Qq('cached-image-build', [], {
            allowRedirects: true,
            maxRedirects: 5,
            allowRetries: false,
            keepAlive: false,
            socketTimeout: timeoutMs
        });
    }
    async send(method, url, headers = {}, body) {
        let reply = await this.once(method, url, headers, body);
        if (reply.status === 401 && !this.authorization) {
            this.authorization = await this.authorize(reply.headers['www-authenticate'] ?? '');
            reply = await this.once(method, url, headers, body);
        }
        return reply;
    }
    async once(method, url, headers, body) {
        const all = { ...headers, ...(this.authorization ? { Authorization: this.authorization } : {}) };
        let response;
        try {
            response = await this.client.request(method, url, body ? body.toString('utf8') : null, all);
        }
        catch (error) {
            throw new registry_api_Unsupported(error.message);
        }
        const status = response.message.statusCode ?? 0;
        return { status, headers: response.message.headers, body: method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response.message, MAX_BODY) };
    }
    /** The Authorization header a 401's challenge asks for: a bearer token from its realm, or basic credentials. */
    async authorize(challenge) {
        const { scheme, params } = parseChallenge(challenge);
        const credentials = await this.readCredentials();
        if (scheme === 'basic') {
            if (!credentials)
                throw new registry_api_Unsupported('the registry asks for credentials and the docker config has none for it');
            return basic(credentials);
        }
        if (scheme !== 'bearer' || !params.realm)
            throw new registry_api_Unsupported(`an authentication scheme this client does not speak (${scheme || 'none'})`);
        const url = tokenRealm(params.realm);
        if (params.service)
            url.searchParams.set('service', params.service);
        url.searchParams.set('scope', `repository:${this.ref.repository}:${this.actions}`);
        const headers = credentials ? { Authorization: basic(credentials) } : {};
        let response;
        try {
            response = await this.client.request('GET', url.toString(), null, headers);
        }
        catch (error) {
            throw new registry_api_Unsupported(`the token service: ${error.message}`);
        }
        const text = (await readCapped(response.message, MAX_BODY)).toString('utf8');
        if (response.message.statusCode !== 200)
            throw new registry_api_Unsupported(`the token service answered ${response.message.statusCode}`);
        try {
            const answer = JSON.parse(text);
            const token = answer.token ?? answer.access_token;
            if (!token)
                throw new Error('no token');
            // Masked before anything could print it (an error that quotes a header, a debug line).
            core/* setSecret */.Pq(token);
            return `Bearer ${token}`;
        }
        catch {
            throw new registry_api_Unsupported('the token service answered without a token');
        }
    }
    async readCredentials() {
        if (!this.credentialsRead) {
            this.credentialsRead = true;
            const found = await credentialsFor(this.ref.registry, this.limit);
            if (found && 'unsupported' in found)
                throw new registry_api_Unsupported(found.unsupported);
            this.credentials = found;
        }
        return this.credentials;
    }
}
/**
 * Pure: the token service's URL from a challenge's realm, when credentials may go there: https, or
 * plain http on the loopback interface (a registry of the runner's own). Any other realm (http to
 * another host, a URL that does not parse) is a scheme this client does not take: buildx is asked.
 */
function tokenRealm(realm) {
    let url;
    try {
        url = new URL(realm);
    }
    catch {
        throw new registry_api_Unsupported(`a token realm that is no URL (${realm})`);
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.host)))
        return url;
    throw new registry_api_Unsupported(`a token realm that is not https (${url.origin}): no credentials are sent there`);
}
/** A response body, whole, up to `max` bytes; a body cut short is an error, not a shorter body. */
function readCapped(message, max) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size > max) {
                message.destroy();
                reject(new registry_api_Unsupported(`an answer over ${max} bytes`));
            }
            else
                chunks.push(chunk);
        });
        message.on('end', () => {
            resolve(Buffer.concat(chunks));
        });
        message.on('aborted', () => {
            reject(new registry_api_Unsupported('the answer was cut short'));
        });
        message.on('error', error => {
            reject(new registry_api_Unsupported(error.message));
        });
    });
}
/**
 * Runs `work` with a session for the reference, bounded by the limit: past it, `problem` (no answer),
 * as a process past its limit is. Unsupported parts answer `unsupported`.
 */
async function withSession(ref, actions, limit, work) {
    const api = parseRef(ref);
    if (!api)
        return { unsupported: `not a reference this client reads: ${ref}` };
    const timeoutMs = limit.totalMs ?? limit.idleMs ?? 30_000;
    const session = new Session(api, actions, limit, timeoutMs);
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
            reject(new Timeout());
        }, timeoutMs);
    });
    try {
        return await Promise.race([work(session, api), timeout]);
    }
    catch (error) {
        if (error instanceof Timeout)
            return { problem: `no answer (still running after ${(0,run_process/* seconds */.YA)(timeoutMs)})` };
        if (error instanceof registry_api_Unsupported)
            return { unsupported: error.message };
        throw error;
    }
    finally {
        clearTimeout(timer);
    }
}
const manifestUrl = (api, reference = api.reference) => `${api.base}/v2/${api.repository}/manifests/${reference}`;
/** A status that is neither found nor not found: buildx may know better (its own auth, its retries). */
function otherStatus(reply, what) {
    return new registry_api_Unsupported(`${what}: the registry answered ${reply.status}`);
}
function missing(reply) {
    let text = `${reply.status} Not Found`;
    try {
        const errors = JSON.parse(reply.body.toString('utf8')).errors;
        if (errors?.[0]?.message)
            text = errors[0].message;
    }
    catch {
        // a body that is no JSON: the status says it
    }
    return { missing: text };
}
async function fetchManifest(session, api, reference) {
    const reply = await session.send('GET', manifestUrl(api, reference), { Accept: MANIFEST_TYPES.join(', ') });
    if (reply.status === 404)
        return missing(reply);
    if (reply.status !== 200)
        throw otherStatus(reply, `manifest ${reference}`);
    const digest = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(reply.body).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference)
        throw new registry_api_Unsupported(`manifest ${reference}: the body's digest is ${digest}`);
    const header = (reply.headers['content-type'] ?? '').split(';')[0].trim();
    let mediaType = header;
    if (!MANIFEST_TYPES.includes(mediaType)) {
        try {
            mediaType = JSON.parse(reply.body.toString('utf8')).mediaType ?? '';
        }
        catch {
            mediaType = '';
        }
    }
    if (!MANIFEST_TYPES.includes(mediaType))
        throw new registry_api_Unsupported(`manifest ${reference}: a media type this client does not know (${header || 'none'})`);
    return { ok: { digest, mediaType, body: reply.body } };
}
/** The manifest (or index) a reference names, as the registry serves it, bytes and all. */
async function getManifest(ref, limit) {
    return withSession(ref, 'pull', limit, (session, api) => fetchManifest(session, api, api.reference));
}
/** Whether a tag is there (HEAD on its manifest). */
async function manifestExists(ref, limit) {
    return withSession(ref, 'pull', limit, async (session, api) => {
        const reply = await session.send('HEAD', manifestUrl(api), { Accept: MANIFEST_TYPES.join(', ') });
        if (reply.status === 200)
            return { ok: true };
        if (reply.status === 404)
            return { missing: 'manifest unknown' };
        throw otherStatus(reply, `manifest ${api.reference}`);
    });
}
/** Pure: an OCI index or Docker manifest list's platforms (the `unknown/unknown` attestation entries left out). */
function parseIndex(json) {
    const index = JSON.parse(json);
    return (index.manifests ?? [])
        .filter(m => m.platform?.os && m.platform.os !== 'unknown')
        .map(m => ({ platform: [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'), digest: m.digest }));
}
/**
 * A reference's digest and its image config's labels; for an index, those of the platform that sorts
 * first (as `imagetools inspect --format '{{json .}}'` lists them), attestations left out.
 */
async function inspectManifest(ref, limit) {
    return withSession(ref, 'pull', limit, async (session, api) => {
        const top = await fetchManifest(session, api, api.reference);
        if ('missing' in top)
            return top;
        let manifest = JSON.parse(top.ok.body.toString('utf8'));
        if (manifest.manifests) {
            const platforms = parseIndex(top.ok.body.toString('utf8')).sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
            if (platforms.length === 0)
                return { ok: { digest: top.ok.digest, labels: {} } };
            const child = await fetchManifest(session, api, platforms[0].digest);
            if ('missing' in child)
                throw new registry_api_Unsupported(`the index names ${platforms[0].digest}, which the registry does not have`);
            manifest = JSON.parse(child.ok.body.toString('utf8'));
        }
        const configDigest = manifest.config?.digest;
        if (!configDigest)
            throw new registry_api_Unsupported('a manifest without a config');
        const reply = await session.send('GET', `${api.base}/v2/${api.repository}/blobs/${configDigest}`);
        if (reply.status !== 200)
            throw otherStatus(reply, `config ${configDigest}`);
        const config = JSON.parse(reply.body.toString('utf8'));
        return { ok: { digest: top.ok.digest, labels: config.config?.Labels ?? {} } };
    });
}
/**
 * Tags of the source's repository made to name the source's manifest: the same bytes put under each
 * tag, so the same digest (what `imagetools create --prefer-index=false` does), no blob moved.
 */
async function copyManifest(source, targets, limit) {
    const from = parseRef(source);
    const to = targets.map(parseRef);
    if (!from || !from.reference.startsWith('sha256:'))
        return { unsupported: `the source is not named by its digest: ${source}` };
    if (to.some(t => !t || t.base !== from.base || t.repository !== from.repository || t.reference.startsWith('sha256:'))) {
        return { unsupported: 'a tag in another repository: its blobs would have to be copied' };
    }
    return withSession(source, 'pull,push', limit, async (session, api) => {
        const manifest = await fetchManifest(session, api, from.reference);
        if ('missing' in manifest)
            throw new registry_api_Unsupported(`${source}: ${manifest.missing}`);
        for (const target of to) {
            const reply = await session.send('PUT', manifestUrl(api, target.reference), { 'Content-Type': manifest.ok.mediaType }, manifest.ok.body);
            if (reply.status !== 201 && reply.status !== 200)
                throw otherStatus(reply, `tag ${target.reference}`);
            const answered = reply.headers['docker-content-digest'];
            if (answered && answered !== manifest.ok.digest)
                throw new registry_api_Unsupported(`tag ${target.reference}: the registry stored ${String(answered)}`);
        }
        return { ok: manifest.ok.digest };
    });
}

;// CONCATENATED MODULE: ./src/registry.ts
// What the registry holds: an image's digest and labels, whether a tag is there, an index's platforms.
// Asked through the registry's HTTP API first (registry-api.ts), and through `docker buildx imagetools`
// (the runner's docker login, its own auth and TLS settings) when that client cannot answer. A missing
// tag and a registry that fails are told apart: only the first is a first build.



/** `not found` / `manifest unknown`: the tag is not there; anything else is the registry failing. */
function isMissing(text) {
    if (/unauthori[sz]ed|denied|forbidden|\b40[13]\b|authentication required/i.test(text))
        return false;
    return /manifest unknown|: not found\b|\bnot found$|404 Not Found|no such manifest/i.test(text);
}
/** The API's answer, or undefined when it could not give one (buildx is asked then). */
function answered(ref, answer) {
    if (!('unsupported' in answer))
        return answer;
    core/* debug */.Yz(`${ref}: the registry's HTTP API could not answer (${answer.unsupported}); asking docker buildx imagetools`);
    return undefined;
}
async function inspectImage(ref, limit) {
    const api = answered(ref, await inspectManifest(ref, limit));
    if (api)
        return 'ok' in api ? { image: { ref, ...api.ok } } : api;
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .}}', ref], limit, captureStdout: true });
    if (result.exitCode !== 0) {
        const why = result.timedOut ? `no answer (${result.timedOut})` : (0,run_process/* lastLine */.fM)(result.tail).replace(/^ERROR:\s*/, '');
        return isMissing(why) ? { missing: why } : { problem: why };
    }
    try {
        return { image: parseInspect(ref, result.stdout) };
    }
    catch (error) {
        return { problem: `unreadable answer: ${error.message}` };
    }
}
/** Pure: `imagetools inspect --format '{{json .}}'` output. */
function parseInspect(ref, json) {
    const data = JSON.parse(json);
    const digest = data.manifest?.digest;
    if (!digest)
        throw new Error('no manifest digest');
    // A single image has its config here; an index has one per platform.
    const image = data.image;
    let labels = {};
    if (image && 'config' in image)
        labels = image.config?.Labels ?? {};
    else if (image)
        labels = Object.values(image)[0]?.config?.Labels ?? {};
    return { ref, digest, labels };
}
/** Whether a tag is there, by its raw manifest (a registry cache manifest is no image to inspect). */
async function tagExists(ref, limit) {
    const api = answered(ref, await manifestExists(ref, limit));
    if (api)
        return 'ok' in api ? { found: true } : api;
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--raw', ref], limit });
    if (result.exitCode === 0)
        return { found: true };
    const why = result.timedOut ? `no answer (${result.timedOut})` : (0,run_process/* lastLine */.fM)(result.tail).replace(/^ERROR:\s*/, '');
    return isMissing(why) ? { missing: why } : { problem: why };
}

/** The image manifests an index holds, one per platform (attestations left out). */
async function platformManifests(ref, limit) {
    const api = answered(ref, await getManifest(ref, limit));
    let json;
    if (api) {
        if (!('ok' in api))
            return { problem: 'missing' in api ? api.missing : api.problem };
        json = api.ok.body.toString('utf8');
    }
    else {
        const result = await (0,run_process/* runProcess */.R3)({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--raw', ref], limit, captureStdout: true });
        if (result.exitCode !== 0)
            return { problem: result.timedOut ?? (0,run_process/* lastLine */.fM)(result.tail) };
        json = result.stdout;
    }
    try {
        return parseIndex(json);
    }
    catch (error) {
        return { problem: `unreadable index: ${error.message}` };
    }
}

;// CONCATENATED MODULE: ./src/compare.ts
// What latest in the registry says of this build: whether it was built from the same inputs (then
// every step comes from the layer cache), and whether its commit already contains this one (then
// this run moves neither latest nor the default branch's cache tags backwards).









/**
 * The hash is labelled on every image; it covers every context entry BuildKit receives, the
 * Dockerfile, the build arguments, the target, the platform built for, the digest each image the
 * build pulls resolves to now, the environment buildx reads, and in prebuild mode what go build reads
 * (context-hash.ts lists it all). latest is read when something uses the answer: the cache-mount mode (its Go caches would be
 * restored for nothing), the pull path (it orders its two builds by it), a run that may move latest
 * (its revision label).
 */
async function compareWithLatest(config, options) {
    const started = Date.now();
    const latestRef = `${config.image.name}:latest`;
    const lookup = limits(config).lookup;
    const wanted = options.uses !== undefined || options.mayMoveLatest;
    const env = options.env ?? process.env;
    // From the docker CLI's and buildx's state files: no process asked.
    const platform = readBuildPlatform(config, env);
    // The registry is asked and the context read at once (once the rules are known): the hash needs both.
    const asking = Promise.all([
        resolveImages(config, options.baseLookups, platform),
        wanted ? inspectImage(latestRef, lookup) : Promise.resolve(undefined)
    ]);
    // Rules still being probed are most likely buildx's (every docker CLI since 23): the context is read
    // under them at once, and again only if the probe says otherwise.
    const first = options.rules instanceof Promise ? 'buildx' : options.rules;
    const read = readContext(buildInputsOf(config, { rules: first }));
    read.catch(() => undefined);
    const context = Promise.resolve(options.rules).then(rules => (rules === first ? read : readContext(buildInputsOf(config, { rules }))));
    // Awaited only after the registry's answers: a failure meanwhile is not an unhandled rejection.
    context.catch(() => undefined);
    // Prebuild mode: what go build on the runner reads, asked meanwhile too (go env, git, the module's tree).
    const goBuilding = config.goCache.prebuild ? readGoBuild(config, lookup) : undefined;
    goBuilding?.catch(() => undefined);
    const [digests, previous] = await asking;
    const rules = await options.rules;
    const goBuild = await goBuilding;
    const hashed = await hashBuildInputs(buildInputsOf(config, { baseDigests: digests.digests, rules, platform, env, goBuild }), {}, context);
    // What the hash met in the context (its entry bound reached, a file it could not read) is said
    // whatever follows; image digests it lacks are said below, where they matter.
    for (const note of hashed.notes.filter(n => !n.startsWith('no digest for ')))
        core/* notice */.lm(`Inputs hash: ${note}`);
    for (const remark of goBuild?.remarks ?? [])
        core/* notice */.lm(`Inputs hash: ${remark}`);
    const found = `inputs ${hashed.hash.slice(0, 12)} (${hashed.entries} entries, ${(hashed.bytes / 1e6).toFixed(1)} MB, with ${Object.keys(digests.digests).length} image digests, in ${((Date.now() - started) / 1000).toFixed(1)} s)`;
    // An inexact hash is still labelled (salted: it matches nothing), so a later run never copies this image.
    const hash = hashed.hash;
    const skip = (why, latest, latestProblem) => ({
        inputs: { hash, unchanged: false, note: `${found}; not compared with ${latestRef}: ${why}` },
        latest,
        latestProblem
    });
    if (!wanted || !previous)
        return skip('nothing here uses the answer');
    if ('missing' in previous)
        return skip(`it is not in the registry (${previous.missing})`);
    if ('problem' in previous) {
        core/* warning */.$e(`Reading ${latestRef} failed (${previous.problem}); building without its cache, as if it had other inputs`);
        return skip(previous.problem, undefined, previous.problem);
    }
    const latest = previous.image;
    if (config.noCache)
        return skip('no-cache', latest);
    if (options.uses === undefined)
        return skip('nothing here uses the answer', latest);
    if (!hashed.exact)
        return skip(`the hash is not exact (${[...digests.problems, ...hashed.notes].join('; ')})`, latest);
    const theirs = latest.labels[INPUTS_LABEL];
    if (theirs === hash) {
        return {
            inputs: {
                hash,
                unchanged: true,
                note: `${latestRef} was built from the same ${found}: every step should come from the layer cache (${options.uses})`
            },
            latest
        };
    }
    return skip(theirs ? `it was built from other inputs (${theirs.slice(0, 12)})` : `it has no ${INPUTS_LABEL} label`, latest);
}
/** The digest each image the build pulls resolves to now: a moved base image means a rebuild. */
async function resolveImages(config, lookups = new Map(), platform) {
    // The refs the hash will look for: FROM lines may name the platforms.
    const refs = imageRefsOf(buildInputsOf(config, { platform }), config.dockerfile);
    const lookUp = (ref) => {
        if (!lookups.has(ref))
            lookups.set(ref, inspectImage(ref, limits(config).lookup));
        return lookups.get(ref);
    };
    const found = await Promise.all(refs.map(async (ref) => ({ ref, answer: await lookUp(ref) })));
    const digests = {};
    const problems = [];
    for (const { ref, answer } of found) {
        if ('image' in answer)
            digests[ref] = answer.image.digest;
        else
            problems.push(`${ref}: ${'missing' in answer ? answer.missing : answer.problem}`);
    }
    return { digests, problems };
}
/**
 * Whether latest's commit already contains `commit` (this run is older): no when the event shows
 * latest's commit to be older (a fast-forward push from it or past it), else as git answers, asked of
 * the workspace's repository (what is checked out), never of a context's own .git; undefined when git
 * cannot tell (a shallow clone).
 */
async function latestIsAhead(config, latest, policy) {
    const revision = latest?.labels[REVISION_LABEL];
    if (!revision || revision === config.commit || policy.olderCommits.includes(revision))
        return { revision, ahead: false };
    return { revision, ahead: await isAncestor(config.workspace, config.commit, revision, limits(config).lookup) };
}
/** Why latest stays when git cannot say whether its commit contains this one: never backwards, so never on a guess. */
function cannotTellWhy(revision, commit) {
    return `git cannot tell whether latest's commit ${revision.slice(0, 12)} contains ${commit.slice(0, 12)} (a shallow clone: actions/checkout with fetch-depth: 0 lets it): latest stays where it is`;
}
/**
 * An older commit (a re-run, a manual rebuild of an old ref) moves neither latest nor the default
 * branch's cache tags: they hold a newer commit's build.
 */
function holdBack(policy, revision, commit) {
    const why = `latest is at ${revision.slice(0, 12)}, which already contains ${commit.slice(0, 12)}: latest never moves backwards`;
    const defaultScope = policy.writeScope?.suffix === '';
    return {
        ...policy,
        latest: policy.latest.move ? { move: false, why } : policy.latest,
        writeScope: defaultScope ? undefined : policy.writeScope,
        notes: [
            ...policy.notes,
            ...(defaultScope ? [`the default branch's cache tags are not written: ${why.replace(': latest never moves backwards', '')}`] : [])
        ]
    };
}
/**
 * The cache tags the build would read, asked first with a short limit: one the registry fails to
 * answer for (5xx, 401, no answer) is left out, with a warning that names it, rather than letting
 * BuildKit wait on it or take a refusal for a first build.
 */
async function lookUpCacheTags(config, refs) {
    const answers = await Promise.all(refs.map(async (ref) => ({ ref, answer: await tagExists(ref, limits(config).lookup) })));
    const unreadable = [];
    const present = [];
    for (const { ref, answer } of answers) {
        if ('problem' in answer) {
            core/* warning */.$e(`Cache tag ${ref} could not be read (${answer.problem}); building without it`);
            unreadable.push(ref);
        }
        else if ('missing' in answer)
            core/* info */.pq(`Cache tag ${ref} is not in the registry yet (a first build of this branch)`);
        else
            present.push(ref);
    }
    return { unreadable, present };
}

// EXTERNAL MODULE: ./node_modules/@actions/glob/lib/glob.js + 17 modules
var glob = __webpack_require__(2377);
;// CONCATENATED MODULE: ./src/cache/trim.ts
// Keep the saved Go caches to what this build used, so they stay flat over many go.sum changes.
// GOMODCACHE: the module versions the go.sum files list. GOCACHE: the entries Go marked as used:
// Go sets an entry's mtime to now when it uses one whose mtime is over an hour old, so entries are
// aged two hours before the build, and those still at that age after it were not used.



/**
 * How far restored GOCACHE entries are aged before a build: two hours, older than Go's one-hour
 * marking interval, so that Go marks each one the build uses.
 */
const AGED_MS = 2 * 60 * 60 * 1000;
/** Go's module path escaping for the file system: an upper-case letter becomes '!' + lower case. */
function escapeModulePath(p) {
    return p.replace(/[A-Z]/g, c => `!${c.toLowerCase()}`);
}
/** `escaped-path@escaped-version` of every module version the go.sum files list. */
function modulesInGoSums(goSums) {
    const keep = new Set();
    for (const text of goSums) {
        for (const line of text.split('\n')) {
            const [module, version] = line.trim().split(/\s+/);
            if (!module || !version)
                continue;
            keep.add(`${escapeModulePath(module)}@${escapeModulePath(version.replace(/\/go\.mod$/, ''))}`);
        }
    }
    return keep;
}
/** Remove the module versions (extracted folders and download files) that `keep` does not list. */
async function pruneModuleCache(root, keep) {
    const pruned = { files: 0, bytes: 0 };
    const walk = async (dir, rel) => {
        for (const entry of await (0,src_files/* readdir */.Cy)(dir)) {
            const full = external_node_path_.join(dir, entry.name);
            const relPath = rel ? `${rel}/${entry.name}` : entry.name;
            if (!entry.isDirectory())
                continue;
            if (relPath === 'cache') {
                await pruneDownloads(external_node_path_.join(full, 'download'), '', keep, pruned);
            }
            else if (entry.name.includes('@')) {
                if (!keep.has(relPath))
                    await remove(full, pruned);
            }
            else {
                await walk(full, relPath);
            }
        }
    };
    await walk(root, '');
    return pruned;
}
async function pruneDownloads(dir, rel, keep, pruned) {
    for (const entry of await (0,src_files/* readdir */.Cy)(dir)) {
        const full = external_node_path_.join(dir, entry.name);
        if (!entry.isDirectory())
            continue;
        if (entry.name === '@v') {
            for (const file of await (0,src_files/* readdir */.Cy)(full)) {
                const version = /^(.*)\.(zip|ziphash|mod|info|lock|partial)$/.exec(file.name)?.[1];
                if (version !== undefined && !keep.has(`${rel}@${version}`))
                    await remove(external_node_path_.join(full, file.name), pruned);
            }
        }
        else if (!(rel === '' && entry.name === 'sumdb')) {
            await pruneDownloads(full, rel ? `${rel}/${entry.name}` : entry.name, keep, pruned);
        }
    }
}
const ENTRY_DIR = /^[0-9a-f]{2}$/;
/** Set every GOCACHE entry's times to `when`. */
async function ageBuildCache(root, when) {
    let count = 0;
    await forEachEntry(root, async (file) => {
        await promises_.utimes(file, when, when);
        count++;
    });
    return count;
}
/**
 * Move the entries of a restored delta folder into GOCACHE, aged to `agedTo` so that Go marks those
 * it uses (they belong in the next delta); answers their names (`xx/name`).
 */
async function adoptDelta(deltaDir, root, agedTo) {
    const names = [];
    await forEachEntry(deltaDir, async (file) => {
        const name = external_node_path_.relative(deltaDir, file);
        const target = external_node_path_.join(root, name);
        await promises_.mkdir(external_node_path_.dirname(target), { recursive: true });
        await promises_.utimes(file, agedTo, agedTo);
        await promises_.rename(file, target);
        names.push(name);
    });
    await (0,src_files/* removeTree */.dM)(deltaDir);
    return names;
}
/** Copy the GOCACHE entries written or marked after `since` into a new folder `into`; answers their names. */
async function collectNewer(root, since, into) {
    await (0,src_files/* removeTree */.dM)(into);
    const names = [];
    await forEachEntry(root, async (file) => {
        const stat = await promises_.stat(file);
        if (stat.mtimeMs <= since.getTime())
            return;
        const name = external_node_path_.relative(root, file);
        await promises_.mkdir(external_node_path_.join(into, external_node_path_.dirname(name)), { recursive: true });
        await promises_.copyFile(file, external_node_path_.join(into, name));
        await promises_.utimes(external_node_path_.join(into, name), stat.atime, stat.mtime);
        names.push(name);
    });
    return names;
}
/** The entries of a GOCACHE-shaped folder (`xx/name`). */
async function entryNames(root) {
    const names = [];
    // eslint-disable-next-line @typescript-eslint/require-await -- forEachEntry awaits each call.
    await forEachEntry(root, async (file) => {
        names.push(external_node_path_.relative(root, file));
    });
    return names;
}
/** Remove GOCACHE entries whose mtime is still before `usedAfter`: Go did not use them. */
async function pruneBuildCache(root, usedAfter) {
    const pruned = { files: 0, bytes: 0 };
    await forEachEntry(root, async (file) => {
        const stat = await promises_.stat(file);
        if (stat.mtimeMs < usedAfter.getTime())
            await remove(file, pruned, stat.size);
    });
    return pruned;
}
async function forEachEntry(root, fn) {
    for (const sub of await (0,src_files/* readdir */.Cy)(root)) {
        if (!sub.isDirectory() || !ENTRY_DIR.test(sub.name))
            continue;
        for (const file of await (0,src_files/* readdir */.Cy)(external_node_path_.join(root, sub.name))) {
            if (file.isFile())
                await fn(external_node_path_.join(root, sub.name, file.name));
        }
    }
}
async function remove(target, pruned, size) {
    const stat = await promises_.lstat(target);
    if (stat.isDirectory()) {
        const inner = await (0,src_files/* treeSize */.Uz)(target);
        pruned.files += inner.files;
        pruned.bytes += inner.bytes;
        await (0,src_files/* removeTree */.dM)(target);
        return;
    }
    pruned.files++;
    pruned.bytes += size ?? stat.size;
    // Module cache files are read-only; their folder must be writable to unlink them.
    await promises_.chmod(external_node_path_.dirname(target), 0o755).catch(() => undefined);
    await promises_.rm(target, { force: true });
}

;// CONCATENATED MODULE: ./src/cache/keep-used.ts
// Around the build: mark the restored GOCACHE entries old, then keep only what the build used.





async function ageRestoredBuildCache(dirs) {
    const agedTo = new Date(Date.now() - AGED_MS);
    const count = await ageBuildCache(dirs.build, agedTo);
    core/* info */.pq(`Marked ${count} restored GOCACHE files as unused; the build marks those it uses`);
    return agedTo;
}
/** Before the save: drop module versions no go.sum lists, and GOCACHE entries the build did not use. */
async function keepOnlyUsed(dirs, context, dependencyPaths, agedTo) {
    const globber = await glob/* create */.v(dependencyPaths.map(p => external_node_path_.join(context, p)).join('\n'));
    const goSums = (await globber.glob()).filter(file => external_node_path_.basename(file) === 'go.sum');
    const keep = modulesInGoSums(await Promise.all(goSums.map(file => promises_.readFile(file, 'utf8'))));
    const modules = goSums.length ? await pruneModuleCache(dirs.mod, keep) : { files: 0, bytes: 0 };
    // Entries were aged only after a partial restore; after a miss everything in GOCACHE is this build's.
    const build = agedTo ? await pruneBuildCache(dirs.build, new Date(agedTo.getTime() + AGED_MS / 4)) : { files: 0, bytes: 0 };
    core/* info */.pq(`Kept what the build used: removed ${modules.files} module files (${mb(modules.bytes)}) and ${build.files} GOCACHE files (${mb(build.bytes)})`);
    return { modules, build };
}
function mb(bytes) {
    return `${(bytes / 1e6).toFixed(1)} MB`;
}

// EXTERNAL MODULE: ./src/cache/worker.ts
var worker = __webpack_require__(3766);
;// CONCATENATED MODULE: ./src/cache/restore.ts
// Restore the Go caches through the Actions cache, before the build. A cache that misbehaves
// never fails the build: warn and go on without it.










/** Where the caches are used: the Dockerfile's cache mounts, or go build on the runner. */
function goCacheUsers(config) {
    const mounts = goMounts(config.dockerfile, config.goCache.mounts);
    const stage = config.dockerfile.stages.find(s => s.name === mounts[0]?.mount.stage);
    const args = {
        ...config.dockerfile.globalArgs,
        ...Object.fromEntries(config.buildArgs.map(a => a.split(/=(.*)/s).slice(0, 2)))
    };
    return { mounts, baseImage: stage ? expandArgs(stage.baseImage, args) : '' };
}
/** The key of the Go caches for this build, and where they are used; undefined when they are not used (and why, in the log). */
async function goCacheKeyFor(config, facts) {
    const { mounts, baseImage } = goCacheUsers(config);
    if (!config.goCache.enabled) {
        core/* info */.pq(`Go caches not used: ${config.goCache.skipped}`);
        return undefined;
    }
    if (mounts.length === 0 && !config.goCache.prebuild) {
        core/* info */.pq('Go caches not used: the Dockerfile has no Go cache mounts (RUN --mount=type=cache,target=…/pkg/mod or …/go-build) and prebuild is off');
        return undefined;
    }
    // go.mod and the go.sum files are the checked-out code's: read only up to a few MB each.
    const goMod = (0,src_files/* readTextBounded */.LW)(external_node_path_.join(config.context, 'go.mod'));
    if (goMod && 'tooBig' in goMod) {
        core/* warning */.$e(`Go caches not used: ${external_node_path_.join(config.context, 'go.mod')} holds ${goMod.tooBig} bytes, more than ${src_files/* MAX_INPUT_FILE_BYTES */.hu}`);
        return undefined;
    }
    const goVersion = (config.goCache.prebuild ? facts.go?.version : goVersionOfTag(baseImage.split(':').pop())) ?? goVersionOfGoMod(goMod?.text ?? '') ?? 'go';
    const patterns = config.goCache.dependencyPaths.map(p => external_node_path_.join(config.context, p)).join('\n');
    const deps = await hashDependencyFiles(patterns, config.context);
    if ('problem' in deps) {
        core/* warning */.$e(`Go caches not used: no cache key, ${deps.problem}`);
        return undefined;
    }
    return { ...goCacheKey({ ...facts.runner, goVersion, depsHash: deps.hash || 'no-dependency-files' }), mounts, baseImage };
}
/** All the files of the cache key together: a few of a few MB each, not the runner's disk. */
const MAX_DEPENDENCY_BYTES = 64 * 1024 * 1024;
/**
 * The hash of the files the patterns match under `root`, exactly as @actions/glob's hashFiles makes it
 * (the SHA-256 of each file's SHA-256, in the glob's order; '' when none match), with every read
 * bounded: a file over MAX_INPUT_FILE_BYTES, all of them over MAX_DEPENDENCY_BYTES, or a match that is
 * no regular file (a link to a device) is a problem, not a key.
 */
async function hashDependencyFiles(patterns, root) {
    const globber = await glob/* create */.v(patterns, { followSymbolicLinks: true });
    const result = (0,external_node_crypto_.createHash)('sha256');
    let total = 0;
    let matched = false;
    for await (const file of globber.globGenerator()) {
        if (!file.startsWith(`${root}${external_node_path_.sep}`))
            continue;
        const stat = await promises_.stat(file).catch(() => undefined);
        if (stat?.isDirectory())
            continue;
        const read = (0,src_files/* readBounded */.CB)(file);
        if (!read)
            return { problem: `${file} cannot be read as a file` };
        if ('tooBig' in read)
            return { problem: `${file} holds ${read.tooBig} bytes, more than ${src_files/* MAX_INPUT_FILE_BYTES */.hu}` };
        total += read.bytes.length;
        if (total > MAX_DEPENDENCY_BYTES)
            return { problem: `the files matched by go-cache-dependency-path hold more than ${MAX_DEPENDENCY_BYTES} bytes` };
        result.write((0,external_node_crypto_.createHash)('sha256').update(read.bytes).digest());
        matched = true;
    }
    result.end();
    return { hash: matched ? result.digest('hex') : '' };
}
/**
 * Restores the entry of `key` (or the newest of its restore keys) into the runner's Go folders. A
 * `cancel` signal stops it (the builder turned out to hold the caches already: the caller says so):
 * the folders, maybe half made, are emptied, and nothing is restored.
 */
async function restoreGoCaches(config, facts, found, cancel) {
    const { key, restoreKeys, deltaPrefix, mounts, baseImage } = found;
    const paths = [facts.goDirs.mod, facts.goDirs.build];
    const deltaDir = deltaDirOf(facts.goDirs);
    const started = Date.now();
    let matchedKey;
    let note;
    let delta;
    const unavailable = 'the Actions cache service is not available here';
    if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL)
        note = unavailable;
    else {
        // Bounded like a build: a total limit of idle-timeout (the library prints nothing while it downloads).
        const limit = { totalMs: limits(config).activity.idleMs };
        const deltaKey = `${deltaPrefix}${config.commit}`;
        await (0,src_files/* removeTree */.dM)(deltaDir);
        // The newest delta of this key comes down beside the key's entry; it is used only with an exact hit.
        const [result, deltaResult] = await Promise.all([
            (0,worker/* runCacheJob */.l)({ op: 'restore', paths, key, restoreKeys }, limit, undefined, cancel),
            (0,worker/* runCacheJob */.l)({ op: 'restore', paths: [deltaDir], key: deltaKey, restoreKeys: [deltaPrefix] }, limit, undefined, cancel)
        ]);
        if (cancel?.aborted) {
            await Promise.all([...paths, deltaDir].map(dir => (0,src_files/* removeTree */.dM)(dir)));
            return { key, restoreKeys, hit: 'miss', note: 'stopped', paths, bytes: 0, seconds: (Date.now() - started) / 1000, mounts, baseImage };
        }
        if (result.unavailable)
            note = unavailable;
        else if (result.error || result.restoreFailed) {
            // What a failed download or unpack left is half a cache: none is better.
            await Promise.all(paths.map(dir => (0,src_files/* removeTree */.dM)(dir)));
            note = `restoring the Go caches failed (${result.error ?? `the entry ${result.matchedKey} could not be downloaded or unpacked`}); the folders were emptied and the build goes on without them`;
            core/* warning */.$e(note);
        }
        else
            matchedKey = result.matchedKey;
        if (classifyHit(key, matchedKey) === 'exact') {
            // A delta that failed half-way is only left out: the key's entry is whole without it.
            const deltaOk = deltaResult.matchedKey !== undefined && !deltaResult.error && !deltaResult.restoreFailed;
            if (deltaResult.error || deltaResult.restoreFailed)
                core/* warning */.$e(`Restoring the newest delta of the Go caches failed (${deltaResult.error ?? 'it could not be downloaded or unpacked'}); going on without it`);
            delta = await prepareForDelta(facts.goDirs.build, deltaDir, deltaKey, deltaOk ? deltaResult.matchedKey : undefined);
        }
    }
    await (0,src_files/* removeTree */.dM)(deltaDir);
    const hit = classifyHit(key, matchedKey);
    if (hit === 'exact')
        await markRunnerFolders(facts.goDirs, key);
    const bytes = hit === 'miss' ? 0 : (await Promise.all(paths.map(src_files/* folderSize */.Ip))).reduce((a, b) => a + b, 0);
    return { key, restoreKeys, hit, matchedKey, paths, bytes, seconds: (Date.now() - started) / 1000, mounts, baseImage, note, delta };
}
/** Thirty minutes: the key's entries are this old (Go leaves entries under an hour old unmarked). */
const RECENT_MS = 30 * 60 * 1000;
/** Twenty minutes ago: `since`, between the key's entries and anything the build writes or marks. */
const SINCE_MS = 20 * 60 * 1000;
/**
 * After an exact hit: the key's entries are made recent (Go leaves entries under an hour old
 * unmarked), the delta's entries are moved in aged (Go marks those it uses); whatever is newer than
 * `since` after the build was compiled or used beyond the key's entry: the next delta. Minutes lie
 * between `since` and both sides, so a comparison in whole seconds (busybox's find) still holds.
 */
async function prepareForDelta(buildDir, deltaDir, key, matchedKey) {
    const now = Date.now();
    await ageBuildCache(buildDir, new Date(now - RECENT_MS));
    const restored = matchedKey ? await adoptDelta(deltaDir, buildDir, new Date(now - AGED_MS)) : [];
    if (matchedKey)
        core/* info */.pq(`Restored the delta ${matchedKey}: ${restored.length} GOCACHE entries compiled since the key's entry`);
    return { key, matchedKey, restored, dir: deltaDir, since: new Date(now - SINCE_MS).toISOString() };
}
/** The runner's Go folders name the key whose caches they hold; a failure only loses the next warm skip. */
async function markRunnerFolders(dirs, key) {
    try {
        await Promise.all([dirs.mod, dirs.build].map(dir => promises_.writeFile(external_node_path_.join(dir, MOUNT_MARKER), `${key}\n`)));
    }
    catch (error) {
        core/* debug */.Yz(`The Go folders could not be marked with ${key}: ${error.message}`);
    }
}
/** The key both of the runner's Go folders name, if they name the same one. */
function keyOfRunnerFolders(dirs) {
    const [mod, build] = [dirs.mod, dirs.build].map(dir => (0,src_files/* readTextIfExists */.TP)(external_node_path_.join(dir, MOUNT_MARKER))?.trim());
    return mod && mod === build ? mod : undefined;
}

;// CONCATENATED MODULE: ./src/cache/mount-probe.ts
// Before the restore: does the builder's BuildKit already hold this key's Go caches in its cache
// mounts? Then neither the restore nor the fill is needed (a self-hosted runner, a remote BuildKit,
// a second build on the same machine). The probe is a throwaway build; any failure only means "no".






async function probeMounts(go, facts, build, limit) {
    const started = Date.now();
    // A builder with no cache mount at all (a fresh one) holds no Go caches: said without a build.
    const records = planCacheMountRecords(build);
    if (records) {
        const listed = await (0,run_process/* runProcess */.R3)({ argv: records, limit, captureStdout: true });
        const count = listed.exitCode === 0 ? countCacheMountRecords(listed.stdout) : undefined;
        if (count === 0)
            return { warm: false, seconds: (Date.now() - started) / 1000, said: 'the builder holds no cache mount yet' };
    }
    const probe = planMountProbe(go, facts, build, limit);
    (0,src_files/* writePlanFiles */.ip)(probe.files);
    external_node_fs_.rmSync(probe.out, { recursive: true, force: true });
    const result = await (0,run_process/* runProcess */.R3)({ argv: probe.step.argv, env: probe.step.env, limit: probe.step.limit });
    const seconds = (Date.now() - started) / 1000;
    if (result.exitCode !== 0)
        return { warm: false, seconds, said: `the probe build failed (${result.timedOut ?? (0,run_process/* lastLine */.fM)(result.tail)})` };
    const markers = go.mounts.map((_, i) => (0,src_files/* readTextIfExists */.TP)(external_node_path_.join(probe.out, String(i))));
    external_node_fs_.rmSync(probe.out, { recursive: true, force: true });
    const warm = mountsHoldKey(markers, go.key);
    const said = go.mounts.map(({ mount }, i) => `${mount.id}: ${markers[i]?.trim() || 'no marker'}`).join(', ');
    return { warm, seconds, said };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/images.ts
// Several images of a monorepo in one step: the `images` input (YAML, or the path of a YAML file in
// the workspace) names each image and what differs for it; every other input is shared. Each image
// is then read as a Config of its own, from its values over the shared inputs. Pure but for reading
// the file the input names.






/** What an image may set for itself; the rest of the inputs are the step's, shared by all. */
const PER_IMAGE = [
    'image',
    'context',
    'file',
    'builder-target',
    'build-args',
    'labels',
    'tags',
    'platforms',
    'prebuild',
    'prebuild-output',
    'go-cache-mounts'
];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** The file the `images` input names (one line ending in .yml or .yaml); undefined when it holds the YAML itself. */
function imagesFile(raw) {
    const text = raw.trim();
    return text !== '' && !text.includes('\n') && /\.ya?ml$/i.test(text) ? text : undefined;
}
/** The images of the `images` input, in the order written; none when it is empty. */
function parseImages(raw, workspace, { fileRefused } = {}) {
    const text = raw.trim();
    if (text === '')
        return [];
    let source = text;
    if (imagesFile(text)) {
        if (fileRefused)
            throw new InputError('images', `the file '${text}' is not read: ${fileRefused}; give the images in the workflow itself`);
        const file = external_node_path_.resolve(workspace, text);
        if (!external_node_fs_.existsSync(file))
            throw new InputError('images', `the file '${text}' does not exist in the workspace`);
        if (!(0,src_files/* realInside */.he)(workspace, file))
            throw outsideWorkspace('images', file, workspace);
        const read = (0,src_files/* readTextBounded */.LW)(file);
        if (!read)
            throw new InputError('images', `the file '${text}' cannot be read`);
        if ('tooBig' in read) {
            throw new InputError('images', `the file '${text}' holds ${read.tooBig} bytes, more than ${src_files/* MAX_INPUT_FILE_BYTES */.hu} (a list of images is far smaller)`);
        }
        source = read.text;
    }
    let data;
    try {
        data = (0,dist/* parse */.qg)(source);
    }
    catch (error) {
        throw new InputError('images', `is not YAML: ${error.message.split('\n')[0]}`);
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
        throw new InputError('images', 'must be a mapping of names to images, e.g.\n  api:\n    image: ghcr.io/acme/api\n    file: cmd/api/Dockerfile');
    }
    return Object.entries(data).map(([name, spec]) => imageOf(name, spec));
}
function imageOf(name, spec) {
    if (!NAME.test(name))
        throw new InputError('images', `'${name}' is not a name (letters, digits, '.', '_', '-')`);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
        throw new InputError('images', `${name}: give a mapping (image, file, …)`);
    const values = {};
    for (const [key, value] of Object.entries(spec)) {
        if (!PER_IMAGE.includes(key)) {
            throw new InputError('images', `${name}.${key} is not set per image (per image: ${PER_IMAGE.join(', ')}; the other inputs are the step's)`);
        }
        if (Array.isArray(value))
            values[key] = value.map(String).join('\n');
        else if (value !== null && typeof value === 'object') {
            // build-args / labels as a mapping: KEY: VALUE.
            values[key] = Object.entries(value)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join('\n');
        }
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar: arrays and mappings were taken above.
        else
            values[key] = value === null ? '' : String(value);
    }
    if (!values.image)
        throw new InputError('images', `${name}.image is required (the repository to push)`);
    return { name, values };
}
/**
 * One Config per image: an image's own values over the step's inputs. Without `images`, the one image
 * the inputs describe (named after its repository).
 */
function readConfigs(input, environment, options = {}) {
    const images = parseImages(input('images'), environment.workspace, options);
    if (images.length === 0) {
        const config = readConfig(input, environment);
        if (input('parallel').trim())
            config.notes.push('parallel is ignored: it bounds the builds of several images (the images input)');
        return [{ name: config.image.name.split('/').pop(), config }];
    }
    if (input('image').trim())
        throw new InputError('image', 'give image or images, not both (with images, each one names its own)');
    const seen = new Set();
    return images.map(({ name, values }) => {
        try {
            const config = readConfig(key => values[key] ?? input(key), environment);
            if (seen.has(config.image.name))
                throw new InputError('image', `'${config.image.name}' is the image of two entries; each pushes its own`);
            seen.add(config.image.name);
            return { name, config };
        }
        catch (error) {
            if (error instanceof InputError)
                throw new InputError(`images.${name}.${error.input}`, error.message.replace(/^Input '[^']*': /, ''));
            throw error;
        }
    });
}

;// CONCATENATED MODULE: ./src/event.ts
// The event a run is for, as the runner gives it: GITHUB_EVENT_NAME, GITHUB_REF and the payload at
// GITHUB_EVENT_PATH. No GitHub API call: everything the trust rules need is in these.

function field(object, ...path) {
    let value = object;
    for (const key of path)
        value = value && typeof value === 'object' ? value[key] : undefined;
    return value;
}
function event_text(object, ...path) {
    const value = field(object, ...path);
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function readEvent(env) {
    const notes = [];
    let payload;
    const file = env.GITHUB_EVENT_PATH;
    if (file) {
        try {
            payload = JSON.parse(external_node_fs_.readFileSync(file, 'utf8'));
        }
        catch (error) {
            notes.push(`the event payload ${file} could not be read (${error.message})`);
        }
    }
    else if (env.GITHUB_EVENT_NAME) {
        notes.push('GITHUB_EVENT_PATH is not set: the event payload is unknown');
    }
    return eventOf(env, payload, notes);
}
/** Pure: the event from the environment and the payload. */
function eventOf(env, payload, notes = []) {
    const name = env.GITHUB_EVENT_NAME ?? '';
    const pr = field(payload, 'pull_request');
    const run = field(payload, 'workflow_run');
    const number = field(pr, 'number') ?? field(payload, 'number');
    const commits = field(payload, 'commits');
    return {
        name,
        ref: env.GITHUB_REF ?? '',
        sha: env.GITHUB_SHA ?? '',
        repository: event_text(payload, 'repository', 'full_name') ?? env.GITHUB_REPOSITORY,
        defaultBranch: event_text(payload, 'repository', 'default_branch'),
        pullRequest: pr
            ? {
                number: typeof number === 'number' ? number : undefined,
                headRef: event_text(pr, 'head', 'ref') ?? env.GITHUB_HEAD_REF,
                baseRef: event_text(pr, 'base', 'ref') ?? env.GITHUB_BASE_REF,
                headRepo: event_text(pr, 'head', 'repo', 'full_name'),
                baseRepo: event_text(pr, 'base', 'repo', 'full_name'),
                headSha: event_text(pr, 'head', 'sha')
            }
            : undefined,
        workflowRun: run
            ? {
                event: event_text(run, 'event'),
                headBranch: event_text(run, 'head_branch'),
                headRepo: event_text(run, 'head_repository', 'full_name'),
                headSha: event_text(run, 'head_sha')
            }
            : undefined,
        push: name === 'push' && payload
            ? {
                before: event_text(payload, 'before'),
                // Only an explicit false says the push was a fast-forward.
                forced: field(payload, 'forced') !== false,
                commits: Array.isArray(commits) ? commits.flatMap(c => event_text(c, 'id') ?? []) : []
            }
            : undefined,
        notes
    };
}

;// CONCATENATED MODULE: ./src/plan/buildx.ts
// The buildx path: one `docker buildx build` on a builder that exports cache to the registry: every
// stage's layers (mode=max) to the run's cache tag, and the image pushed by BuildKit under its commit
// tag. latest and the extra tags follow (the publish step). Pure.



/**
 * Registry cache export options: every stage's layers (mode=max), as an OCI image manifest that
 * ECR and other strict registries accept, and a refused export never fails the build.
 */
const CACHE_EXPORT_OPTIONS = 'mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true';
/** A build on a buildx builder. */
function builderBuild(name) {
    return { argv: ['docker', 'buildx', 'build', '--builder', name], builder: name };
}
function planBuildx(input) {
    const { config, policy, facts, inputs } = input;
    const builder = facts.builder;
    if (!builder)
        throw new Error('the buildx path needs a builder, and none was found');
    const refs = refsFor(config, policy, 'buildx', input.unreadable);
    const notes = [
        `buildx path on builder ${builder.name} (driver ${builder.driver ?? 'unknown'}${builder.endpoint ? `, ${builder.endpoint}` : ''}): registry cache read from ${refs.cacheRead.join(', ') || 'nothing'}, written to ${refs.cacheWrite ?? 'nothing'}`
    ];
    const command = builderBuild(builder.name);
    const secrets = secretFiles(config, policy, facts.tempDir);
    const go = planGoSteps(input, command);
    const useCache = !config.noCache;
    if (!useCache)
        notes.push('no-cache: every step is built again and the caches are written afresh');
    // Under auto the path is known only now (with cache-strategy: buildx the config said so already).
    if (config.pullPrevious && useCache && config.cacheStrategy === 'auto')
        notes.push('pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing');
    if (!policy.push)
        notes.push(policy.trusted ? 'push: false, nothing is pushed and no cache is exported' : `nothing is pushed: ${policy.who}`);
    const cacheFrom = useCache ? refs.cacheRead : [];
    const metadataFile = external_node_path_.join(facts.tempDir, 'final.metadata.json');
    const build = {
        id: 'build-final',
        phase: 'build-final',
        title: 'Build the image',
        argv: [
            ...command.argv,
            '--progress=plain',
            // A tag then names one image manifest, and the digest output is what the registry serves for it.
            '--provenance=false',
            '--file',
            config.file,
            ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
            ...secretFlags(secrets),
            ...(config.network ? ['--network', config.network] : []),
            // RUN steps on the host network need the network.host entitlement on a BuildKit daemon.
            ...(config.network === 'host' ? ['--allow', 'network.host'] : []),
            ...(config.platforms.length ? ['--platform', config.platforms.join(',')] : []),
            ...(useCache ? cacheFrom.flatMap(ref => ['--cache-from', `type=registry,ref=${ref}`]) : ['--no-cache']),
            ...(refs.cacheWrite ? ['--cache-to', `type=registry,ref=${refs.cacheWrite},${CACHE_EXPORT_OPTIONS}`] : []),
            ...ociLabels(config, facts.now, inputs.hash).flatMap(label => ['--label', label]),
            '--tag',
            refs.commit,
            // An image in the builder (pushed or not), so the metadata file has its id and digest.
            '--output',
            `type=image,push=${policy.push}`,
            '--metadata-file',
            metadataFile,
            config.context
        ],
        limit: limits(config).activity,
        onFailure: 'stop',
        // The pull path builds one platform: no fallback to it for several.
        ...(config.cacheStrategy === 'auto' && config.platforms.length === 0 ? { fallback: true } : {}),
        build: { metadataFile, stage: '', cacheFrom, cacheTo: refs.cacheWrite },
        ...(policy.push ? { pushRef: refs.commit, hint: pushHint(config) } : {})
    };
    return {
        strategy: 'buildx',
        refs,
        steps: [...go.before, build],
        readBack: go.after,
        saveGoCaches: go.save,
        saveGoDelta: go.saveDelta,
        files: [...secrets, ...go.files],
        notes
    };
}

;// CONCATENATED MODULE: ./src/plan/platforms.ts
const CROSS_COMPILE_FIX = [
    'FROM --platform=$BUILDPLATFORM golang:1.26 AS builder',
    'ARG TARGETOS TARGETARCH',
    'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build …'
].join('\n');
/** Stages with RUN steps that run on the target platform (their FROM is not on $BUILDPLATFORM). */
function stagesOnTargetPlatform(dockerfile) {
    const runs = new Set(dockerfile.instructions.filter(i => /^RUN\b/i.test(i.text)).map(i => i.stage));
    return dockerfile.stages.filter(s => runs.has(s.name) && !/^\$\{?BUILDPLATFORM\}?$/.test(s.platform ?? '')).map(s => s.name);
}
/** os/arch of a platform (the variant left out), for comparing with the builder's own. */
function osArch(platform) {
    return platform.split('/').slice(0, 2).join('/');
}
function checkPlatforms(config, builder) {
    if (config.platforms.length === 0)
        return {};
    const native = builder?.platforms?.[0] ?? 'linux/amd64';
    const foreign = config.platforms.filter(p => osArch(p) !== osArch(native));
    const emulated = stagesOnTargetPlatform(config.dockerfile);
    if (foreign.length === 0 || emulated.length === 0)
        return {};
    const runnable = new Set((builder?.platforms ?? []).map(osArch));
    const cannot = foreign.filter(p => !runnable.has(osArch(p)));
    const what = `stage${emulated.length > 1 ? 's' : ''} ${emulated.join(', ')} run${emulated.length > 1 ? '' : 's'} RUN steps on the target platform, so for ${foreign.join(', ')} ${emulated.length > 1 ? 'they' : 'it'} would run under emulation (a go build many times slower). Cross-compile on the build platform instead:\n${CROSS_COMPILE_FIX}`;
    if (cannot.length) {
        return {
            error: `Input 'platforms': ${what}\nand builder ${builder?.name ?? '?'} cannot run ${cannot.join(', ')} (its platforms: ${builder?.platforms?.join(', ') ?? 'unknown'})`
        };
    }
    return { warning: what };
}

;// CONCATENATED MODULE: ./src/plan/pull.ts
// The pull path: the seed recipe under BuildKit, with inline cache on the builder stage's cache tag
// and on latest, built by the engine's own BuildKit (docker build). Pure.



/** A build on the engine's own BuildKit. */
const ENGINE_BUILD = { argv: ['docker', 'build'], env: { DOCKER_BUILDKIT: '1' } };
function planPull(input) {
    const { config, policy, facts, inputs } = input;
    const refs = refsFor(config, policy, 'pull', input.unreadable);
    const limit = limits(config);
    const notes = [];
    const steps = [];
    const secrets = secretFiles(config, policy, facts.tempDir);
    const go = planGoSteps(input, ENGINE_BUILD);
    const useCache = !config.noCache;
    if (!useCache)
        notes.push('no-cache: every step is built again and the caches are written afresh');
    if (useCache && config.pullPrevious) {
        for (const ref of [refs.cacheRead.at(0), refs.latest].filter((r) => r !== undefined)) {
            steps.push({
                id: `pull-${tagOf(ref)}`,
                phase: 'pull',
                title: `Pull ${ref}`,
                argv: ['docker', 'pull', ref],
                limit: limit.activity,
                onFailure: 'warn',
                missingIsNormal: true
            });
        }
    }
    steps.push(...go.before);
    const command = [
        'docker',
        'build',
        '--progress=plain',
        '--file',
        config.file,
        '--build-arg',
        'BUILDKIT_INLINE_CACHE=1',
        ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
        ...secretFlags(secrets),
        ...(config.network ? ['--network', config.network] : [])
    ];
    const cacheFrom = (from) => (useCache ? from.flatMap(ref => ['--cache-from', ref]) : ['--no-cache']);
    const finalIid = external_node_path_.join(facts.tempDir, 'final.iid');
    // Local tags for every name the image may get; the publish step pushes latest and the extra ones.
    const finalTags = [refs.commit, ...(refs.moveLatest ? [refs.latest] : []), ...refs.extra];
    const buildFinal = {
        id: 'build-final',
        phase: 'build-final',
        title: 'Build the image',
        argv: [
            ...command,
            ...cacheFrom([...refs.cacheRead, ...(refs.latestReadable ? [refs.latest] : [])]),
            ...ociLabels(config, facts.now, inputs.hash).flatMap(label => ['--label', label]),
            ...finalTags.flatMap(tag => ['--tag', tag]),
            '--iidfile',
            finalIid,
            config.context
        ],
        env: ENGINE_BUILD.env,
        limit: limit.activity,
        onFailure: 'stop',
        build: { iidfile: finalIid, stage: '' }
    };
    // The builder stage is exported and its cache tag pushed unless the tag was in the registry before
    // this build (the look-up before it) and the first build that reached the stage answered it whole.
    const inRegistry = refs.cacheWrite !== undefined && (input.present ?? []).includes(refs.cacheWrite);
    const builderFirst = !useCache || !inputs.unchanged;
    const firstBuild = builderFirst ? 'build-builder' : 'build-final';
    const unlessStageInRegistry = inRegistry && useCache
        ? {
            when: {
                condition: { not: { stageCached: { step: firstBuild, stage: config.builderTarget } } },
                otherwise: `the ${config.builderTarget} stage came whole from the cache and ${refs.cacheWrite} is in the registry already`
            }
        }
        : {};
    if (!config.builderTarget)
        steps.push(buildFinal);
    else {
        // Two orders. When latest was built from these very inputs, the image is built first: every step
        // comes from latest's inline cache, and the builder stage is exported (its layers fetched) only if
        // that stage was not answered whole or its cache tag is missing. Otherwise the builder stage is
        // built first, so that the image's build finds it in the engine's own cache: BuildKit takes each
        // cache key from whichever import answers first, and latest's inline cache names the builder
        // stage's keys without holding their layers (moby/buildkit's combinedCacheManager).
        const builderIid = external_node_path_.join(facts.tempDir, 'builder.iid');
        const buildBuilder = {
            id: 'build-builder',
            phase: 'build-builder',
            title: `Build stage ${config.builderTarget}`,
            argv: [
                ...command,
                '--target',
                config.builderTarget,
                ...cacheFrom(refs.cacheRead),
                ...(refs.cacheWrite ? ['--tag', refs.cacheWrite] : []),
                '--iidfile',
                builderIid,
                config.context
            ],
            env: ENGINE_BUILD.env,
            limit: limit.activity,
            onFailure: 'stop',
            build: { iidfile: builderIid, stage: config.builderTarget },
            ...(builderFirst ? {} : unlessStageInRegistry)
        };
        if (builderFirst)
            steps.push(buildBuilder, buildFinal);
        // Only a run that writes a cache tag needs the stage exported.
        else
            steps.push(buildFinal, ...(refs.cacheWrite ? [buildBuilder] : []));
    }
    if (policy.push) {
        // The commit tag and the cache tag first, together: they are different images, whose shared layers
        // the engine uploads once. latest and the extra tags follow once both are in (the publish step).
        steps.push(pushStep(input, refs.commit));
        if (refs.cacheWrite && config.builderTarget)
            steps.push({ ...pushStep(input, refs.cacheWrite), ...unlessStageInRegistry });
    }
    else {
        notes.push(policy.trusted ? 'push: false, nothing is pushed' : `nothing is pushed: ${policy.who}`);
    }
    return {
        strategy: 'pull',
        refs,
        steps,
        readBack: go.after,
        saveGoCaches: go.save,
        saveGoDelta: go.saveDelta,
        files: [...secrets, ...go.files],
        notes
    };
}
function pushStep({ config }, ref) {
    return {
        id: `push-${tagOf(ref)}`,
        phase: 'push',
        title: `Push ${ref}`,
        argv: ['docker', 'push', ref],
        limit: limits(config).activity,
        onFailure: 'stop',
        retries: 2,
        concurrent: true,
        pushRef: ref,
        hint: pushHint(config)
    };
}

;// CONCATENATED MODULE: ./src/plan/choose.ts
// Which strategy serves this build, from the config and the facts; and the other one, when the
// chosen one failed for a reason it can handle. Pure.




function choosePlan(input) {
    const { config, facts } = input;
    const problem = buildkitProblem(facts);
    if (problem)
        throw new Error(`BuildKit is not available: ${problem}`);
    if (config.cacheStrategy === 'pull')
        return planPull(input);
    const builderTrouble = buildxPathProblem(facts);
    if (config.platforms.length) {
        // Only a builder that exports registry cache builds several platforms into one image here.
        if (builderTrouble) {
            throw new Error(`Input 'platforms': ${config.platforms.join(', ')} need the buildx path, and ${builderTrouble}. Use docker/setup-buildx-action (a docker-container builder) or an engine with the containerd image store`);
        }
        const check = checkPlatforms(config, facts.builder);
        if (check.error)
            throw new Error(check.error);
        const plan = withReason(planBuildx(input), `platforms ${config.platforms.join(', ')}: the buildx path on builder ${facts.builder?.name}`);
        return check.warning ? { ...plan, warnings: [check.warning] } : plan;
    }
    if (config.cacheStrategy === 'buildx') {
        if (builderTrouble)
            throw new Error(`cache-strategy buildx: ${builderTrouble}; or use cache-strategy auto (falls back to the pull path) or pull`);
        return withReason(planBuildx(input), `cache-strategy buildx on builder ${facts.builder?.name}`);
    }
    if (builderTrouble) {
        // A builder the user named that cannot serve is a fallback worth a warning; the docker driver of
        // an engine without setup-buildx is the ordinary case for the pull path.
        const asked = config.builder !== undefined || config.buildkitEndpoint !== undefined;
        const plan = withReason(planPull(input), `cache-strategy auto: the pull path (inline cache), because ${builderTrouble}`);
        return asked ? { ...plan, fellBack: true } : plan;
    }
    return withReason(planBuildx(input), `cache-strategy auto: the buildx path, because builder ${facts.builder?.name} (${facts.builder?.driver} driver) exports cache to the registry`);
}
/** The pull path after the buildx path failed for a builder reason (`reason`), before anything was pushed. */
function fallbackPlan(input, reason) {
    const plan = withReason(planPull(input), `cache-strategy auto: fell back from buildx to the pull path, because ${reason}`);
    return { ...plan, fellBack: true };
}
/** True when the build will run on a buildx builder of its own, where the engine's images are not seen. */
function buildsOnBuilder(input) {
    const { config, facts } = input;
    return config.cacheStrategy === 'buildx' || (config.cacheStrategy === 'auto' && buildxPathProblem(facts) === undefined);
}
/** Where a throwaway build reaches the cache mounts the real build will use: the builder's, or the engine's. */
function mountBuildCommand(input) {
    const builder = input.facts.builder;
    return buildsOnBuilder(input) && builder ? builderBuild(builder.name) : ENGINE_BUILD;
}
function withReason(plan, reason) {
    return { ...plan, reason, notes: [reason, ...plan.notes] };
}

;// CONCATENATED MODULE: ./src/plan/copy.ts

function planCopy(config, policy, latestDigest) {
    const refs = refsFor(config, policy, 'pull');
    const targets = [refs.commit, ...refs.extra];
    const source = `${config.image.name}@${latestDigest}`;
    return {
        refs,
        steps: [
            {
                id: 'copy',
                phase: 'copy',
                title: `Tag ${targets.map(tagOf).join(', ')} with latest's image`,
                argv: ['docker', 'buildx', 'imagetools', 'create', '--prefer-index=false', ...targets.flatMap(ref => ['--tag', ref]), source],
                registryCopy: { source, targets },
                limit: limits(config).activity,
                onFailure: 'stop',
                retries: 2,
                pushRef: refs.commit,
                pushedRefs: targets,
                hint: pushHint(config)
            }
        ]
    };
}

;// CONCATENATED MODULE: ./src/plan/publish.ts
// After the commit tag and the cache tag are in the registry: latest (when it may move and would not
// move backwards) and the extra tags, all naming the image whose commit tag is already there. Pure.

function planPublish({ config }, { strategy, refs, moveLatest, digest }) {
    const targets = [...(moveLatest ? [refs.latest] : []), ...refs.extra];
    if (targets.length === 0)
        return [];
    const base = { phase: 'publish', onFailure: 'stop', retries: 2, hint: pushHint(config) };
    if (strategy === 'buildx') {
        // The image is in the builder, not in the engine: copy its manifest in the registry (no layer moves
        // within a repository).
        const source = `${config.image.name}@${digest}`;
        return [
            {
                ...base,
                id: 'publish',
                title: `Tag ${targets.map(tagOf).join(', ')}`,
                argv: ['docker', 'buildx', 'imagetools', 'create', '--prefer-index=false', ...targets.flatMap(ref => ['--tag', ref]), source],
                registryCopy: { source, targets },
                limit: limits(config).activity,
                pushRef: targets[0],
                pushedRefs: targets
            }
        ];
    }
    // One after the other: pushes of one image at once race on its config blob in the registry.
    return targets.map(ref => ({
        ...base,
        id: `publish-${tagOf(ref)}`,
        title: `Push ${ref}`,
        argv: ['docker', 'push', ref],
        limit: limits(config).activity,
        pushRef: ref
    }));
}

;// CONCATENATED MODULE: ./src/run/progress.ts
// BuildKit's `--progress=plain` output, read line by line into the steps (vertices) it reports.
const LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;
/** `[stage i/n] INSTRUCTION`, with the platform first in a build of several (`[linux/arm64 builder 6/7]`, `[linux/amd64->arm64 builder 6/7]`). */
const STEP = /^\[(?:([a-z0-9]+\/[^\s\]]+) )?([^\s\]/]+) (\d+\/\d+)\] (.*)$/;
/**
 * A layer download (`sha256:… 67MB / 67MB`) or extraction: how BuildKit shows a step's result coming
 * from a registry cache. Not the bare `sha256:…` line older BuildKit prints under every step (its digest).
 */
const PUSHED = /^pushing manifest for (\S+?)@sha256:[0-9a-f]{64}(?: [\d.]+s)? done$/;
const LAYER = /^(?:extracting sha256:[0-9a-f]{64}|sha256:[0-9a-f]{64} \S+ \/ \S+)/;
class ProgressReader {
    vertices = new Map();
    /** Steps (not FROM) whose output was only their layers being fetched: answered by a remote cache. */
    fetchedOnly = new Set();
    ran = new Set();
    pushedRefs = [];
    /** Feed one line of output; lines that are not progress are ignored. */
    line(text) {
        const match = LINE.exec(text.trimEnd());
        if (!match)
            return;
        const id = Number(match[1]);
        const rest = match[2];
        const vertex = this.vertices.get(id);
        if (!vertex) {
            this.vertices.set(id, newVertex(id, rest));
            return;
        }
        const pushed = PUSHED.exec(rest);
        if (pushed && !this.pushedRefs.includes(pushed[1]))
            this.pushedRefs.push(pushed[1]);
        if (LAYER.test(rest)) {
            if (vertex.instruction && !vertex.instruction.startsWith('FROM '))
                this.fetchedOnly.add(id);
        }
        else if (/^\d+\.\d+ /.test(rest)) {
            // A timestamped log line: the step's command ran here.
            this.ran.add(id);
        }
        if (rest === 'CACHED')
            vertex.status = 'cached';
        else if (rest === 'CANCELED')
            vertex.status = 'canceled';
        else if (rest.startsWith('ERROR')) {
            vertex.status = 'error';
            vertex.error = rest.replace(/^ERROR:?\s*/, '');
        }
        else {
            const done = DONE.exec(rest);
            if (done) {
                // A step answered from a registry cache is reported CACHED and then DONE while its layers are
                // pulled, or only with the pull and DONE: either way it stays cached, and the time is the pull's.
                const fromCache = vertex.status === 'cached' || (this.fetchedOnly.has(id) && !this.ran.has(id));
                vertex.status = fromCache ? 'cached' : 'done';
                vertex.seconds = Number(done[1]);
            }
        }
    }
    /** References BuildKit finished pushing (`pushing manifest for REF@sha256:… done`). */
    pushed() {
        return [...this.pushedRefs];
    }
    all() {
        return [...this.vertices.values()].sort((a, b) => a.id - b.id);
    }
    /** The Dockerfile steps (not BuildKit's internal work), in the order BuildKit numbered them. */
    steps() {
        return this.all().filter(v => v.stage !== undefined && v.stage !== 'internal');
    }
}
function newVertex(id, name) {
    const step = STEP.exec(name);
    if (!step)
        return { id, name, status: 'running' };
    return { id, name, ...(step[1] ? { platform: step[1] } : {}), stage: step[2], position: step[3], instruction: step[4], status: 'running' };
}
/**
 * A step whose result came from the cache: CACHED or, in a build that succeeded, CANCELED, which
 * BuildKit reports for a step it had started when a later step was found in the cache and its result
 * was no longer needed (dockerd 20.10's BuildKit does this at random: the same build once says
 * COPY . . CACHED, once CANCELED). Neither ran to give the image anything. In a build that failed, a
 * CANCELED step was stopped by the failure.
 */
function answeredByCache(vertex, buildFailed = false) {
    return vertex.status === 'cached' || (vertex.status === 'canceled' && !buildFailed);
}
/** True when every step of the stage that runs something (not its FROM) came from the cache. */
function stageFullyCached(steps, stage) {
    const own = steps.filter(v => v.stage === stage && !v.instruction?.startsWith('FROM '));
    return own.length > 0 && own.every(v => answeredByCache(v));
}

;// CONCATENATED MODULE: ./src/run/outcome.ts
// Reading what a finished command means from its output. Pure.
/** Registries say "manifest unknown" or "not found" for a tag that does not exist (yet); never for a 401. */
function isMissingImage(lines) {
    const text = lines.join('\n');
    if (/unauthori[sz]ed|denied|forbidden|authentication required|\b40[13]\b/i.test(text))
        return false;
    return /manifest unknown|not found|does not exist|no such manifest/i.test(text);
}
/** `docker push` ends with `TAG: digest: sha256:… size: N`: the digest the registry stored. */
function pushedDigest(lines) {
    for (const line of [...lines].reverse()) {
        const match = /digest: (sha256:[0-9a-f]{64})/.exec(line);
        if (match)
            return match[1];
    }
    return undefined;
}
/** The line that says why a build failed, and where in the Dockerfile when BuildKit says so. */
function buildFailure(lines) {
    const reason = [...lines].reverse().find(line => /failed to solve|^ERROR|^error:/i.test(line.trim())) ??
        [...lines].reverse().find(line => line.trim() !== '') ??
        'the build failed';
    const where = lines.map(line => /^Dockerfile[^:\s]*:(\d+)$/.exec(line.trim())).find(Boolean);
    return { message: reason.trim(), line: where ? Number(where[1]) : undefined };
}
/**
 * Failures of the infrastructure (the buildx builder, its connection, its driver), not of the
 * Dockerfile: the builder does not answer, its driver cannot export cache, an entitlement is missing.
 * The pull path, on the engine's own BuildKit, can build then.
 */
const INFRASTRUCTURE_FAILURES = [
    /context deadline exceeded/i,
    /connection refused|connection reset|failed to dial|dial (unix|tcp)|no such host|transport is closing|error reading from server/i,
    /no builder .* found|failed to find instance|failed to find driver|is not running|builder .* is stopped/i,
    /cache export is not supported|cache export feature is currently not supported/i,
    // e.g. --allow network.host on a builder started without that entitlement
    /entitlement .* is not allowed|not allowed by build daemon configuration/i
];
/** Why a failed build is the infrastructure's fault; undefined when a Dockerfile step failed or the cause is elsewhere. */
function infrastructureFailure(message, failedDockerfileStep, timedOut = false) {
    if (failedDockerfileStep)
        return undefined;
    // A builder that accepts and never answers is killed by its limit: the engine's BuildKit may answer.
    if (timedOut)
        return message;
    return INFRASTRUCTURE_FAILURES.some(pattern => pattern.test(message)) ? message : undefined;
}
/**
 * Registry errors that pass: a 5xx, a dropped connection, a blob the registry has not made visible
 * yet, too many requests. Not 401/403 (credentials) nor 404 (a name that is wrong).
 */
function isTransientRegistryError(lines) {
    const text = lines.slice(-10).join('\n');
    if (/unauthori[sz]ed|denied|forbidden|authentication required|\b40[13]\b/i.test(text))
        return false;
    return /\b5\d\d\b|internal server error|bad gateway|service unavailable|gateway time-?out|too ?many ?requests|\b429\b|connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|blob unknown|server misbehaving|connection refused/i.test(text);
}
function readBuildMetadata(json) {
    const data = JSON.parse(json);
    const text = (key) => (typeof data[key] === 'string' ? data[key] : undefined);
    let cacheManifest;
    const cache = text('cache.manifest');
    if (cache) {
        try {
            cacheManifest = JSON.parse(cache).digest ?? cache;
        }
        catch {
            cacheManifest = cache;
        }
    }
    return { imageId: text('containerimage.config.digest'), digest: text('containerimage.digest'), cacheManifest };
}

;// CONCATENATED MODULE: ./src/run/steps.ts
// Runs a plan's steps in order, timing each, and reads what each one reported.







/** Writes the files, runs the steps in order (a failed `stop` step skips the rest), removes the secrets. */
/**
 * `skip`: asked just before a step starts, for what the plan could not know then (the registry may
 * have moved meanwhile); a reason skips the step.
 */
async function runSteps(steps, files, config, skip) {
    const secrets = new Map(config.secrets.map(s => [s.id, s.value]));
    (0,src_files/* writePlanFiles */.ip)(files, file => (file.secretId ? (secrets.get(file.secretId) ?? '') : (file.content ?? '')));
    const outcomes = [];
    try {
        for (let i = 0; i < steps.length;) {
            // A step alone, or every concurrent step in a row.
            let end = i + 1;
            if (steps[i].concurrent)
                while (end < steps.length && steps[end].concurrent)
                    end++;
            const batch = steps.slice(i, end);
            i = end;
            const skipped = new Map();
            for (const step of batch) {
                if (step.when && !holds(step.when.condition, outcomes))
                    skipped.set(step, step.when.otherwise);
                else {
                    const why = await skip?.(step);
                    if (why)
                        skipped.set(step, why);
                }
            }
            const runnable = batch.filter(step => !skipped.has(step));
            const done = runnable.length > 1
                ? await runTogether(runnable, config)
                : await Promise.all(runnable.map(step => core/* group */.Os(step.title, () => runStep(step, config))));
            for (const step of batch) {
                const index = runnable.indexOf(step);
                const outcome = index >= 0 ? done[index] : undefined;
                if (outcome)
                    outcomes.push(outcome);
                else {
                    const why = skipped.get(step) ?? '';
                    core/* info */.pq(`${step.title}: skipped, ${why}`);
                    outcomes.push({ step, status: 'skipped', durationMs: 0, message: why });
                }
            }
            const failed = done.find(outcome => outcome.status === 'failed');
            if (failed) {
                for (const rest of steps.slice(i))
                    outcomes.push({ step: rest, status: 'skipped', durationMs: 0 });
                return { outcomes, failed };
            }
        }
        return { outcomes };
    }
    finally {
        for (const file of files)
            if (file.secretId)
                external_node_fs_.rmSync(file.path, { force: true });
    }
}
/** Runs steps at once, each one's output held back and printed in its own group, in order, after. */
async function runTogether(steps, config) {
    const logs = steps.map(() => []);
    const started = Date.now();
    const outcomes = await Promise.all(steps.map((step, i) => runStep(step, config, line => logs[i].push(line))));
    for (const [i, step] of steps.entries()) {
        core/* startGroup */.Oh(step.title);
        for (const line of logs[i])
            core/* info */.pq(line);
        core/* endGroup */.N4();
    }
    // The steps' times overlap: the wall time of the batch is what the job spent.
    core/* info */.pq(`${steps.map(step => step.title).join(', ')}: together in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return outcomes;
}
/** Whether a step's condition holds, from the outcomes of the steps before it. */
function holds(condition, outcomes) {
    if ('not' in condition)
        return !holds(condition.not, outcomes);
    if ('succeeded' in condition)
        return outcomes.some(o => o.step.id === condition.succeeded && o.status === 'ok');
    const { step, stage } = condition.stageCached;
    const build = outcomes.find(o => o.step.id === step && o.status === 'ok');
    return build !== undefined && stageFullyCached(build.vertices ?? [], stage);
}
/**
 * The steps BuildKit reported for a stage, from the first build that reached it: a later build of the
 * same stage is answered by the cache the first one left, and says nothing about the run.
 */
function stageSteps(outcomes, stage) {
    for (const outcome of outcomes) {
        const own = outcome.status === 'ok' ? (outcome.vertices ?? []).filter(v => v.stage === stage) : [];
        if (own.length > 0)
            return own;
    }
    return undefined;
}
/** Runs one step, again after a transient registry error when it may; with `hold`, its output goes there. */
async function runStep(step, config, hold) {
    let outcome = await runOnce(step, config, hold);
    let retried = 0;
    while (outcome.status === 'failed' && retried < (step.retries ?? 0) && outcome.transient) {
        retried++;
        const wait = 1000 * 2 ** (retried - 1);
        const line = `${step.title}: ${outcome.reason} looks passing; trying again in ${wait / 1000} s (${retried} of ${step.retries})`;
        if (hold)
            hold(line);
        else
            core/* warning */.$e(line);
        await new Promise(resolve => setTimeout(resolve, wait));
        const again = await runOnce(step, config, hold);
        outcome = { ...again, durationMs: again.durationMs + outcome.durationMs + wait, startedAt: outcome.startedAt };
    }
    const { transient: _transient, reason: _reason, ...done } = outcome;
    return retried ? { ...done, retried } : done;
}
/** A copy in the registry has this long to be done by its HTTP API before buildx is asked to do it. */
const API_COPY_MS = 30_000;
/** The step's copy through the registry's HTTP API; undefined (and why, in the log) when it could not be done there. */
async function copyByApi(step, copy, say) {
    const startedAt = Date.now();
    const limitMs = Math.min(step.limit.totalMs ?? step.limit.idleMs ?? API_COPY_MS, API_COPY_MS);
    const answer = await copyManifest(copy.source, copy.targets, { totalMs: limitMs });
    if ('ok' in answer) {
        say(`${copy.targets.join(', ')}: the manifest of ${copy.source} put there by the registry's HTTP API (${Date.now() - startedAt} ms)`);
        return { step, status: 'ok', durationMs: Date.now() - startedAt, startedAt, digest: answer.ok };
    }
    const why = 'unsupported' in answer ? answer.unsupported : 'missing' in answer ? answer.missing : answer.problem;
    say(`The registry's HTTP API did not copy ${copy.source} (${why}); docker buildx imagetools does`);
    return undefined;
}
async function runOnce(step, config, hold) {
    if (step.registryCopy) {
        const copied = await copyByApi(step, step.registryCopy, hold ??
            (line => {
                core/* info */.pq(line);
            }));
        if (copied)
            return copied;
    }
    const progress = step.build ? new ProgressReader() : undefined;
    const startedAt = Date.now();
    hold?.(`[command]${step.argv.join(' ')}`);
    const result = await (0,run_process/* runProcess */.R3)({
        argv: step.argv,
        env: step.env,
        cwd: step.cwd,
        stdin: step.stdin === 'registry-password' ? config.login?.password : undefined,
        limit: step.limit,
        echo: hold === undefined,
        onLine: line => {
            progress?.line(line);
            hold?.(line);
        }
    });
    const base = { step, durationMs: result.durationMs, startedAt, pushed: progress?.pushed() };
    if (result.exitCode === 0) {
        const metadata = step.build?.metadataFile ? readMetadata(step.build.metadataFile) : undefined;
        const cacheExport = step.build?.cacheTo ? cacheExportOf(step.build.cacheTo, metadata, progress?.all() ?? []) : undefined;
        const ok = {
            ...base,
            status: 'ok',
            vertices: progress?.steps(),
            imageId: step.build?.iidfile ? readIid(step.build.iidfile) : metadata?.imageId,
            digest: step.pushRef ? (metadata?.digest ?? pushedDigest(result.tail)) : undefined,
            cacheExport
        };
        if (cacheExport?.error) {
            // ignore-error=true kept the build going and the image is pushed; the next run finds no cache here.
            core/* warning */.$e(`${step.title}: the registry refused the cache export to ${cacheExport.ref} (${cacheExport.error}); the image is built and pushed, but the next run finds no cache there (a registry that refuses cache manifests: set cache-strategy: pull)`);
        }
        return ok;
    }
    if (step.missingIsNormal && !result.timedOut && isMissingImage(result.tail)) {
        core/* info */.pq(`${step.title}: not in the registry yet (normal on a first build); going on without it`);
        return { ...base, status: 'missing', message: 'not in the registry yet' };
    }
    const reason = result.timedOut
        ? { message: `killed: ${result.timedOut} (idle-timeout / lookup-timeout)`, line: undefined }
        : step.build
            ? buildFailure(result.tail)
            : { message: (0,run_process/* lastLine */.fM)(result.tail), line: undefined };
    const transient = !result.timedOut && isTransientRegistryError(result.tail);
    if (step.onFailure === 'warn') {
        core/* warning */.$e(`${step.title} failed, going on without it: ${reason.message}`);
        return { ...base, status: 'warned', message: reason.message };
    }
    const already = base.pushed?.length
        ? `. BuildKit had pushed ${base.pushed.join(', ')} before it failed (left as it is; no other path builds a second image)`
        : '';
    const message = `${step.title} failed${result.exitCode >= 0 ? ` (exit ${result.exitCode})` : ''}: ${reason.message}${already}${step.hint ? `. Fix: ${step.hint}` : ''}`;
    const vertices = progress?.steps();
    // Once BuildKit pushed a tag, the other path would push a second, different image: no fallback.
    const fallbackReason = step.fallback && !base.pushed?.length
        ? infrastructureFailure(reason.message, (vertices ?? []).some(v => v.status === 'error'), result.timedOut !== undefined)
        : undefined;
    return { ...base, status: 'failed', message, vertices, line: reason.line, fallbackReason, transient, reason: reason.message };
}
function readMetadata(file) {
    try {
        return readBuildMetadata(external_node_fs_.readFileSync(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}
/** The cache manifest buildx wrote, or the error BuildKit reported on its `exporting cache` step. */
function cacheExportOf(ref, metadata, vertices) {
    if (metadata?.cacheManifest)
        return { ref, manifest: metadata.cacheManifest };
    const failed = vertices.find(v => /^exporting cache/.test(v.name) && v.status === 'error');
    return { ref, error: failed?.error || 'no cache manifest was written' };
}
function readIid(file) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8').trim() || undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/report.ts
// What the run tells the user: outputs, the job summary, annotations.



/** The time steps took on the clock: steps that ran together count once. */
function wallSeconds(outcomes) {
    let total = 0;
    let reached = -Infinity;
    const timed = outcomes.filter(o => o.startedAt !== undefined).sort((a, b) => a.startedAt - b.startedAt);
    for (const outcome of timed) {
        const start = outcome.startedAt;
        const end = start + outcome.durationMs;
        if (end > reached)
            total += end - Math.max(start, reached);
        reached = Math.max(reached, end);
    }
    for (const outcome of outcomes)
        if (outcome.startedAt === undefined)
            total += outcome.durationMs;
    return total / 1000;
}
/** Pure: the report of a finished (or stopped) run. */
function buildReport(config, policy, plan, result, { goCache, goCacheUnneeded, latest, copiedFrom, platforms, engine }) {
    const byId = (id) => result.outcomes.find(o => o.step.id === id);
    const commitPush = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok');
    const phases = [];
    for (const phase of [...new Set(result.outcomes.map(o => o.step.phase))]) {
        const outcomes = result.outcomes.filter(o => o.step.phase === phase);
        // The phase reads as its worst step: a failure is never hidden by a success beside it.
        const worst = outcomes.reduce((a, b) => (SEVERITY.indexOf(b.status) > SEVERITY.indexOf(a.status) ? b : a));
        phases.push({ phase, seconds: wallSeconds(outcomes), result: describe(worst) });
    }
    // The Go caches' restore runs after the login and before the plan: a phase of the job all the same.
    if (goCache)
        phases.splice(phases[0]?.phase === 'login' ? 1 : 0, 0, { phase: 'restore', seconds: goCache.seconds, result: `Go caches: ${goCache.hit}` });
    const cache = result.outcomes
        .filter(o => o.step.build?.cacheFrom?.length || o.step.build?.cacheTo)
        .map(o => {
        const own = (o.vertices ?? []).filter(v => !v.instruction?.startsWith('FROM '));
        return {
            title: o.step.title,
            from: o.step.build?.cacheFrom ?? [],
            to: o.step.build?.cacheTo,
            manifest: o.cacheExport?.manifest,
            error: o.cacheExport?.error,
            cachedSteps: own.filter(v => answeredByCache(v, o.status === 'failed')).length,
            steps: own.length
        };
    });
    return {
        image: config.image.name,
        strategy: plan.strategy,
        strategyReason: plan.reason,
        fellBack: plan.fellBack,
        cache,
        digest: copiedFrom?.digest ?? commitPush?.digest,
        copied: copiedFrom !== undefined,
        platforms,
        imageId: byId('build-final')?.imageId,
        // A build that failed after BuildKit pushed a tag still says what it pushed.
        pushedTags: result.outcomes.flatMap(o => o.step.pushRef && o.status === 'ok' ? (o.step.pushedRefs ?? [o.step.pushRef]) : o.status === 'failed' ? (o.pushed ?? []) : []),
        // A copy built nothing: every step was, in effect, answered.
        builderCacheHit: copiedFrom !== undefined || stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget),
        phases,
        builds: result.outcomes.filter(o => o.step.build && o.vertices).map(o => ({ title: o.step.title, steps: o.vertices })),
        goCache,
        goCacheUnneeded,
        policy,
        latest,
        engine,
        notes: [...config.notes, ...policy.notes, ...plan.notes, ...(goCache?.note ? [goCache.note] : []), ...(goCacheUnneeded ? [goCacheUnneeded] : [])]
    };
}
function describe(outcome) {
    const steps = outcome.vertices?.filter(v => !v.instruction?.startsWith('FROM '));
    if (outcome.status === 'ok' && steps?.length) {
        return `${steps.filter(v => answeredByCache(v)).length} of ${steps.length} steps cached`;
    }
    return { ok: 'ok', missing: 'not found (first build)', warned: 'failed, went on', failed: 'failed', skipped: 'skipped' }[outcome.status];
}
const SEVERITY = ['ok', 'missing', 'skipped', 'warned', 'failed'];
/**
 * The outputs. One image: its own. Several: `images` holds each one's (a JSON map by name), `tags`
 * every tag pushed, and the single-image outputs say what holds for all (digest only for one image).
 */
function setOutputs(images) {
    const reports = images.map(i => i.report);
    const one = reports.length === 1 ? reports[0] : undefined;
    const all = (test) => String(reports.every(test));
    core/* setOutput */.uH('digest', one?.digest ?? '');
    core/* setOutput */.uH('image-id', one?.imageId ?? '');
    core/* setOutput */.uH('tags', reports.flatMap(r => r.pushedTags).join('\n'));
    core/* setOutput */.uH('strategy', one?.strategy ?? [...new Set(reports.map(r => r.strategy))].join(','));
    core/* setOutput */.uH('strategy-reason', one?.strategyReason ?? '');
    core/* setOutput */.uH('cache-refs', reports.flatMap(r => r.cache.filter(c => c.manifest && c.to).map(c => c.to)).join('\n'));
    core/* setOutput */.uH('builder-cache-hit', all(r => r.builderCacheHit));
    core/* setOutput */.uH('go-cache-hit', reports[0].goCacheUnneeded ? 'unneeded' : (reports[0].goCache?.hit ?? 'miss'));
    core/* setOutput */.uH('latest-moved', one ? String(one.latest.moved) : all(r => r.latest.moved));
    core/* setOutput */.uH('latest-reason', one?.latest.why ?? images.map(i => `${i.name}: ${i.report.latest.why}`).join('\n'));
    core/* setOutput */.uH('trusted', String(reports[0].policy.trusted));
    core/* setOutput */.uH('copied', all(r => r.copied));
    core/* setOutput */.uH('images', JSON.stringify(Object.fromEntries(images.map(({ name, report }) => [
        name,
        {
            image: report.image,
            digest: report.digest ?? '',
            tags: report.pushedTags,
            built: !report.copied && report.digest !== undefined,
            copied: report.copied,
            strategy: report.strategy
        }
    ]))));
}
/** Several images: one row each, before each image's own section. */
async function writeOverview(images) {
    const own = (r) => r.builds.flatMap(b => b.steps).filter(v => !v.instruction?.startsWith('FROM '));
    await core/* summary */.z
        .addHeading(`Cached Image Build: ${images.length} images`, 2)
        .addTable([
        [
            { data: 'Name', header: true },
            { data: 'Image', header: true },
            { data: 'Result', header: true },
            { data: 'Steps cached', header: true },
            { data: 'Time', header: true },
            { data: 'Digest', header: true }
        ],
        ...images.map(({ name, report, failure }) => [
            name,
            code(report.image),
            failure ? 'failed' : report.copied ? 'copied (no build)' : 'built',
            report.copied
                ? 'all (nothing built)'
                : `${own(report).filter(v => answeredByCache(v, failure !== undefined)).length} of ${own(report).length}`,
            `${report.phases.reduce((t, p) => t + p.seconds, 0).toFixed(1)} s`,
            report.digest ? code(report.digest) : 'not pushed'
        ])
    ])
        .write();
}
/** Pure: a step's outcome as the summary names it. */
function stepResult(vertex, buildFailed) {
    if (vertex.status === 'cached')
        return 'CACHED';
    if (vertex.status === 'done')
        return 'built';
    if (answeredByCache(vertex, buildFailed))
        return 'not needed (a later step was cached)';
    return vertex.status;
}
async function writeSummary(config, report, failure, name) {
    const summary = core/* summary */.z.addHeading(name ? `${name}: ${config.image.name}` : 'Cached Image Build', name ? 3 : 2);
    if (failure)
        summary.addRaw(`**Failed:** ${report_escape(failure)}`, true);
    if (report.fellBack && report.strategyReason)
        summary.addRaw(`**Fell back:** ${report_escape(report.strategyReason)}`, true);
    if (report.copied)
        summary.addRaw(`**No build:** latest was built from exactly these inputs; the new tags name its image (${code(report.digest ?? '')}), copied in the registry.`, true);
    summary.addRaw(`**This run:** ${report_escape(report.policy.who)}. ${report.policy.trusted ? '' : '**Untrusted: nothing pushed, nothing saved, no secrets.** '}latest ${report.latest.moved ? 'moved' : 'did not move'}: ${report_escape(report.latest.why)}.`, true);
    if (report.engine)
        summary.addRaw(`**Engine:** ${report_escape(report.engine)}.`, true);
    summary.addTable([
        [
            { data: 'Image', header: true },
            { data: 'Strategy', header: true },
            { data: 'Builder stage cached', header: true },
            { data: 'Digest', header: true }
        ],
        [code(config.image.name), report.strategy, report.builderCacheHit ? 'yes, every step' : 'no', report.digest ? code(report.digest) : 'not pushed']
    ]);
    if (report.platforms?.length) {
        summary.addHeading('Platforms', 3).addTable([
            [
                { data: 'Platform', header: true },
                { data: 'Image digest', header: true }
            ],
            ...report.platforms.map(p => [p.platform, code(p.digest)])
        ]);
    }
    if (report.goCache) {
        const go = report.goCache;
        summary.addHeading('Go caches', 3).addTable([
            [
                { data: 'Restored', header: true },
                { data: 'Key', header: true },
                { data: 'Size', header: true },
                { data: 'Time', header: true },
                { data: 'Used by', header: true }
            ],
            [
                go.hit === 'partial'
                    ? `partial (${code(go.matchedKey ?? '')})`
                    : go.delta?.matchedKey
                        ? `exact, with the delta ${code(go.delta.matchedKey)} (${go.delta.restored.length} entries)`
                        : go.hit,
                code(go.key),
                `${(go.bytes / 1e6).toFixed(1)} MB`,
                `${go.seconds.toFixed(1)} s`,
                [...go.mounts.map(m => `cache mount ${code(m.mount.id)}`), ...(config.goCache.prebuild ? ['go build on the runner'] : [])].join(', ')
            ]
        ]);
    }
    summary.addHeading('Phases', 3).addTable([
        [
            { data: 'Phase', header: true },
            { data: 'Time', header: true },
            { data: 'Result', header: true }
        ],
        ...report.phases.map(p => [p.phase, `${p.seconds.toFixed(1)} s`, p.result])
    ]);
    for (const build of report.builds) {
        summary.addHeading(build.title, 3).addTable([
            [
                { data: 'Step', header: true },
                { data: 'Cache', header: true },
                { data: 'Time', header: true }
            ],
            ...build.steps.map(v => [code(v.name), stepResult(v, failure !== undefined), v.seconds === undefined ? '' : `${v.seconds.toFixed(1)} s`])
        ]);
    }
    if (report.cache.length) {
        summary.addHeading('Registry cache', 3).addTable([
            [
                { data: 'Build', header: true },
                { data: 'Read from', header: true },
                { data: 'Steps from the cache', header: true },
                { data: 'Written to', header: true }
            ],
            ...report.cache.map(c => [
                c.title,
                c.from.map(code).join('<br>') || 'nothing (no-cache)',
                `${c.cachedSteps} of ${c.steps}`,
                c.to ? `${code(c.to)} ${c.manifest ? `(${code(c.manifest.slice(0, 19))})` : `refused: ${report_escape(c.error ?? '')}`}` : 'not written'
            ])
        ]);
    }
    if (report.pushedTags.length)
        summary.addHeading('Pushed', 3).addList(report.pushedTags.map(code));
    if (report.notes.length)
        summary.addHeading('Notes', 3).addList(report.notes.map(report_escape));
    await summary.write();
}
/** After the main summary: how reading the Go caches back went (its failures are warnings). */
async function writeReadBackSummary(result) {
    if (!result.outcomes.length)
        return;
    await core/* summary */.z
        .addHeading('Go caches read back', 3)
        .addTable([
        [
            { data: 'Step', header: true },
            { data: 'Time', header: true },
            { data: 'Result', header: true }
        ],
        ...result.outcomes.map(o => [o.step.title, `${(o.durationMs / 1000).toFixed(1)} s`, o.status === 'ok' ? 'ok' : report_escape(o.message ?? o.status)])
    ])
        .write();
}
function code(text) {
    return `<code>${report_escape(text)}</code>`;
}
function report_escape(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;');
}

// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
// EXTERNAL MODULE: ./src/step-mark.ts
var step_mark = __webpack_require__(9659);
;// CONCATENATED MODULE: ./src/trust.ts

/** Events whose code is a ref of the repository itself, started by someone who may write to it. */
const REF_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'repository_dispatch', 'release', 'merge_group', 'create']);
/** Events that build a pull request's merge commit, with the head repository's rights. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);
/** latest: auto moves for these runs of the default branch. */
const LATEST_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch']);
/**
 * Events that run with the base's rights whatever code they check out (pull_request_target,
 * workflow_run, issue_comment, …): their build is trusted only from a clean work tree.
 */
function needsCleanTree(eventName) {
    return eventName !== '' && !REF_EVENTS.has(eventName) && !PULL_REQUEST_EVENTS.has(eventName);
}
/** Whether GITHUB_REF is the default branch (then the Actions cache scope is the default branch's). */
function onDefaultBranchRef(event) {
    return event.defaultBranch !== undefined && event.ref === `refs/heads/${event.defaultBranch}`;
}
/**
 * What "in the default branch's history" is asked against: for a run of the default branch,
 * GITHUB_SHA (that branch's commit at the event); else the default branch as fetched
 * (actions/checkout with fetch-depth: 0 fetches every branch), which a shallow clone does not have.
 */
function defaultBranchTip(event) {
    if (event.defaultBranch === undefined)
        return undefined;
    if (onDefaultBranchRef(event))
        return /^[0-9a-f]{40,64}$/.test(event.sha) ? event.sha : undefined;
    return `refs/remotes/origin/${event.defaultBranch}`;
}
/**
 * Builders whose cache mounts outlive the job: one named by `builder`, a BuildKit at
 * `buildkit-endpoint`, and a self-hosted runner's engine. What one build leaves there, the next finds.
 */
function persistentBuilderOf(config, runnerEnvironment) {
    if (config.builder)
        return `the builder ${config.builder} (input 'builder')`;
    if (config.buildkitEndpoint)
        return `the BuildKit at ${config.buildkitEndpoint} (input 'buildkit-endpoint')`;
    if (runnerEnvironment === 'self-hosted')
        return "a self-hosted runner's engine (RUNNER_ENVIRONMENT=self-hosted)";
    return undefined;
}
/**
 * The one place that says whether a key marker is proof of what the caches hold. Untrusted builds
 * allowed on a builder that stays may write anything into its cache mounts (and, in prebuild mode, the
 * runner's Go folders) and leave a marker that names any key: then no marker proves anything, and every
 * run restores and fills as on a fresh builder.
 */
function markersAreProof(input) {
    return input.allowUntrustedOnBuilder !== true;
}
const trust_short = (sha) => sha?.slice(0, 12) ?? 'unknown';
function decidePolicy(input) {
    const { event } = input;
    const notes = [...event.notes];
    const warnings = [];
    const defaultBranch = event.defaultBranch;
    if (event.name !== '' && defaultBranch === undefined) {
        notes.push('the event payload names no default branch: this run counts as another branch (latest does not move; it writes cache tags of its own)');
    }
    const scope = (branch) => ({ branch, suffix: branch === defaultBranch ? '' : branchSuffix(branch) });
    const withDefault = (scopes) => {
        const all = defaultBranch === undefined ? scopes : [...scopes, scope(defaultBranch)];
        return all.filter((s, i) => all.findIndex(o => o.suffix === s.suffix) === i);
    };
    const build = whatIsBuilt(input);
    const trusted = build.kind !== 'untrusted';
    let who;
    let writeScope;
    let readScopes;
    if (build.kind === 'branch') {
        who = `${build.event} of branch ${build.branch}${build.branch === defaultBranch ? ' (the default branch)' : ''}`;
        writeScope = scope(build.branch);
        readScopes = withDefault([writeScope]);
    }
    else if (build.kind === 'pull') {
        who = `${build.event}${build.number !== undefined ? ` #${build.number}` : ''} from branch ${build.head} of this repository${build.base ? ` into ${build.base}` : ''}`;
        // Never the plain names, even for a head branch named as the default branch: its code is not merged.
        writeScope = { branch: build.head, suffix: branchSuffix(build.head) };
        readScopes = withDefault([writeScope, ...(build.base ? [scope(build.base)] : [])]);
    }
    else if (build.kind === 'other') {
        who = build.what;
        readScopes = withDefault([]);
    }
    else {
        who = `untrusted code: ${build.why}`;
        const base = event.pullRequest?.baseRef;
        readScopes = withDefault(base ? [scope(base)] : []);
    }
    const { head } = input;
    const onDefaultRef = onDefaultBranchRef(event);
    const headIsEventCommit = head !== undefined && head === event.sha;
    // GITHUB_SHA of a run of the default branch is that branch's commit: a head equal to it is merged.
    const merged = input.merged === true || (onDefaultRef && headIsEventCommit);
    const notMerged = notMergedWhy(input, head);
    // The commit tag names GITHUB_SHA unless the commit input says otherwise: for another commit built, it would lie.
    const wrongCommit = trusted && input.push && head !== undefined && !headIsEventCommit && !input.commitInput;
    if (wrongCommit) {
        warnings.push(`The commit built (${head}) is not the event's commit GITHUB_SHA (${event.sha || 'not set'}): its commit tag would name the wrong commit, so nothing is pushed. Set the input commit to the commit built (commit: ${head}, or actions/checkout's commit output)`);
    }
    const push = trusted && input.push && !wrongCommit;
    if (push && writeScope?.suffix === '' && !merged) {
        notes.push(`the default branch's cache tags are not written: ${notMerged}`);
        writeScope = undefined;
    }
    // The Actions cache scope is GITHUB_REF's: while it is the default branch, only its own commit saves there.
    let saveCaches = trusted && input.saveGoCache;
    const mayBeDefaultRef = onDefaultRef || (defaultBranch === undefined && event.ref.startsWith('refs/heads/'));
    if (saveCaches && mayBeDefaultRef && !headIsEventCommit) {
        saveCaches = false;
        notes.push(`the Go caches are not saved: this run saves in the default branch's cache scope (GITHUB_REF ${event.ref}), and the commit built (${trust_short(head)}) is not its commit ${trust_short(event.sha)}`);
    }
    let latest = latestRule(input, build, push);
    if (latest.move && !merged)
        latest = { move: false, why: `latest stays: ${notMerged}` };
    const refused = !trusted && input.persistentBuilder && !input.allowUntrustedOnBuilder
        ? `Untrusted code (${who}) is not built on ${input.persistentBuilder}: that builder stays after the job, and the build would write into the Go cache mounts and the key markers that trusted runs then take as theirs. Build it on a fresh builder (a GitHub-hosted runner without builder or buildkit-endpoint), or set allow-untrusted-on-builder: true (then no run takes the builder's markers as proof of what it holds)`
        : undefined;
    return {
        who,
        trusted,
        push,
        saveCaches,
        secrets: trusted,
        latest,
        writeScope: push ? writeScope : undefined,
        readScopes,
        markersAreProof: markersAreProof(input),
        refused,
        notes,
        warnings,
        olderCommits: olderCommitsOf(event, input.head)
    };
}
/** A fast-forward push's before and its commits, when the commit built is the one it pushed (see Policy.olderCommits). */
function olderCommitsOf(event, head) {
    const push = event.push;
    if (!push || push.forced || head === undefined || head !== event.sha)
        return [];
    const before = push.before && !/^0+$/.test(push.before) ? [push.before] : [];
    return [...new Set([...before, ...push.commits])].filter(commit => commit !== head);
}
/** Why the commit built is not proven to be in the default branch's history. */
function notMergedWhy({ event, merged }, head) {
    if (head === undefined)
        return 'git cannot say which commit the workspace holds (no git repository at GITHUB_WORKSPACE?), so it is not proven to be of the default branch';
    if (event.defaultBranch === undefined)
        return 'the event names no default branch';
    if (merged === false)
        return `the commit built (${trust_short(head)}) is not in the history of the default branch ${event.defaultBranch}`;
    return `git cannot tell whether the commit built (${trust_short(head)}) is in the history of the default branch ${event.defaultBranch} (a shallow clone: actions/checkout with fetch-depth: 0 lets it)`;
}
/**
 * For an event run with the base's rights: what keeps its build from being the commit it claims, as
 * checked out, unchanged (`allowed`: the commits that may be checked out); undefined when nothing does.
 */
function baseRightsProblem({ head, dirty }, allowed) {
    if (head === undefined)
        return 'git cannot say which commit the workspace holds';
    if (!allowed.includes(head))
        return `the code checked out (${trust_short(head)}) is not ${allowed.map(trust_short).join(' or ')}`;
    if (dirty === undefined)
        return 'git cannot say whether the work tree is as the commit has it';
    if (dirty.length) {
        return `the work tree is not the commit ${trust_short(head)}: ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ` and ${dirty.length - 3} more` : ''} (changed, untracked or ignored files)`;
    }
    return undefined;
}
function whatIsBuilt(input) {
    const { event } = input;
    if (event.name === '')
        return { kind: 'untrusted', why: 'GITHUB_EVENT_NAME is not set, so this is no workflow run of a repository' };
    const asRef = () => refBuild(event.name, event.ref);
    if (REF_EVENTS.has(event.name))
        return asRef();
    // Code of the event's own commit, as checked out: the base's own, whatever the payload names.
    const ownProblem = baseRightsProblem(input, [event.sha]);
    if (PULL_REQUEST_EVENTS.has(event.name) || event.name === 'pull_request_target') {
        const pr = event.pullRequest;
        const base = pr?.baseRepo ?? event.repository;
        if (pr?.headRepo && base && pr.headRepo === base && pr.headRef) {
            const pull = { kind: 'pull', head: pr.headRef, base: pr.baseRef, number: pr.number, event: event.name };
            if (PULL_REQUEST_EVENTS.has(event.name))
                return pull;
            // pull_request_target runs with the base's rights: the head or the base, as checked out, nothing else.
            const problem = baseRightsProblem(input, [event.sha, ...(pr.headSha ? [pr.headSha] : [])]);
            return problem ? { kind: 'untrusted', why: `${event.name}: ${problem}` } : pull;
        }
        const from = pr?.headRepo
            ? `a pull request from the fork ${pr.headRepo}`
            : 'a pull request whose head repository is gone or not named (a deleted fork)';
        // pull_request_target runs with the base's rights: fine for the base's own code, never for the fork's.
        if (event.name === 'pull_request_target' && !ownProblem)
            return asRef();
        return { kind: 'untrusted', why: `${event.name}: ${from}${event.name === 'pull_request_target' ? ` (${ownProblem})` : ''}` };
    }
    if (event.name === 'workflow_run') {
        const run = event.workflowRun;
        if (run?.headRepo && run.headRepo === event.repository && run.headBranch) {
            const problem = baseRightsProblem(input, [event.sha, ...(run.headSha ? [run.headSha] : [])]);
            if (!problem)
                return { kind: 'branch', branch: run.headBranch, event: `workflow_run after ${run.event ?? 'a run'}` };
            return { kind: 'untrusted', why: `workflow_run: ${problem}` };
        }
        if (!ownProblem)
            return asRef();
        return {
            kind: 'untrusted',
            why: `workflow_run after a run of ${run?.headRepo ? `the fork ${run.headRepo}` : 'a repository that is gone or not named'} (${ownProblem})`
        };
    }
    // Any other event: only the repository's own commit at the event's ref, checked out as it is.
    if (!ownProblem)
        return asRef();
    return { kind: 'untrusted', why: `${event.name}: ${ownProblem}` };
}
function refBuild(eventName, ref) {
    if (ref.startsWith('refs/heads/'))
        return { kind: 'branch', branch: ref.slice('refs/heads/'.length), event: eventName };
    if (ref.startsWith('refs/tags/'))
        return { kind: 'other', what: `${eventName} of tag ${ref.slice('refs/tags/'.length)} (reads the default branch's cache tags, writes none)` };
    return { kind: 'other', what: `${eventName} of ${ref || 'no ref'} (reads the default branch's cache tags, writes none)` };
}
function latestRule(input, build, push) {
    if (!input.event.name || build.kind === 'untrusted')
        return { move: false, why: 'untrusted code moves no tag' };
    if (!push)
        return { move: false, why: input.push ? 'nothing is pushed' : 'push: false' };
    if (input.latest === 'false')
        return { move: false, why: 'latest: false' };
    // A pull request's code is not merged yet: latest is never its image, whatever the input says.
    if (build.kind === 'pull')
        return { move: false, why: 'a pull request never moves latest' };
    if (input.latest === 'true')
        return { move: true, why: 'latest: true' };
    const defaultBranch = input.event.defaultBranch;
    const onDefault = build.kind === 'branch' && defaultBranch !== undefined && build.branch === defaultBranch;
    if (onDefault && LATEST_EVENTS.has(input.event.name))
        return { move: true, why: `latest: auto, a ${input.event.name} of the default branch` };
    return {
        move: false,
        why: `latest: auto moves it only for a push, schedule or manual run of the default branch${defaultBranch ? ` (${defaultBranch})` : ', which the event does not name'}`
    };
}
/**
 * Why the event alone makes the run untrusted, whatever git says of the workspace (a fork's pull
 * request, no workflow run); undefined when the workspace may still make it trusted. Asked before the
 * inputs are read, so that an untrusted run's files (the images file) are not.
 */
function untrustedByEvent(event) {
    const best = decidePolicy({ event, head: event.sha, merged: true, dirty: [], push: true, latest: 'auto', saveGoCache: false });
    return best.trusted ? undefined : best.who;
}

;// CONCATENATED MODULE: ./src/main.ts
// The main step, as the story of a run: read the inputs, probe, decide what this run may write, log
// in, compare with latest, bring the Go caches, build and push the commit tag, move latest and the
// extra tags, report, then read the Go caches back for the post step to save.





























async function main_run() {
    // First of all: the post step is the run of the bundle that finds this mark.
    core/* saveState */.LZ(step_mark/* POST_MARK */.x2, 'true');
    try {
        // The event first: an untrusted run's images file is not even read.
        const event = readEvent(process.env);
        const images = readInputs(event);
        // The step's own inputs (push, latest, go-cache, limits, login) are the same in every image's config.
        const step = images[0].config;
        // Of the machine, a run that copies needs only the docker CLI's version (whose .dockerignore
        // rules send the context): asked while git and the registry are; the rest once a build is certain.
        const client = probeClient(step);
        client.catch(() => undefined);
        const trusted = await decideWhatMayBeWritten(images, event);
        const state = {};
        if (!(await logIn(images.map(i => i.config), trusted, state)))
            return;
        // The images' base images are asked once for all of them (a monorepo's share theirs).
        const baseLookups = new Map();
        const compared = await Promise.all(images.map(image => compareImage(image, client, trusted, baseLookups)));
        const outcomes = await Promise.all(compared.filter(copyable).map(copyInsteadOfBuilding));
        const toBuild = compared.filter(image => !copyable(image));
        if (toBuild.length === 0) {
            await reportImages(outcomes);
            return;
        }
        const facts = await probeBuilder(step, await probe(step, await client, state), state);
        const go = await bringGoCaches(toBuild[0].config, facts, toBuild.every(image => image.inputs.unchanged), trusted);
        outcomes.push(...(await inBatches(toBuild, step.parallel, image => buildImage(image, facts, go))));
        // Outputs and summary first: nothing that follows can lose them.
        const failed = await reportImages(outcomes);
        if (failed)
            return;
        const built = outcomes.filter((o) => 'built' in o);
        for (const image of built)
            warnIfLayerCacheMissed(image.config, image.inputs, go.unneeded, image.built.result);
        await readBackGoCaches(built, go, state);
    }
    catch (error) {
        core/* setFailed */.C1(error instanceof Error ? error.message : String(error));
    }
}
/**
 * Secrets are masked before anything can echo one; then every input of every image is checked. An
 * images file is not read when the event alone makes the run untrusted (its content would be the
 * untrusted code's choice).
 */
function readInputs(event) {
    const masked = maskSecretInputs({ password: core/* getInput */.V4('registry-password'), secrets: core/* getInput */.V4('secrets') }, core/* setSecret */.Pq);
    for (const input of masked.short) {
        core/* warning */.$e(`Input '${input}' has a value shorter than 4 characters: it is easy to guess, and masking it hides every such string in the log`);
    }
    const untrusted = untrustedByEvent(event);
    const images = readConfigs(name => core/* getInput */.V4(name), { env: process.env, workspace: process.env.GITHUB_WORKSPACE || process.cwd() }, { fileRefused: untrusted ? `this run builds untrusted code (${untrusted})` : undefined });
    for (const { name, config } of images)
        for (const note of config.notes)
            core/* notice */.lm(images.length > 1 ? `${name}: ${note}` : note);
    return images;
}
/** The engine, buildx and Go, once a build is certain; the run's private folder, for the post step to remove. */
async function probe(config, client, state) {
    return core/* group */.Os('Probe the environment', async () => {
        const found = await probeFacts(config, client);
        state.tempDir = found.tempDir;
        (0,src_state/* savePostState */.L)(state);
        core/* info */.pq(`docker ${found.dockerClient} (engine ${found.dockerServer}, ${found.imageStore} image store), buildx ${found.buildx ?? 'not installed'}, go ${found.go?.version ?? 'not installed'}`);
        const untested = untestedEngineNote(found.dockerServer);
        if (untested)
            core/* notice */.lm(untested);
        return found;
    });
}
/** The buildx builder, once it is clear a build is needed (a copy needs none). */
async function probeBuilder(config, facts, state) {
    return core/* group */.Os('Probe the buildx builder', async () => {
        const builder = await prepareBuilder(config, facts.buildx);
        if (builder)
            core/* info */.pq(`builder ${builder.name}: driver ${builder.driver ?? '?'}, ${builder.problem ?? builder.status ?? '?'}`);
        if (builder?.created) {
            state.createdBuilder = builder.name;
            (0,src_state/* savePostState */.L)(state);
        }
        return { ...facts, builder };
    });
}
/**
 * From the event and what is checked out: who the run is for, and so what it may push, save and read.
 * git is asked of the workspace (GITHUB_WORKSPACE), never of a context's own .git: its HEAD, whether
 * that is in the default branch's history, and for events run with the base's rights whether the
 * tree the build reads is exactly that commit.
 */
async function decideWhatMayBeWritten(images, event) {
    const step = images[0].config;
    const lookup = limits(step).lookup;
    const workspace = step.workspace;
    const head = await workspaceHead(workspace, lookup);
    const tip = defaultBranchTip(event);
    // Asked where it decides something: a run of the default branch that built another commit, or latest: true.
    const askMerged = head !== undefined && tip !== undefined && head !== tip && (onDefaultBranchRef(event) || step.latest === 'true');
    const configs = images.map(i => i.config);
    const file = imagesFile(core/* getInput */.V4('images'));
    const [merged, dirty] = await Promise.all([
        askMerged ? isAncestor(workspace, head, tip, lookup) : undefined,
        needsCleanTree(event.name) && head !== undefined
            ? worktreeChanges(workspace, [...configs.flatMap(c => [c.context, c.file]), ...(file ? [external_node_path_.resolve(workspace, file)] : [])], configs.flatMap(c => (c.goCache.prebuild ? [c.goCache.prebuild.output] : [])), lookup)
            : undefined
    ]);
    const policy = decidePolicy({
        event,
        head,
        merged,
        dirty,
        commitInput: step.commitGiven ? step.commit : '',
        persistentBuilder: persistentBuilderOf(step, process.env.RUNNER_ENVIRONMENT),
        allowUntrustedOnBuilder: step.allowUntrustedOnBuilder,
        push: step.push,
        latest: step.latest,
        saveGoCache: step.goCache.save
    });
    core/* info */.pq(`This run: ${policy.who}; builds ${head ?? 'a commit git cannot name'}. ${policy.push ? 'Pushes the commit tag' : 'Pushes nothing'}${policy.writeScope ? `, writes the cache tags of ${policy.writeScope.branch}` : ''}; latest: ${policy.latest.why}.`);
    if (policy.refused)
        throw new Error(policy.refused);
    if (!policy.trusted && file) {
        throw new InputError('images', `the file '${file}' is not used: this run builds untrusted code (${policy.who}); give the images in the workflow itself`);
    }
    if (!policy.trusted)
        core/* warning */.$e(`Untrusted code (${policy.who}): nothing is pushed, no cache is saved, no secret or login is used`);
    for (const warning of policy.warnings)
        core/* warning */.$e(warning);
    for (const note of policy.notes)
        core/* notice */.lm(note);
    return policy;
}
/** Log in to each image's registry before anything reads one; the post step logs out. */
async function logIn(configs, policy, state) {
    const registries = [...new Map(configs.filter(c => c.login).map(c => [c.login?.registry, c])).values()];
    for (const config of registries) {
        const steps = loginSteps(config, policy);
        if (!steps.length)
            continue;
        const login = await runSteps(steps, [], config);
        if (login.failed) {
            core/* setFailed */.C1(login.failed.message ?? 'docker login failed');
            return false;
        }
        state.loggedInRegistries = [...(state.loggedInRegistries ?? []), config.login?.registry];
        (0,src_state/* savePostState */.L)(state);
    }
    return true;
}
/**
 * This build's inputs hash and whether latest was built from the same; and whether latest's commit
 * already contains this one, so that an older run moves neither latest nor the default branch's cache.
 */
async function compareWithRegistry(config, client, policy, baseLookups) {
    const users = goCacheUsers(config);
    const fillsMounts = config.goCache.enabled && !config.goCache.prebuild && users.mounts.length > 0;
    // The builder is not probed yet (a copy needs none): the engine's, unless one was named.
    const onEngine = config.cacheStrategy === 'pull' || (config.cacheStrategy === 'auto' && !config.builder && !config.buildkitEndpoint);
    const uses = [
        ...(config.copyUnchanged && policy.push ? ['the image is copied, not built'] : []),
        ...(fillsMounts ? ['the Go caches are not restored'] : []),
        ...(onEngine && config.builderTarget ? ['the image is built first'] : [])
    ].join('; ');
    return core/* group */.Os('Compare with latest in the registry', async () => {
        const mayMove = policy.latest.move || policy.writeScope?.suffix === '';
        // Both paths' cache tags: which path builds is known only once the builder is probed.
        const tags = ['pull', 'buildx'].flatMap(strategy => {
            const refs = refsFor(config, policy, strategy);
            return [...refs.cacheRead, ...(refs.cacheWrite ? [refs.cacheWrite] : [])];
        });
        const [{ inputs, latest, latestProblem }, cacheTags] = await Promise.all([
            compareWithLatest(config, {
                rules: client.then(found => (classicClient(found) && onEngine ? 'docker-20.10' : 'buildx')),
                uses: uses || undefined,
                mayMoveLatest: mayMove,
                baseLookups
            }).catch((error) => ({
                inputs: { hash: unknownInputsHash(), unchanged: false, note: `inputs not compared: ${error.message}` }
            })),
            lookUpCacheTags(config, [...new Set(tags)])
        ]);
        if (latestProblem)
            cacheTags.unreadable.push(`${config.image.name}:latest`);
        core/* info */.pq(inputs.note);
        if (!mayMove || !latest)
            return { inputs, policy, cacheTags, latest };
        const { ahead, revision } = await latestIsAhead(config, latest, policy);
        if (ahead === undefined && revision) {
            // latest never moves backwards, so not on a guess either; the default branch's cache tag still may.
            const why = cannotTellWhy(revision, config.commit);
            core/* notice */.lm(why);
            return { inputs, policy: policy.latest.move ? { ...policy, latest: { move: false, why } } : policy, cacheTags, latest };
        }
        if (!ahead || !revision)
            return { inputs, policy, cacheTags, latest };
        const held = holdBack(policy, revision, config.commit);
        core/* notice */.lm(held.latest.why);
        return { inputs, policy: held, cacheTags, latest };
    });
}
async function compareImage({ name, config }, client, policy, baseLookups) {
    return { name, config, ...(await compareWithRegistry(config, client, policy, baseLookups)) };
}
/**
 * No build at all when latest was built from exactly these inputs and the run's cache tags are there
 * (so the cache stays whole for the next change): the new tags get latest's image.
 */
function copyable({ config, policy, inputs, cacheTags, latest }) {
    if (!config.copyUnchanged || config.noCache || !inputs.unchanged || !policy.push || !latest)
        return false;
    if (!config.builderTarget)
        return true;
    const read = ['pull', 'buildx'].flatMap(strategy => refsFor(config, policy, strategy).cacheRead);
    return read.some(ref => cacheTags.present.includes(ref));
}
async function copyInsteadOfBuilding({ name, config, policy, inputs, latest }) {
    const image = latest;
    const copy = planCopy(config, policy, image.digest);
    core/* info */.pq(`${inputs.note}: no build, the new tags get latest's image (${image.digest})`);
    const result = await runSteps(copy.steps, [], config);
    const plan = {
        strategy: 'copy',
        refs: copy.refs,
        steps: copy.steps,
        readBack: [],
        saveGoCaches: false,
        files: [],
        notes: [`no build: ${inputs.note}`]
    };
    const report = buildReport(config, policy, plan, result, {
        goCacheUnneeded: inputs.note,
        latest: { moved: false, why: `latest already is this image (${image.digest.slice(0, 19)}): nothing was built` },
        copiedFrom: result.failed ? undefined : image
    });
    return { name, config, report, failed: result.failed };
}
/** Build, push and tag one image (the Go caches already in the builder). */
async function buildImage(image, facts, go) {
    const { name, config, policy, inputs, cacheTags } = image;
    const built = await buildAndPush({ config, policy, facts, inputs, go: go.state, ...cacheTags });
    const latest = built.result.failed ? undefined : await publishTags(config, policy, built);
    const failed = built.result.failed ?? latest?.result.failed;
    const result = mergeResults(built.result, latest?.result);
    const report = buildReport(config, policy, built.plan, result, {
        goCache: go.restore,
        goCacheUnneeded: go.unneeded ? inputs.note : undefined,
        latest: latest?.outcome ?? { moved: false, why: failed ? 'the build or a push failed' : policy.latest.why },
        engine: engineLine(facts),
        platforms: failed ? undefined : await platformsOf(config, built)
    });
    return { name, config, report, failed, inputs, built };
}
/** Runs `work` on every item, at most `width` at once, in the items' order. */
async function inBatches(items, width, work) {
    const results = new Array(items.length);
    let next = 0;
    const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]);
        }
    });
    await Promise.all(lanes);
    return results;
}
/** Outputs and the summary for every image; a failure fails the step (annotated at its Dockerfile line). Returns whether one failed. */
async function reportImages(outcomes) {
    setOutputs(outcomes.map(o => ({ name: o.name, report: o.report })));
    if (outcomes.length > 1)
        await writeOverview(outcomes.map(o => ({ name: o.name, report: o.report, failure: o.failed?.message })));
    for (const { name, config, report, failed } of outcomes)
        await writeSummary(config, report, failed?.message, outcomes.length > 1 ? name : undefined);
    const failures = outcomes.filter(o => o.failed);
    for (const { config, failed } of failures) {
        const step = failed;
        const line = step.line ?? failedStepLine(config, step.vertices);
        if (step.step.build && line !== undefined)
            core/* error */.z3(step.message ?? 'build failed', { file: config.file, startLine: line });
    }
    if (failures.length) {
        core/* setFailed */.C1(failures.map(o => `${outcomes.length > 1 ? `${o.name}: ` : ''}${o.failed?.message ?? `${o.failed?.step.title} failed`}`).join('\n'));
    }
    return failures.length > 0;
}
async function bringGoCaches(config, facts, allUnchanged, policy) {
    const users = goCacheUsers(config);
    const fillsMounts = config.goCache.enabled && !config.goCache.prebuild && users.mounts.length > 0;
    const unneeded = fillsMounts && allUnchanged;
    if (unneeded)
        return { unneeded };
    const found = await goCacheKeyFor(config, facts);
    if (!found)
        return { unneeded };
    // Untrusted builds may run here (allow-untrusted-on-builder): no marker is proof, and a self-hosted
    // runner's Go folders, which such a build's go build may have written, start empty as on a fresh one.
    const markers = policy.markersAreProof;
    if (!markers) {
        core/* info */.pq('Key markers are not taken as proof here (allow-untrusted-on-builder): the Go caches are restored and filled as on a fresh builder');
        if (process.env.RUNNER_ENVIRONMENT === 'self-hosted')
            await Promise.all([facts.goDirs.mod, facts.goDirs.build].map(dir => (0,src_files/* removeTree */.dM)(dir)));
    }
    // Prebuild mode on a machine that kept its Go folders (a self-hosted runner): they hold the key already.
    if (markers && config.goCache.prebuild && keyOfRunnerFolders(facts.goDirs) === found.key) {
        const note = `the runner's Go folders already hold the Go caches of ${found.key}: not restored`;
        core/* info */.pq(note);
        const { key, restoreKeys, mounts, baseImage } = found;
        const restore = {
            key,
            restoreKeys,
            hit: 'warm',
            paths: [facts.goDirs.mod, facts.goDirs.build],
            bytes: 0,
            seconds: 0,
            mounts,
            baseImage,
            note
        };
        return { restore, state: { hit: 'warm', key, dirs: facts.goDirs, mounts, baseImage }, unneeded };
    }
    const onBuilder = buildsOnBuilder({ config, facts });
    // A builder may hold the caches already (its mounts name the key): ask it while the restore runs.
    // The engine's BuildKit is asked only when it has the mounts' base image: else it is a fresh one.
    const probing = markers && fillsMounts && (onBuilder || (await imagePresent(config, users.baseImage)));
    // The engine pulls the mounts' base image while the Go caches download: the fill and the compile
    // both need it, and on the pull path a local image is what BuildKit uses.
    const prepull = fillsMounts && !onBuilder ? pullQuietly(config, users.baseImage) : undefined;
    const cancel = new AbortController();
    const probe = probing
        ? probeMounts(found, facts, mountBuildCommand({ config, facts }), limits(config).activity).then(result => {
            if (result.warm)
                cancel.abort();
            return result;
        })
        : undefined;
    let restore = await core/* group */.Os('Restore the Go caches', () => restoreGoCaches(config, facts, found, cancel.signal));
    const probed = await probe;
    if (prepull)
        core/* info */.pq(await prepull);
    if (probed) {
        core/* info */.pq(`The builder's Go cache mounts: ${probed.said} (asked in ${probed.seconds.toFixed(1)} s)`);
        // The one place a run is called warm: the restore was stopped, or it ended before the probe did.
        if (probed.warm) {
            const note = `the builder's cache mounts already hold the Go caches of ${found.key}: not restored, not filled`;
            restore = { ...restore, hit: 'warm', matchedKey: undefined, bytes: 0, note };
            core/* info */.pq(note);
        }
    }
    // After a partial hit the save holds old and new: age the restored entries to see which are used.
    const agedTo = restore.hit === 'partial' ? await ageRestoredBuildCache(facts.goDirs) : undefined;
    const state = {
        hit: restore.hit,
        key: restore.key,
        dirs: facts.goDirs,
        mounts: restore.mounts,
        baseImage: restore.baseImage,
        deltaDir: restore.delta?.dir,
        deltaSince: restore.delta?.since
    };
    return { restore, state, unneeded, agedTo };
}
/** Whether the engine has the image (a look-up; any failure is a no). */
async function imagePresent(config, image) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['docker', 'image', 'inspect', '--format', '{{.Id}}', image], limit: limits(config).lookup });
    return result.exitCode === 0;
}
/** `docker pull`, for speed only: a failure is a line in the log, the build pulls on its own. */
async function pullQuietly(config, image) {
    const result = await (0,run_process/* runProcess */.R3)({ argv: ['docker', 'pull', '--quiet', image], limit: limits(config).activity });
    const took = `${(result.durationMs / 1000).toFixed(1)} s`;
    return result.exitCode === 0
        ? `Pulled ${image} during the restore (${took})`
        : `Pulling ${image} ahead did not work (${result.timedOut ?? (0,run_process/* lastLine */.fM)(result.tail)}); the build pulls it`;
}
/** The build, and the push of its commit tag and cache tag; under auto, the pull path if buildx's builder fails first. */
async function buildAndPush(input) {
    let plan = choosePlan(input);
    for (const note of plan.notes)
        core/* info */.pq(note);
    for (const warning of plan.warnings ?? [])
        core/* warning */.$e(warning);
    if (plan.fellBack && plan.reason)
        core/* warning */.$e(plan.reason);
    let result = await runSteps(plan.steps, plan.files, input.config, defaultCacheTagStill(input, plan));
    const reason = result.failed?.fallbackReason;
    if (reason) {
        plan = fallbackPlan(input, reason);
        core/* warning */.$e(plan.reason);
        result = await runSteps(plan.steps, plan.files, input.config, defaultCacheTagStill(input, plan));
    }
    return { plan, result, input };
}
/**
 * A run that overlapped a newer one of the default branch: the newer may have moved latest while this
 * one built. Its push of the default branch's cache tag is asked again just before it starts, as
 * latest is (latestMayMove), so the older run leaves the newer's cache tag in place.
 */
function defaultCacheTagStill({ config, policy }, plan) {
    return async (step) => {
        if (step.pushRef === undefined || step.pushRef !== plan.refs.cacheWrite || policy.writeScope?.suffix !== '')
            return undefined;
        const found = await inspectImage(plan.refs.latest, limits(config).lookup);
        if (!('image' in found))
            return undefined;
        const { ahead, revision } = await latestIsAhead(config, found.image, policy);
        if (ahead !== true || !revision)
            return undefined;
        return `latest moved to ${revision.slice(0, 12)} while this run built, and that commit contains ${config.commit.slice(0, 12)}: the default branch's cache tag stays with it`;
    };
}
/** latest (unless it would move backwards) and the extra tags, once the commit tag is in. */
async function publishTags(config, policy, { plan, result }) {
    const outcome = await latestMayMove(config, policy, plan);
    if (plan.refs.moveLatest)
        core/* info */.pq(`latest: ${outcome.why}`);
    const digest = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok')?.digest;
    const steps = policy.push ? planPublish({ config }, { strategy: plan.strategy, refs: plan.refs, moveLatest: outcome.moved, digest }) : [];
    const published = await runSteps(steps, [], config);
    const moved = outcome.moved && !published.failed;
    return {
        result: published,
        outcome: { moved, why: published.failed && outcome.moved ? `its push failed: ${published.failed.message}` : outcome.why }
    };
}
/**
 * latest never moves backwards: not when its commit already contains this one, nor when that cannot
 * be told (latest unreadable, a shallow clone): then it stays where it is, and a notice says why.
 */
async function latestMayMove(config, policy, plan) {
    if (!plan.refs.moveLatest || !policy.push)
        return { moved: false, why: policy.latest.why };
    const found = await inspectImage(plan.refs.latest, limits(config).lookup);
    if ('missing' in found)
        return { moved: true, why: `${policy.latest.why}; latest is new` };
    if ('problem' in found) {
        const why = `latest's revision could not be read (${found.problem}), so whether it would move backwards cannot be told: latest stays where it is`;
        core/* notice */.lm(why);
        return { moved: false, why };
    }
    // A latest without a revision label was not pushed by this action: nothing to keep it from moving.
    const { ahead, revision } = await latestIsAhead(config, found.image, policy);
    if (!revision || revision === config.commit)
        return { moved: true, why: policy.latest.why };
    if (ahead === true) {
        return {
            moved: false,
            why: `latest is at ${revision.slice(0, 12)}, which already contains ${config.commit.slice(0, 12)}: latest never moves backwards`
        };
    }
    if (ahead === undefined) {
        const why = cannotTellWhy(revision, config.commit);
        core/* notice */.lm(why);
        return { moved: false, why };
    }
    return { moved: true, why: `${policy.latest.why}; from ${revision.slice(0, 12)}` };
}
/** Each platform's image in the pushed index, for the summary (a look-up; its failure only a note). */
async function platformsOf(config, { plan, result }) {
    const digest = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok')?.digest;
    if (!config.platforms.length || !digest)
        return undefined;
    const found = await platformManifests(`${config.image.name}@${digest}`, limits(config).lookup);
    if ('problem' in found) {
        core/* info */.pq(`The index's platforms could not be read (${found.problem})`);
        return undefined;
    }
    return found;
}
function mergeResults(first, second) {
    if (!second)
        return first;
    return { outcomes: [...first.outcomes, ...second.outcomes], failed: first.failed ?? second.failed };
}
/** latest had these inputs, yet the builder stage ran: say so (a moved base image, overwritten cache tags). */
function warnIfLayerCacheMissed(config, inputs, goUnneeded, result) {
    if (!inputs.unchanged || !config.builderTarget)
        return;
    if (stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget))
        return;
    core/* warning */.$e(`The inputs matched latest, but the ${config.builderTarget} stage was not answered whole from the layer cache (its base image may have moved, or the cache tags were overwritten)${goUnneeded ? ': it compiled without the Go caches, which were not restored' : ''}`);
}
/** After the outputs: the builder's cache mounts back into the runner's Go folders, for the post step's save. */
async function readBackGoCaches(images, go, state) {
    const restore = go.restore;
    // Every image's build used the same cache mounts (by id): reading them back once holds all.
    const saving = images.find(image => image.built.plan.saveGoCaches);
    const delta = images.find(image => image.built.plan.saveGoDelta);
    if (!restore || !(saving ?? delta))
        return;
    // A builder stage answered whole from the layer cache used no Go cache: its save would hold nothing new.
    const wholeFromCache = ({ config: c, built }) => {
        const builder = stageSteps(built.result.outcomes, c.builderTarget);
        return !c.goCache.prebuild && builder !== undefined && stageFullyCached(builder, c.builderTarget);
    };
    if (images.every(wholeFromCache)) {
        core/* info */.pq('Go caches not saved: the builder stage came whole from the layer cache, so the build used none of them');
        return;
    }
    if (!saving) {
        if (delta && restore.delta)
            await readBackDelta(delta, restore.delta, go.state.dirs, state);
        return;
    }
    const { config } = saving;
    const { plan, result } = saving.built;
    const readBack = await runSteps(plan.readBack, [], config);
    const ran = [...result.outcomes, ...readBack.outcomes].filter(o => o.step.phase === 'read-back' || o.step.phase === 'prebuild');
    const expected = plan.readBack.length + plan.steps.filter(s => s.phase === 'prebuild').length;
    await writeReadBackSummary(readBack);
    if (expected === 0 || ran.length !== expected || !ran.every(o => o.status === 'ok')) {
        core/* warning */.$e("Go caches not saved: reading them back from the build did not work (see above); the runner's Go folders are as they were");
        return;
    }
    // The copies read back are trimmed where they are, and put in the runner's place only once all are whole.
    const dirs = go.state.dirs;
    const swaps = plan.readBack.flatMap(step => (step.extract ? [step.extract] : []));
    const fresh = { mod: swaps.find(s => s.to === dirs.mod)?.from ?? dirs.mod, build: swaps.find(s => s.to === dirs.build)?.from ?? dirs.build };
    try {
        await core/* group */.Os('Keep what the build used of the Go caches', () => keepOnlyUsed(fresh, config.context, config.goCache.dependencyPaths, go.agedTo));
    }
    catch (error) {
        core/* warning */.$e(`Go caches not saved: trimming them failed (${error.message})${swaps.length ? "; the runner's Go folders are as they were" : ''}`);
        return;
    }
    const swapped = [];
    try {
        for (const { from, to } of swaps) {
            await (0,src_files/* replaceTree */.fu)(from, to);
            swapped.push(to);
        }
    }
    catch (error) {
        const kept = swaps.map(s => s.to).filter(to => !swapped.includes(to));
        core/* warning */.$e(`Go caches not saved: putting the copy read back in place failed (${error.message}); ${kept.join(' and ')} ${kept.length > 1 ? 'are' : 'is'} as ${kept.length > 1 ? 'they were' : 'it was'}${swapped.length ? `, ${swapped.join(' and ')} holds the build's copy` : ''}`);
        return;
    }
    // The folders now hold what is saved under the key: a later run on this machine finds them marked.
    await markRunnerFolders(dirs, restore.key);
    (0,src_state/* savePostState */.L)({ ...state, goCacheSave: { key: restore.key, paths: restore.paths, limitMs: limits(config).activity.idleMs } });
}
/**
 * After an exact hit: the GOCACHE entries the build compiled or used beyond the key's entry, read from
 * the mount (or, in prebuild mode, from the runner's GOCACHE), saved as the key's newest delta when
 * they hold an entry the restored delta did not.
 */
async function readBackDelta(image, delta, dirs, state) {
    const { config } = image;
    const { plan } = image.built;
    let names;
    if (config.goCache.prebuild) {
        names = await collectNewer(dirs.build, new Date(delta.since), delta.dir);
    }
    else {
        const readBack = await runSteps(plan.readBack, [], config);
        await writeReadBackSummary(readBack);
        const swap = plan.readBack.find(step => step.extract)?.extract;
        if (!swap || readBack.outcomes.length !== plan.readBack.length || !readBack.outcomes.every(o => o.status === 'ok')) {
            core/* warning */.$e('Go caches: no delta saved, reading what the build added did not work (see above)');
            return;
        }
        try {
            await (0,src_files/* replaceTree */.fu)(swap.from, swap.to);
        }
        catch (error) {
            core/* warning */.$e(`Go caches: no delta saved, putting it in place failed (${error.message})`);
            return;
        }
        names = await entryNames(delta.dir);
    }
    const known = new Set(delta.restored);
    const added = names.filter(name => !known.has(name)).length;
    if (added === 0) {
        core/* info */.pq(`Go caches: the build compiled nothing beyond ${delta.matchedKey ?? 'the key'}'s entries: no delta saved`);
        return;
    }
    core/* info */.pq(`Go caches: ${names.length} GOCACHE entries beyond the key's entry (${added} new), saved as ${delta.key} in the post step`);
    (0,src_state/* savePostState */.L)({ ...state, goCacheSave: { key: delta.key, paths: [delta.dir], limitMs: limits(config).activity.idleMs } });
}
/** Older clients do not print `Dockerfile:N`: find the failed step's line from its instruction. */
function failedStepLine(config, vertices = []) {
    const failed = vertices.find(v => v.status === 'error' && v.stage && v.instruction);
    return failed ? lineOfStep(config.dockerfile, failed.stage, failed.instruction) : undefined;
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
