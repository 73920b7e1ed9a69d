/** Typed arrays over a SharedArrayBuffer when workers will share them, a plain one otherwise. */
type Ctor<T> = { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

export function allocate<T>(ctor: Ctor<T>, length: number, shared: boolean): T {
  const bytes = Math.max(0, length) * ctor.BYTES_PER_ELEMENT;
  return new ctor(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

