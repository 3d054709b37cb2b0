/** Child processes of the local stack: started with logs in a file, awaited on a port, stopped together. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export class StackError extends Error {}

export interface Child {
  name: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

const children: Child[] = [];

export function startChild(name: string, command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logDir: string }): Child {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = createWriteStream(join(opts.logDir, `${name}.log`), { flags: 'a' });
  const proc = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout?.pipe(logFile);
  proc.stderr?.pipe(logFile);
  const child: Child = {
    name,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        killGroup(proc, 'SIGTERM');
      }),
  };
  children.push(child);
  return child;
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid) process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal);
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all(children.splice(0).reverse().map((c) => c.stop()));
}

/** Resolves when something accepts TCP connections on the port; fails if the child exits first. */
export async function waitForPort(port: number, child: Child | undefined, timeoutMs = 60_000, logDir = ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.proc.exitCode !== null) {
      throw new StackError(`${child.name} exited with code ${child.proc.exitCode} before it was ready; see ${join(logDir, child.name + '.log')}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new StackError(`${child?.name ?? 'service'} did not open port ${port} within ${timeoutMs / 1000}s; see ${join(logDir, (child?.name ?? 'service') + '.log')}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports: all are held open until every one is chosen, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function requireJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new StackError('Java 17+ is required for DynamoDB Local and was not found on PATH: install a JDK/JRE 17 (e.g. `apt-get install openjdk-17-jre-headless`) and run again.');
  }
  const version = /version "(\d+)/.exec(result.stderr + result.stdout)?.[1];
  if (version && Number(version) < 17) throw new StackError(`Java ${version} found; DynamoDB Local needs Java 17 or newer.`);
}
