import { describe, expect, it } from 'vitest';

import { ApiError } from '../src/api/client';
import {
  classifyRequestOf,
  describeClassifyError,
  EMPTY_FIELDS,
  fieldProblems,
  fileNameFromDisposition,
  type ClassifyFields,
} from '../src/views/classify/classify-input';

const fields = (changes: Partial<ClassifyFields>): ClassifyFields => ({
  ...EMPTY_FIELDS,
  text: 'The actor ran whoami.',
  ...changes,
});

describe('checking the classify options as they are typed', () => {
  it('accepts empty options, which take the API defaults', () => {
    expect(fieldProblems(fields({}))).toEqual({});
    expect(fieldProblems(fields({ topK: '  ', threshold: '' }))).toEqual({});
  });

  it('takes top-k as a whole number from 1 to 20', () => {
    for (const topK of ['1', '20', ' 7 ']) expect(fieldProblems(fields({ topK }))).toEqual({});
    for (const topK of ['0', '21', '2.5', '-1', 'three', '1e1']) {
      expect(fieldProblems(fields({ topK })).topK).toMatch(/whole number from 1 to 20/);
    }
  });

  it('takes the threshold as a number from 0 to 1', () => {
    for (const threshold of ['0', '1', '0.35', '.5', '1.0', '0.']) {
      expect(fieldProblems(fields({ threshold }))).toEqual({});
    }
    for (const threshold of ['1.01', '-0.1', 'abc', '0x1', '1e-3', '0,5']) {
      expect(fieldProblems(fields({ threshold })).threshold).toMatch(/from 0 to 1/);
    }
  });

  it('limits the title to the 200 characters the API takes', () => {
    expect(fieldProblems(fields({ title: 'x'.repeat(200) }))).toEqual({});
    expect(fieldProblems(fields({ title: 'x'.repeat(201) })).title).toMatch(/at most 200/);
  });

  it('leaves the report to the API, even when it is empty', () => {
    expect(fieldProblems(fields({ text: '   ' }))).toEqual({});
  });
});

describe('the request body of a classification', () => {
  it('leaves out empty options, so the API answers with the active model and its defaults', () => {
    expect(classifyRequestOf(fields({ format: 'markdown' }))).toEqual({
      text: 'The actor ran whoami.',
      format: 'markdown',
    });
  });

  it('sends typed options as numbers and the title trimmed', () => {
    const body = classifyRequestOf(
      fields({ modelId: 'm1', topK: ' 5', threshold: '0.25 ', title: ' APT report ' }),
    );
    expect(body).toEqual({
      text: 'The actor ran whoami.',
      format: 'text',
      modelId: 'm1',
      topK: 5,
      threshold: 0.25,
      title: 'APT report',
    });
  });

  it('sends a threshold of 0, which differs from leaving it out', () => {
    expect(classifyRequestOf(fields({ threshold: '0' })).threshold).toBe(0);
  });
});

describe('the file name of a downloaded layer', () => {
  it('is taken from the Content-Disposition header', () => {
    const header = 'attachment; filename="ttpgrid-layer-1a2b3c4d.json"';
    expect(fileNameFromDisposition(header, 'layer.json')).toBe('ttpgrid-layer-1a2b3c4d.json');
    expect(fileNameFromDisposition('attachment; filename=plain.json', 'x')).toBe('plain.json');
  });

  it('prefers the RFC 5987 form and decodes it', () => {
    const header = `attachment; filename="fallback.json"; filename*=UTF-8''r%C3%A9sum%C3%A9.json`;
    expect(fileNameFromDisposition(header, 'x')).toBe('résumé.json');
  });

  it('keeps only the last path part and falls back when there is no usable name', () => {
    expect(fileNameFromDisposition('attachment; filename="../../etc/passwd"', 'x')).toBe('passwd');
    expect(fileNameFromDisposition('attachment; filename="a\\\\b.json"', 'x')).toBe('b.json');
    expect(fileNameFromDisposition('attachment; filename=".."', 'layer.json')).toBe('layer.json');
    expect(fileNameFromDisposition('attachment', 'layer.json')).toBe('layer.json');
    expect(fileNameFromDisposition(null, 'layer.json')).toBe('layer.json');
  });
});

describe('stating a failed classification', () => {
  it('names the case by status and keeps the API message', () => {
    const empty = describeClassifyError(new ApiError(400, 'invalid request: body.text: empty'));
    expect(empty).toEqual({
      title: 'The report or an option was not accepted',
      detail: 'invalid request: body.text: empty',
    });
    expect(describeClassifyError(new ApiError(413, 'too big')).title).toBe(
      'The report is too large',
    );
    expect(describeClassifyError(new ApiError(404, 'model x not found')).title).toBe(
      'The model was not found',
    );
    expect(describeClassifyError(new ApiError(502, 'bad gateway')).title).toMatch(/HTTP 502/);
  });

  it('says when the API was not reached at all', () => {
    const report = describeClassifyError(new TypeError('Failed to fetch'));
    expect(report).toEqual({ title: 'The API could not be reached', detail: 'Failed to fetch' });
  });
});
