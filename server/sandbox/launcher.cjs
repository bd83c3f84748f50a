// Runs first inside the sandbox, before any learner code. It listens on 127.0.0.1:<broker port>
// (the address the run's broker advertises) and relays each connection over the Unix socket that
// the supervisor bind-mounted in, so kafkajs bootstrap and metadata work unchanged while the
// network namespace has no route anywhere else. Then it tells the supervisor it is ready on fd 3,
// closes fd 3 (so learner code cannot write there) and runs the learner's program: `import <bundle>`
// runs a TypeScript bundle as this process's main module; `exec <file> <args…>` runs a JVM or a
// Python interpreter as its child (sharing stdin, stdout and stderr) and ends as that child ended,
// re-raising its fatal signal so the supervisor sees the same exit status as for a node program.
// It holds no secret: learner code can tamper with this process, but the only thing reachable
// through the socket is the run's own broker.
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');

const [port, socketPath, mode, ...program] = process.argv.slice(2);

// Port "-" is local mode (no sandbox): the supervisor's relay listens on the host itself, so there
// is nothing to relay here and the launcher only reports ready and starts the program. Nothing
// like bwrap's --die-with-parent exists there, so should the server die, the launcher kills its
// own process group (the program and whatever it started) within a second.
if (port === '-') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(0, 'SIGKILL');
  }, 1000).unref();
  start();
} else {
  const server = net.createServer({ allowHalfOpen: false }, (inner) => {
    const outer = net.connect(socketPath);
    // A response often arrives in two pieces (header, body); with Nagle on, the second piece waits for
    // the client's delayed ACK (about 40 ms on Linux) on every request.
    inner.setNoDelay(true);
    const close = () => { inner.destroy(); outer.destroy(); };
    inner.on('error', close).on('close', close);
    outer.on('error', close).on('close', close);
    inner.pipe(outer);
    outer.pipe(inner);
    // The relay's own handles never keep the program alive: the learner's sockets do.
    inner.unref();
    outer.unref();
  });
  server.on('error', (err) => {
    process.stderr.write(`sandbox launcher: cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
    process.exit(70);
  });
  server.listen(Number(port), '127.0.0.1', () => {
    server.unref();
    start();
  });
}

function start() {
  fs.writeSync(3, 'ready\n');
  fs.closeSync(3);
  if (mode === 'exec') return runChild(program);
  const bundlePath = program[0];
  process.argv.splice(1, process.argv.length - 1, bundlePath);
  // The bundle carries an inline source map: stack traces then name main.ts lines, not main.mjs:18642.
  process.setSourceMapsEnabled(true);
  // Like a main module: an error escaping the top level prints its stack and exits 1.
  import(pathToFileURL(bundlePath).href).catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

function runChild([file, ...args]) {
  const { spawn } = require('node:child_process');
  // glibc reserves 64 MiB of address space per malloc arena, up to 8 per core: with a JVM's threads
  // that alone could reach RLIMIT_AS. Two arenas are plenty for one learner program.
  const child = spawn(file, args, { stdio: 'inherit', env: { ...process.env, MALLOC_ARENA_MAX: '2' } });
  child.on('error', (err) => {
    process.stderr.write(`sandbox launcher: cannot start ${file}: ${err.message}\n`);
    process.exit(71);
  });
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    // Die of the same signal (default action restored) so bwrap reports 128 + its number.
    process.removeAllListeners(signal);
    try {
      process.kill(process.pid, signal);
    } catch {
      // fall through
    }
    process.exit(128 + (require('node:os').constants.signals[signal] || 0));
  });
}
