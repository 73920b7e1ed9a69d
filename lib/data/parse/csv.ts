/**
 * RFC 4180 records: fields separated by commas, optionally quoted; inside quotes a
 * doubled quote is a quote and commas and line breaks are data. Records end at LF or
 * CRLF. Yields each record's fields and the 1-based line it starts on. Only used for
 * small files (catalogs), so it works on a string.
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[]; raw: string }> {
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    const startLine = line;
    const start = pos;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    for (;;) {
      if (pos >= n) {
        fields.push(field);
        break;
      }
      const c = text[pos]!;
      if (quoted) {
        if (c === '"') {
          if (text[pos + 1] === '"') {
            field += '"';
            pos += 2;
          } else {
            quoted = false;
            pos++;
          }
        } else {
          if (c === '\n') line++;
          field += c;
          pos++;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        pos++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        pos++;
      } else if (c === '\n' || (c === '\r' && text[pos + 1] === '\n')) {
        fields.push(field);
        pos += c === '\r' ? 2 : 1;
        line++;
        break;
      } else {
        field += c;
        atFieldStart = false;
        pos++;
      }
    }
    const raw = text.slice(start, pos).replace(/\r?\n$/, '');
    yield { line: startLine, fields, raw };
  }
}
