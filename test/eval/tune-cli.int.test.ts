import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tune = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/tune.ts', ...args], { cwd: process.cwd(), encoding: 'utf8' }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('npm run tune', () => {
  it('searches only the --grid values given, and --help prints the usage with exit 0', async () => {
    const got = await tune('--model', 'ease', '--data', 'synthetic:users=200,movies=60,perUser=12,seed=3', '--outer', '2', '--inner', '2', '--grid', 'reg=5,50', '--json');
    expect(got.code, got.stderr).toBe(0);
    const report = JSON.parse(got.stdout) as { gridSize: number; outer: { chosen: { reg: number } }[]; final: { best: { reg: number } } };
    expect(report.gridSize).toBe(2);
    for (const fold of report.outer) expect([5, 50]).toContain(fold.chosen.reg);
    expect([5, 50]).toContain(report.final.best.reg);

    const help = await tune('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--grid <key=v1,v2>');
    expect(help.stderr).toBe('');
  });

  it('refuses a malformed --grid before loading any data', async () => {
    const got = await tune('--model', 'ease', '--data', 'synthetic:users=200,movies=60,perUser=12', '--grid', 'reg=');
    expect(got.code).toBe(2);
    expect(got.stderr).toMatch(/--grid takes key=value,value/);
  });
});
