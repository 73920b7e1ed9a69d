import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PAGE_ASSETS } from '../../lib/http/page/assets.generated';
import { GENERATED, buildPageAssets, generatedModule } from '../../scripts/build/page-assets';

const asset = (path: string) => PAGE_ASSETS.find((a) => a.path === path)!;
const html = asset('/').body;
const script = asset('/app.js').body;

describe('the demo page as bundled into the recommend function', () => {
  it('is what lib/http/page/src builds to (run `npm run build:page` after editing it)', async () => {
    expect(await readFile(GENERATED, 'utf8')).toBe(generatedModule(await buildPageAssets()));
  });

  it('stays a few tens of KB: under 40 KB for the HTML, style and script together', () => {
    const bytes = PAGE_ASSETS.reduce((sum, a) => sum + Buffer.byteLength(a.body), 0);
    expect(bytes).toBeLessThan(40 * 1024);
  });

  it('links its script and style by version, and has no inline script or style and nothing from another host', () => {
    expect(html).toContain(`src="app.js?v=${asset('/app.js').version}"`);
    expect(html).toContain(`href="app.css?v=${asset('/app.css').version}"`);
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="/);
    expect(html).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('writes the DOM without HTML strings (the CSP enforces Trusted Types with no policy)', () => {
    expect(script).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
  });

  it('labels every form control it declares', () => {
    const controls = html.match(/<(?:input|select|textarea)\b[^>]*>/g) ?? [];
    for (const control of controls) {
      const id = /\bid="([^"]+)"/.exec(control)?.[1];
      expect(id && html.includes(`for="${id}"`), control).toBe(true);
    }
  });
});
