import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folders of lib/ form layers: a folder may import only the folders before it in
 * LAYERS, so the folder graph has no cycle. lib/, functions/ and scripts/ never import
 * test/, and lib/ never imports functions/ or scripts/.
 */
const LAYERS = ['wasm', 'threads', 'storage', 'data', 'math', 'models', 'artifacts', 'eval', 'serving', 'events', 'http', 'batch', 'pipeline', 'distributed'];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = /\.(?:[mc]?ts|[mc]?js)$/;

// ---- pure parts (paths are repo-relative, '/'-separated) ----

/** The relative module specifiers of a source: import/export … from, import type, side-effect and dynamic import(), import = require. */
function relativeSpecifiers(source: string): string[] {
  // TypeScript's pre-processor scans tokens, so comments, strings and regexes never match.
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..');
}

/** The repo-relative path a relative specifier of `file` points at (without guessing the extension). */
function resolveSpecifier(file: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

/** The top-level folder under lib/ that a repo-relative path lands in (`lib/x.ts` counts as folder `x`), else undefined. */
function libFolderOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'lib' || parts.length < 2) return undefined;
  return parts.length === 2 ? parts[1]!.replace(SOURCE, '') : parts[1];
}

interface Import {
  file: string;
  specifier: string;
  target: string;
}

/** Folder graph: folder -> imported folder -> one example import. Every folder with a file is a node. */
type FolderGraph = Map<string, Map<string, Import>>;

function buildFolderGraph(files: string[], imports: Import[]): FolderGraph {
  const graph: FolderGraph = new Map();
  const node = (folder: string) => {
    let edges = graph.get(folder);
    if (!edges) graph.set(folder, (edges = new Map()));
    return edges;
  };
  for (const file of files) {
    const folder = libFolderOf(file);
    if (folder !== undefined) node(folder);
  }
  for (const imp of imports) {
    const from = libFolderOf(imp.file);
    const to = libFolderOf(imp.target);
    if (from === undefined || to === undefined) continue;
    node(to);
    if (from !== to && !node(from).has(to)) node(from).set(to, imp);
  }
  return graph;
}

/** Cycles of the graph as folder paths ending where they start (`a -> b -> a`); at least one if there is any cycle. */
function findCycles(graph: FolderGraph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (folder: string) => {
    state.set(folder, 'open');
    stack.push(folder);
    for (const next of [...(graph.get(folder)?.keys() ?? [])].sort()) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(folder, 'done');
  };
  for (const folder of [...graph.keys()].sort()) if (!state.has(folder)) visit(folder);
  return cycles;
}

const example = (imp: Import) => `${imp.file} imports '${imp.specifier}'`;

function describeCycle(graph: FolderGraph, cycle: string[]): string {
  const edges = cycle.slice(1).map((to, i) => `\n  ${cycle[i]} -> ${to}: ${example(graph.get(cycle[i]!)!.get(to)!)}`);
  return `${cycle.join(' -> ')}${edges.join('')}`;
}

/** Folders missing from the order, and imports of a folder that is not earlier in it. */
function orderViolations(graph: FolderGraph, order: string[]): string[] {
  const out: string[] = [];
  for (const folder of [...graph.keys()].sort()) {
    if (!order.includes(folder)) out.push(`lib/${folder} is not in the folder order: add it to LAYERS in test/infra/folder-imports.test.ts`);
  }
  for (const [from, edges] of graph) {
    for (const [to, imp] of edges) {
      const [a, b] = [order.indexOf(from), order.indexOf(to)];
      if (a >= 0 && b >= 0 && b >= a) out.push(`${from} may not import ${to} (it comes later in the order): ${example(imp)}`);
    }
  }
  return out;
}

/** Imports whose target lies under one of the given top-level folders (`test`, `scripts`, …). */
function importsInto(imports: Import[], folders: string[]): string[] {
  return imports.filter((imp) => folders.includes(imp.target.split('/')[0]!)).map(example);
}

// ---- the repo ----

function sourceFiles(dir: string): string[] {
  return readdirSync(posix.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name))
    .map((e) => posix.relative(ROOT, posix.join(e.parentPath, e.name)))
    .filter((f) => !f.split('/').includes('node_modules'))
    .sort();
}

function importsOf(files: string[]): Import[] {
  return files.flatMap((file) =>
    relativeSpecifiers(readFileSync(posix.join(ROOT, file), 'utf8')).map((specifier) => ({
      file,
      specifier,
      target: resolveSpecifier(file, specifier),
    })),
  );
}

describe('folder imports', () => {
  const libFiles = sourceFiles('lib').filter((f) => /\.[mc]?ts$/.test(f));
  const libImports = importsOf(libFiles);
  const graph = buildFolderGraph(libFiles, libImports);

  it('reads the lib tree', () => {
    expect(libFiles.length).toBeGreaterThan(0);
    expect(libImports.length).toBeGreaterThan(0);
  });

  it('has no cycle between the folders of lib/', () => {
    expect(findCycles(graph).map((c) => describeCycle(graph, c))).toEqual([]);
  });

  it(`follows the folder order ${LAYERS.join(' < ')}`, () => {
    expect(orderViolations(graph, LAYERS)).toEqual([]);
  });

  it('lib/, functions/ and scripts/ never import test/', () => {
    const files = [...libFiles, ...sourceFiles('functions'), ...sourceFiles('scripts')];
    expect(importsInto(importsOf(files), ['test'])).toEqual([]);
  });

  it('lib/ never imports functions/ or scripts/', () => {
    expect(importsInto(libImports, ['functions', 'scripts'])).toEqual([]);
  });
});

describe('the folder-graph helpers', () => {
  it('extract every kind of relative import, and nothing from comments or strings', () => {
    const source = [
      `import a from './a';`,
      `import type { B } from "../b";`,
      `import './side';`,
      `export * from './c';`,
      `export type { D } from './d';`,
      `export { e } from '../../e';`,
      `import fs from 'node:fs';`,
      `import { z } from 'zod';`,
      `// import x from './commented';`,
      `/* import y from './block'; */`,
      `const s = "import q from './in-string'";`,
      `const glob = 'lib/**/*.ts';`,
      `const quote = /['"]/;`,
      `async function f() { return [await import('./dyn'), null as unknown as typeof import('./type-query')]; }`,
    ].join('\n');
    expect(relativeSpecifiers(source)).toEqual(['./a', '../b', './side', './c', './d', '../../e', './dyn', './type-query']);
  });

  it('resolve a specifier to the lib folder it lands in', () => {
    expect(libFolderOf(resolveSpecifier('lib/models/ials/train.ts', '../../eval/ranking'))).toBe('eval');
    expect(libFolderOf(resolveSpecifier('lib/models/ials/train.ts', './solve'))).toBe('models');
    expect(libFolderOf(resolveSpecifier('lib/http/routes.ts', '../index'))).toBe('index');
    expect(libFolderOf(resolveSpecifier('lib/http/routes.ts', '../../test/serving/events'))).toBeUndefined();
    expect(resolveSpecifier('scripts/bench/serve.ts', '../../test/api/offline')).toBe('test/api/offline');
  });

  it('find a cycle in a synthetic graph, with one example import per edge', () => {
    const imp = (file: string, specifier: string): Import => ({ file, specifier, target: resolveSpecifier(file, specifier) });
    const imports = [
      imp('lib/models/a.ts', '../eval/b'),
      imp('lib/models/a2.ts', '../eval/c'),
      imp('lib/eval/b.ts', '../serving/x'),
      imp('lib/serving/x.ts', '../models/a'),
      imp('lib/serving/x.ts', '../storage/s'),
      imp('lib/storage/s.ts', './t'),
    ];
    const graph = buildFolderGraph(['lib/models/a.ts', 'lib/eval/b.ts', 'lib/serving/x.ts', 'lib/storage/s.ts'], imports);
    const cycles = findCycles(graph);
    expect(cycles).toEqual([['eval', 'serving', 'models', 'eval']]);
    expect(describeCycle(graph, cycles[0]!)).toBe(
      [
        'eval -> serving -> models -> eval',
        "  eval -> serving: lib/eval/b.ts imports '../serving/x'",
        "  serving -> models: lib/serving/x.ts imports '../models/a'",
        "  models -> eval: lib/models/a.ts imports '../eval/b'",
      ].join('\n'),
    );
    expect(orderViolations(graph, ['storage', 'models', 'eval', 'serving'])).toEqual([
      "models may not import eval (it comes later in the order): lib/models/a.ts imports '../eval/b'",
      "eval may not import serving (it comes later in the order): lib/eval/b.ts imports '../serving/x'",
    ]);
  });

  it('pass an acyclic graph that follows the order, and name a folder missing from it', () => {
    const graph = buildFolderGraph(
      ['lib/data/d.ts', 'lib/models/m.ts', 'lib/extra/e.ts'],
      [
        { file: 'lib/models/m.ts', specifier: '../data/d', target: 'lib/data/d' },
        { file: 'lib/extra/e.ts', specifier: '../models/m', target: 'lib/models/m' },
      ],
    );
    expect(findCycles(graph)).toEqual([]);
    expect(orderViolations(graph, ['data', 'models'])).toEqual([
      'lib/extra is not in the folder order: add it to LAYERS in test/infra/folder-imports.test.ts',
    ]);
  });
});
