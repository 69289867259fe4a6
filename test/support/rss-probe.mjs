// Preloaded into the action's Node process by the tests (node --import): prints the process's own
// peak resident memory at exit. RUSAGE_SELF only: child processes (go build, docker) not counted.
process.on('exit', () => {
  process.stderr.write(`cib-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
