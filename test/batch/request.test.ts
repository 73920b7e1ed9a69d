import { describe, expect, it } from 'vitest';
import { BatchRequestError } from '../../lib/batch/errors';
import { checkOutsideModels, parseOutLocation } from '../../lib/batch/out-location';
import { parseBatchRequest } from '../../lib/batch/request';

describe('parseOutLocation', () => {
  it('takes s3://bucket/prefix/, adding the trailing slash, or a bucket alone', () => {
    expect(parseOutLocation('s3://my-bucket/exports/top20/')).toEqual({ bucket: 'my-bucket', prefix: 'exports/top20/' });
    expect(parseOutLocation('s3://my-bucket/exports/top20')).toEqual({ bucket: 'my-bucket', prefix: 'exports/top20/' });
    expect(parseOutLocation('s3://my.bucket.1')).toEqual({ bucket: 'my.bucket.1', prefix: '' });
    expect(parseOutLocation('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
  });

  it.each([
    ['/tmp/out', /is not an s3:\/\/ URL/],
    ['https://my-bucket.s3.amazonaws.com/x/', /is not an s3:\/\/ URL/],
    ['s3:/my-bucket/x', /is not an s3:\/\/ URL/],
    ['s3://', /valid bucket/],
    ['s3:///prefix/', /valid bucket/],
    ['s3://My_Bucket/x/', /valid bucket/],
    ['s3://ab/x/', /valid bucket/],
    ['s3://my..bucket/x/', /valid bucket/],
    ['s3://192.168.1.1/x/', /valid bucket/],
    ['s3://my-bucket//x/', /empty, '\.' or '\.\.' folder/],
    ['s3://my-bucket/a//b/', /empty, '\.' or '\.\.' folder/],
    ['s3://my-bucket/a/../b/', /empty, '\.' or '\.\.' folder/],
    ['s3://my-bucket/a\nb/', /control character/],
    [`s3://my-bucket/${'x'.repeat(1000)}/`, /longer than 960 bytes/],
  ])('refuses %j with a BatchRequestError (a 400) that says what is wrong', (url, message) => {
    const err = (() => {
      try {
        parseOutLocation(url);
      } catch (e) {
        return e;
      }
    })() as BatchRequestError;
    expect(err).toBeInstanceOf(BatchRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/^--out \/ out must be s3:\/\/bucket\/prefix\//);
    expect(err.message).toMatch(message);
  });

  it("refuses the model bucket's models/ folder and top, not other prefixes or buckets", () => {
    expect(() => checkOutsideModels(parseOutLocation('s3://models-bucket/models/x/'), 'models-bucket')).toThrow(/inside models\/ in the model bucket/);
    expect(() => checkOutsideModels(parseOutLocation('s3://models-bucket/'), 'models-bucket')).toThrow(/the top of the model bucket/);
    expect(() => checkOutsideModels(parseOutLocation('s3://models-bucket/batch/'), 'models-bucket')).not.toThrow();
    expect(() => checkOutsideModels(parseOutLocation('s3://other/models/'), 'models-bucket')).not.toThrow();
  });
});

describe('parseBatchRequest', () => {
  it('fills in the defaults and keeps the filter fields apart', () => {
    expect(parseBatchRequest({ mode: 'batch', out: 's3://b-1/p/', genres: ['Drama'], exclude: [1, 'x'], years: '1990-1999' })).toEqual({
      n: 10,
      partUsers: 100_000,
      explain: false,
      out: { bucket: 'b-1', prefix: 'p/' },
      filter: { genres: ['Drama'], exclude: [1, 'x'], years: '1990-1999' },
    });
  });

  it.each([
    [{}, /out: out is required/],
    [{ out: 's3://b-1/p/', n: 0 }, /n: /],
    [{ out: 's3://b-1/p/', n: 1001 }, /n: /],
    [{ out: 's3://b-1/p/', n: 2.5 }, /n: /],
    [{ out: 's3://b-1/p/', partUsers: 0 }, /partUsers: /],
    [{ out: 's3://b-1/p/', genre: ['Drama'] }, /unknown key\(s\) "genre"/],
    [{ out: 's3://b-1/p/', genres: 'Drama' }, /genres: /],
    [{ out: 's3://b-1/p/', genres: [''] }, /genres\.0: an empty name/],
    [{ out: 'file:///tmp' }, /is not an s3:\/\/ URL/],
  ])('refuses %j', (input, message) => {
    expect(() => parseBatchRequest(input)).toThrow(BatchRequestError);
    expect(() => parseBatchRequest(input)).toThrow(message);
  });
});
