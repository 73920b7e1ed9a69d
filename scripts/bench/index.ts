/**
 * `npm run bench -- <name> [flags]`: runs scripts/bench/<name>.ts, whose `main`
 * takes the remaining arguments. With no name, lists the benchmarks. A bad flag, an
 * impossible request or a failed child prints one line, not a stack (support/cli.ts).
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchErrorExit } from './support/cli';

const here = fileURLToPath(new URL('.', import.meta.url));
const names = (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);

if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [flags]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(`./${name}.ts`)) as { main: (argv: string[]) => Promise<void> };
try {
  await mod.main(rest);
} catch (error) {
  const exit = benchErrorExit(name, error);
  if (!exit) throw error;
  if (exit.line) console.error(exit.line);
  process.exitCode = exit.exitCode;
}
