export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** fetch `baseUrl + path` and parse the answer as JSON; an answer that is not JSON fails the test with its start. */
export async function fetchJson(baseUrl: string, path: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body };
}
