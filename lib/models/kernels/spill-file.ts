import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A scratch file in the temp folder (the Lambda's /tmp) that holds a set of typed arrays
 * byte for byte, so a large best-epoch copy costs disk instead of memory. The file is
 * unlinked as soon as it is open: the space comes back when the descriptor closes, or
 * when the process ends, whatever happens in between.
 */
export class SpillFile {
  private constructor(private fd: number | undefined) {}

  static open(dir = tmpdir()): SpillFile {
    const folder = mkdtempSync(join(dir, 'spill-'));
    try {
      return new SpillFile(openSync(join(folder, 'arrays'), 'w+', 0o600));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Writes the arrays one after another from the start of the file. */
  write(arrays: readonly ArrayBufferView[]): void {
    let position = 0;
    for (const a of arrays) {
      position = this.transfer(a, position, (fd, bytes, at) => writeSync(fd, bytes, 0, bytes.byteLength, at));
    }
  }

  /** Reads back what `write` wrote into arrays of the same sizes and order. */
  readInto(arrays: readonly ArrayBufferView[]): void {
    let position = 0;
    for (const a of arrays) {
      position = this.transfer(a, position, (fd, bytes, at) => {
        const n = readSync(fd, bytes, 0, bytes.byteLength, at);
        if (n === 0) throw new Error('spill file: shorter than the arrays read back');
        return n;
      });
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  // fs moves at most 2 GiB per call and may move less than asked: loop over what is left.
  private transfer(a: ArrayBufferView, position: number, move: (fd: number, bytes: Uint8Array, at: number) => number): number {
    if (this.fd === undefined) throw new Error('spill file: used after close');
    const all = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let done = 0; done < all.byteLength; ) {
      const n = move(this.fd, all.subarray(done, Math.min(all.byteLength, done + 2 ** 30)), position + done);
      done += n;
    }
    return position + all.byteLength;
  }
}
