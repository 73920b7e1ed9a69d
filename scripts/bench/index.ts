/**
 * `npm run bench -- <name> [flags]`: runs scripts/bench/<name>.ts, whose `main`
 * takes the remaining arguments. With no name, lists the benchmarks.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const names = (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);

if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [flags]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(`./${name}.ts`)) as { main: (argv: string[]) => Promise<void> };
await mod.main(rest);
